"""The knowledge set on disk (tests/knowledge/README.md): long conversations, their gold
entities, and questions with short gold answers, loaded and checked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.domain.conversations import ConversationInput
from app.errors import BadInput
from app.graph.conversations import content_checksum, conversation_id, message_id
from app.llm.validation import describe

__all__ = [
    "KINDS",
    "KNOWLEDGE_DIR",
    "SPLITS",
    "GoldEntity",
    "GoldQuestion",
    "KnowledgeFile",
    "is_blind",
    "load_dir",
    "load_split",
]

KNOWLEDGE_DIR: Final = Path(__file__).resolve().parents[2] / "tests" / "knowledge"
SPLITS: Final = ("tuned", "blind")
KINDS: Final = ("what", "where", "who", "when", "multi")

Kind = Literal["what", "where", "who", "when", "multi"]
EntityType = Literal["person", "animal", "place", "organization", "product", "event"]


class GoldEntity(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1)
    type: EntityType
    subtype: str | None = None
    aliases: tuple[str, ...] = ()
    person_id: str | None = None


class GoldQuestion(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    kind: Kind
    entity: str
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    messages: tuple[int, ...] = Field(min_length=1)


class _File(BaseModel):
    conversation: ConversationInput
    entities: list[GoldEntity]
    questions: list[GoldQuestion]


@dataclass(frozen=True)
class KnowledgeFile:
    split: str  # tuned, blind, or the directory's name
    stem: str
    conversation: ConversationInput
    entities: list[GoldEntity]
    questions: list[GoldQuestion]
    conversation_id: str  # as ingest assigns it
    message_ids: list[str]  # by message index, as ingest assigns them

    @property
    def label(self) -> str:
        return f"{self.split}/{self.stem}"

    def person_key(self, entity: GoldEntity) -> str:
        """Who a gold person is across files: ``person_id`` names one person within a split."""
        return f"{self.split}:{entity.person_id or entity.name}"


def load_dir(directory: Path, split: str | None = None) -> list[KnowledgeFile]:
    """Every ``*.json`` of ``directory`` in name order; BadInput naming the file and the
    place when one does not fit the format."""
    files = []
    for path in sorted(directory.glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            parsed = _File.model_validate(raw)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
        except ValidationError as exc:
            problems = "; ".join(describe(e["loc"], e["msg"]) for e in exc.errors()[:5])
            raise BadInput(f"{path}: not a knowledge file ({problems})") from None
        _check(path, parsed)
        conv_id = conversation_id(content_checksum(parsed.conversation))
        files.append(
            KnowledgeFile(
                split=split or directory.name,
                stem=path.stem,
                conversation=parsed.conversation,
                entities=parsed.entities,
                questions=parsed.questions,
                conversation_id=conv_id,
                message_ids=[
                    message_id(conv_id, i) for i in range(len(parsed.conversation.messages))
                ],
            )
        )
    if not files:
        raise BadInput(f"no knowledge files (*.json) under {directory}")
    return files


def is_blind(directory: Path) -> bool:
    """Whether ``directory`` is (inside) the held-out split, however it was named."""
    blind = (KNOWLEDGE_DIR / "blind").resolve()
    here = directory.resolve()
    return here == blind or blind in here.parents


def load_split(split: str, root: Path = KNOWLEDGE_DIR) -> list[KnowledgeFile]:
    """``tuned``, ``blind`` or ``all`` (both); BadInput when the split is unknown or empty."""
    if split not in (*SPLITS, "all"):
        raise BadInput(f"unknown split {split!r}; use tuned, blind or all")
    files = [f for s in SPLITS if split in (s, "all") for f in load_dir(root / s, s)]
    if not files:
        raise BadInput(f"no knowledge files for split {split!r} under {root}")
    return files


def _check(path: Path, parsed: _File) -> None:
    names = {e.name for e in parsed.entities}
    count = len(parsed.conversation.messages)
    for e in parsed.entities:
        if e.type == "person" and not e.person_id:
            raise BadInput(f"{path}: person {e.name!r} has no person_id")
    for q in parsed.questions:
        if q.entity not in names:
            raise BadInput(f"{path}: question {q.id} is about {q.entity!r}, no listed entity")
        if any(not 0 <= i < count for i in q.messages):
            raise BadInput(f"{path}: question {q.id} cites a message index out of range")
