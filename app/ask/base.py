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
  so plainly and cites nothing;
- ``Answer.method`` says how the answer was made (:class:`AnswerMethod`);
- an answerer may cite passages of its own rather than the given ones (the offline answerer
  cites the messages a fact comes from): it lists them in ``Answer.sources``, and its numbers
  then refer to those.

``knowledge``, when given, is the graph the answer may read facts and relations from
(:class:`app.ask.knowledge.Knowledge`); answerers that answer from passages alone ignore it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Final, Protocol

from app.domain.usage import Usage

if TYPE_CHECKING:
    from app.ask.knowledge import Knowledge

__all__ = [
    "MAX_FOLLOW_UPS",
    "NOTHING_FOUND",
    "Answer",
    "AnswerEvent",
    "AnswerMethod",
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


class AnswerMethod(Enum):
    """How an answer was made."""

    FACT = "FACT"  # from facts or relations of the graph, citing the messages they come from
    PASSAGE = "PASSAGE"  # a quoted sentence of a retrieved message
    LLM = "LLM"  # written by an LLM from the retrieved messages
    NONE = "NONE"  # nothing answered: the text says so and cites nothing


@dataclass(frozen=True)
class Answer:
    text: str
    cited: list[int]
    follow_ups: list[str]  # 2-3 questions the asker could ask next
    found: bool
    answerer: str  # the answerer's name: "extractive", "anthropic" or "openai"
    method: AnswerMethod
    usage: Usage = field(default_factory=Usage)
    notice: str | None = None  # why another answerer than the configured one answered
    #: The passages ``cited`` numbers refer to when they are not the ones given (None: those).
    sources: tuple[Passage, ...] | None = None
    #: What the answer's value is of, or the sentence it was read from (offline answers).
    basis: str | None = None


AnswerEvent = Token | Answer


class Answerer(Protocol):
    name: str
    #: How many of the messages search found it reads, best first: an LLM's input is paid for
    #: and bounded; the offline answerer reads more, since it can only quote what it is given.
    passages: int

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint] = (),
        *,
        knowledge: Knowledge | None = None,
    ) -> AsyncIterator[AnswerEvent]:
        """Stream the answer to ``question`` from ``passages`` and, where the answerer reads
        it, ``knowledge`` (see the module doc)."""
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
