"""The offline answerer: a fact of the graph first, else the best sentence of the messages
found, else a plain "nothing". No text is generated, so nothing can be invented.

- FACT (``app.ask.graph_answer``): the fact or relation that answers, in one short sentence that
  leads with its value and cites the messages it comes from: "Kiwi — Maya's pet [1]."
- PASSAGE (``app.ask.passages``): no fact fits; the one sentence of the retrieved messages that
  best answers, preferring what the person asked about said over others' questions, with who
  said it and when: "“I work nights at the clinic now.” — Maya, 12 Mar 2024 [1]".
- NONE: "I found nothing in the library about “…”."

``Answer.method`` says which; citations are numbered from 1 in order of appearance
(``Answer.sources`` holds the messages they refer to).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator, Sequence

import structlog

from app.ask.base import (
    MAX_FOLLOW_UPS,
    Answer,
    AnswerEvent,
    AnswerMethod,
    EntityHint,
    Passage,
    Token,
    defuse_citations,
    entity_follow_ups,
)
from app.ask.graph_answer import FactAnswer, GraphAnswerer
from app.ask.knowledge import EntityRef, Knowledge
from app.ask.passages import Quote, best_sentence
from app.ask.predicates import PredicateMatcher
from app.ask.question import Question, parse_question
from app.embed import Embedder

__all__ = ["ExtractiveAnswerer", "nothing_found"]

log = structlog.get_logger(__name__)


def nothing_found(question: str) -> str:
    """The plain answer when nothing answers, naming what was asked."""
    return f"I found nothing in the library about “{defuse_citations(question)}”."


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._graph = GraphAnswerer(PredicateMatcher(embedder))

    async def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint] = (),
        *,
        knowledge: Knowledge | None = None,
    ) -> AsyncIterator[AnswerEvent]:
        parsed = parse_question(question)
        asked: list[EntityRef] = []
        fact: FactAnswer | None = None
        if knowledge is not None:
            asked = await self._graph.asked_about(parsed, knowledge)
            fact = await self._graph.answer(parsed, knowledge, asked)
        if fact is not None:
            hints = [EntityHint(e.name, e.type) for e in asked]
            answer = Answer(
                text=fact.text,
                cited=[p.number for p in fact.sources],
                follow_ups=_follow_ups(parsed, [*hints, *entities], None),
                found=True,
                answerer=self.name,
                method=AnswerMethod.FACT,
                sources=fact.sources,
            )
        else:
            names: set[str] = set().union(*(e.keys for e in asked))
            quote = await best_sentence(self._embedder, question, passages, names)
            answer = self._passage(parsed, quote, entities) if quote else self._none(question)
        log.info("ask.offline", method=answer.method.value, asked=[e.name for e in asked])
        for token in _tokens(answer.text):
            yield Token(token)
            await asyncio.sleep(0)  # let each token reach the socket as it is made
        yield answer

    def _passage(self, question: Question, quote: Quote, entities: Sequence[EntityHint]) -> Answer:
        p = quote.passage
        when = f", {p.timestamp:%d %b %Y}" if p.timestamp else ""
        text = f"“{defuse_citations(quote.text)}” — {p.speaker}{when} [1]"
        return Answer(
            text=text,
            cited=[1],
            follow_ups=_follow_ups(question, entities, p.conversation_title),
            found=True,
            answerer=self.name,
            method=AnswerMethod.PASSAGE,
            sources=(dataclasses.replace(p, number=1),),
        )

    def _none(self, question: str) -> Answer:
        return Answer(
            text=nothing_found(question),
            cited=[],
            follow_ups=[],
            found=False,
            answerer=self.name,
            method=AnswerMethod.NONE,
        )


def _tokens(text: str) -> list[str]:
    """Word-sized pieces that join back to ``text`` exactly."""
    return re.findall(r"\S+\s*|\s+", text)


def _follow_ups(
    question: Question, entities: Sequence[EntityHint], conversation_title: str | None
) -> list[str]:
    asked = question.text.casefold()
    fresh = [e for e in entities if e.name.casefold() not in asked]
    questions = entity_follow_ups(fresh)
    named = [e for e in entities if e.name.casefold() in asked]
    if named:
        name = named[0].name
        questions += [f"What else was said about {name}?", f"Who talked about {name}, and when?"]
    if conversation_title:
        questions.append(f"What else was discussed in “{conversation_title}”?")
    return list(dict.fromkeys(questions))[:MAX_FOLLOW_UPS]
