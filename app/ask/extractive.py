"""The offline answerer: a fact of the graph first, else the best sentence of the messages
found, else a plain "nothing". No text is generated, so nothing can be invented.

- FACT (``app.ask.graph_answer``): the fact or relation that answers: its value and the
  messages it comes from, "Kiwi [1].", with ``Answer.basis`` saying what the value is of
  ("Maya's pet").
- PASSAGE (``app.ask.passages``, ``app.ask.spans``): no fact fits; the sentence of the retrieved
  messages that best answers, preferring what the person asked about said over others'
  questions and a sentence that holds the kind of value asked for (a place for "where"…). When
  it does, the answer is that value, "Lake Tahoe [1].", and the basis the sentence with who said
  it and when; else the sentence itself: "“I work nights at the clinic now.” — Maya,
  12 Mar 2024 [1]".
- NONE: "I found nothing in the library about “…”."

``Answer.method`` says which; citations are numbered from 1 in order of appearance
(``Answer.sources`` holds the messages they refer to). Why answers lead with a bare value:
ADR 0020.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator, Sequence
from typing import Final

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
from app.ask.passages import Quote, answering, ranked_quotes
from app.ask.predicates import PredicateMatcher
from app.ask.question import Question, parse_question
from app.ask.spans import Said, Span, answer_spans
from app.domain.normalize import normalize_name
from app.embed import Embedder

__all__ = ["ExtractiveAnswerer", "nothing_found"]

log = structlog.get_logger(__name__)

#: The best sentences read for a span that answers.
SPAN_CANDIDATES: Final = 8
#: A sentence that holds the kind of value asked for ranks higher by this much times the
#: span's strength.
SPAN_WEIGHT: Final = 0.3


def nothing_found(question: str) -> str:
    """The plain answer when nothing answers, naming what was asked."""
    return f"I found nothing in the library about “{defuse_citations(question)}”."


class ExtractiveAnswerer:
    name = "extractive"
    #: Measured on the knowledge set's tuned split (ADR 0020): 6 → 16 passages lifted answer
    #: F1 from 0.24 to 0.31 and citing an answering message from 0.36 to 0.49.
    passages = 16

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
        names: set[str] = set().union(*(e.keys for e in asked))
        if knowledge is not None and asked:
            passages = await _theirs(passages, knowledge, asked)
        chosen: tuple[Quote, Span | None] | None = None
        if fact is not None and fact.undated:
            # The graph knows the event but not its date, only when it was said: a date the
            # question's own words govern in a message ("moving on the 20th") says more.
            chosen = await self._quote(parsed, passages, names)
            if chosen is not None and chosen[1] is not None and chosen[1].governed:
                fact = None
            else:
                chosen = None
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
                basis=fact.basis,
            )
        else:
            chosen = chosen or await self._quote(parsed, passages, names)
            answer = self._passage(parsed, *chosen, entities) if chosen else self._none(question)
        log.info("ask.offline", method=answer.method.value, asked=[e.name for e in asked])
        for token in _tokens(answer.text):
            yield Token(token)
            await asyncio.sleep(0)  # let each token reach the socket as it is made
        yield answer

    async def _quote(
        self, question: Question, passages: Sequence[Passage], names: set[str]
    ) -> tuple[Quote, Span | None] | None:
        """The sentence to answer from, and the span of it that answers, if one does."""
        quotes = await ranked_quotes(self._embedder, question.text, passages, names)
        candidates = answering(quotes)[:SPAN_CANDIDATES]
        if not candidates:
            return None
        names = names | question.proper_words()
        said = [
            Said(
                q.sentence,
                q.passage.timestamp.date() if q.passage.timestamp else None,
                _concerns(q.passage, names),
            )
            for q in candidates
        ]
        spans = await asyncio.to_thread(answer_spans, question, said, names)
        ranked = sorted(
            zip(candidates, spans, strict=True),
            key=lambda c: -(c[0].rank + SPAN_WEIGHT * (c[1].strength if c[1] else 0.0)),
        )
        return ranked[0]

    def _passage(
        self, question: Question, quote: Quote, span: Span | None, entities: Sequence[EntityHint]
    ) -> Answer:
        p = quote.passage
        when = f", {p.timestamp:%d %b %Y}" if p.timestamp else ""
        said = f"“{defuse_citations(quote.text)}” — {p.speaker}{when}"
        text, basis = (
            (f"{defuse_citations(span.text)} [1].", said) if span else (f"{said} [1]", None)
        )
        return Answer(
            text=text,
            cited=[1],
            follow_ups=_follow_ups(question, entities, p.conversation_title),
            found=True,
            answerer=self.name,
            method=AnswerMethod.PASSAGE,
            sources=(dataclasses.replace(p, number=1),),
            basis=basis,
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


async def _theirs(
    passages: Sequence[Passage], knowledge: Knowledge, asked: Sequence[EntityRef]
) -> Sequence[Passage]:
    """The passages of the conversations the entities asked about are mentioned in, when there
    are any: "What car does Sam drive?" is not answered by Ben's "I'm driving up next weekend"
    from a conversation Sam is in no part of."""
    sources = await knowledge.sources_of(asked)
    theirs = [p for p in passages if p.conversation_id in sources]
    return theirs or passages


def _concerns(passage: Passage, names: set[str]) -> bool:
    """Whether a message was said by an entity asked about (``names``, normalised) or names
    one."""
    words = {w for name in names for w in name.split()}
    said = set(normalize_name(passage.speaker).split())
    return bool(words & said) or bool(words & set(normalize_name(passage.text).split()))


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
