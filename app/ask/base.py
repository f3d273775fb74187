"""The answerer interface: a question and numbered passages in, a stream of events out.

Every answerer keeps one contract, whatever produces the words:

- it yields zero or more :class:`Token` events, then exactly one :class:`Answer`, and nothing
  after it;
- the tokens joined are exactly ``Answer.text`` (a client that rendered the stream has the
  answer; a client that only waits for the end loses nothing);
- a citation is ``[n]`` in the text, where ``n`` is a :attr:`Passage.number`; ``Answer.cited``
  lists the numbers cited, in order of first citation, each once, and only numbers of passages
  that were given (a number outside them is dropped from ``cited`` and logged);
- ``Answer.found`` is False when the passages did not answer the question; the text then says
  so plainly and cites nothing.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Protocol

from app.domain.usage import Usage

__all__ = [
    "MAX_FOLLOW_UPS",
    "NOTHING_FOUND",
    "Answer",
    "AnswerEvent",
    "Answerer",
    "EntityHint",
    "Passage",
    "Token",
    "defuse_citations",
    "entity_follow_ups",
]

_CITATION_LIKE = re.compile(r"\[(\s*\d+(?:\s*,\s*\d+)*\s*)\]")


def defuse_citations(text: str) -> str:
    """Message text shown in an answer or a prompt, with "[3]" written "(3)": only the
    answerer's own brackets may cite, or a message could point a citation anywhere."""
    return _CITATION_LIKE.sub(r"(\1)", text)


NOTHING_FOUND: Final = "I found nothing in the conversations about that."
MAX_FOLLOW_UPS: Final = 3


@dataclass(frozen=True)
class Passage:
    """One retrieved message, numbered as the answer cites it: ``[number]``."""

    number: int  # 1-based
    message_id: str
    conversation_id: str
    conversation_title: str
    speaker: str
    timestamp: datetime | None
    text: str
    score: float  # the retrieval score (reciprocal rank fusion); higher is better


@dataclass(frozen=True)
class EntityHint:
    """An entity the passages mention: answerers may use it for follow-up questions."""

    name: str
    type: str


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Answer:
    text: str
    cited: list[int]
    follow_ups: list[str]  # 2-3 questions the asker could ask next
    found: bool
    answerer: str  # the answerer's name: "extractive", "anthropic" or "openai"
    usage: Usage = field(default_factory=Usage)
    notice: str | None = None  # why another answerer than the configured one answered


AnswerEvent = Token | Answer


class Answerer(Protocol):
    name: str

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint] = (),
    ) -> AsyncIterator[AnswerEvent]:
        """Stream the answer to ``question`` from ``passages`` alone (see the module doc)."""
        ...


def entity_follow_ups(entities: Sequence[EntityHint]) -> list[str]:
    """Simple questions about the entities the passages mention (none without entities)."""
    names: list[str] = []
    for entity in entities:
        name = " ".join(entity.name.split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    questions = [f"What else was said about {name}?" for name in names[:MAX_FOLLOW_UPS]]
    if len(names) == 1:
        questions.append(f"Who talked about {names[0]}, and when?")
    return questions
