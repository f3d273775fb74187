"""The offline answerer: it quotes the sentences of the passages that best answer the question.

No text is generated, so nothing can be invented: every sentence of the answer is a quotation
of a message, with who said it, where and when, and its citation. A sentence is scored by
``COSINE_WEIGHT`` times its embedding's cosine with the question's, plus the share of the
question's topical words it contains (stems compared as the search snippets do). Sentences
scoring ``MIN_SCORE`` or more answer; below that, the answer says plainly that nothing was
found. The constants and their measurement on the golden questions: docs/adr/0010.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Final

from app.ask.base import (
    MAX_FOLLOW_UPS,
    NOTHING_FOUND,
    Answer,
    AnswerEvent,
    EntityHint,
    Passage,
    Token,
    defuse_citations,
    entity_follow_ups,
)
from app.embed import Embedder
from app.search.text import QueryTerms, parse_query

__all__ = ["ExtractiveAnswerer"]

COSINE_WEIGHT: Final = 0.7
#: Search's own ranking (passage 1 is its best) as a small prior: it saw the graph and Lucene.
RANK_PRIOR: Final = 0.1
MIN_SCORE: Final = 0.4
#: Quotations in an answer; a second or third must score within this share of the best.
MAX_QUOTES: Final = 3
RUNNER_UP_SHARE: Final = 0.7
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[^\W_]+")
_MAX_QUOTE_CHARS: Final = 300


@dataclass(frozen=True)
class _Sentence:
    passage: Passage
    text: str
    score: float


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    async def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint] = (),
    ) -> AsyncIterator[AnswerEvent]:
        chosen = await self._choose(question, passages)
        if not chosen:
            yield Token(NOTHING_FOUND)
            yield Answer(NOTHING_FOUND, [], [], found=False, answerer=self.name)
            return
        lines = [_quote(s) for s in chosen]
        text = lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)
        for token in _tokens(text):
            yield Token(token)
            await asyncio.sleep(0)  # let each token reach the socket as it is made
        cited = list(dict.fromkeys(s.passage.number for s in chosen))
        yield Answer(
            text=text,
            cited=cited,
            follow_ups=_follow_ups(question, chosen, entities),
            found=True,
            answerer=self.name,
        )

    async def _choose(self, question: str, passages: Sequence[Passage]) -> list[_Sentence]:
        """The passages that answer, best first, each with the text to quote from it."""
        units = [(p, _sentences(p.text)) for p in passages]
        units = [(p, sentences) for p, sentences in units if sentences]
        if not units:
            return []
        texts = [question]
        for p, sentences in units:
            texts.append(p.text)
            texts += sentences if len(sentences) > 1 else []
        vectors = await asyncio.to_thread(self._embedder.embed, texts)
        asked, rest = vectors[0], iter(vectors[1:])
        terms = parse_query(question)
        scored = []
        for passage, sentences in units:
            whole = _cosine(asked, next(rest))
            each = [_cosine(asked, next(rest)) for _ in sentences] if len(sentences) > 1 else []
            best_sentence = max(range(len(each)), key=each.__getitem__) if each else 0
            cosine = max([whole, *each])
            score = (
                COSINE_WEIGHT * cosine + _overlap(passage.text, terms) + RANK_PRIOR / passage.number
            )
            scored.append(_Sentence(passage, _excerpt(sentences, best_sentence), score))
        scored.sort(key=lambda s: -s.score)
        best = scored[0].score
        if best < MIN_SCORE:
            return []
        return [s for s in scored if s.score >= max(MIN_SCORE, best * RUNNER_UP_SHARE)][:MAX_QUOTES]


def _sentences(text: str) -> list[str]:
    out = []
    for part in _SENTENCE.split(text):
        part = " ".join(part.split())
        if _WORD.search(part):
            out.append(part if len(part) <= _MAX_QUOTE_CHARS else part[:_MAX_QUOTE_CHARS] + "…")
    return out


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _excerpt(sentences: list[str], best: int) -> str:
    """The whole message when short; else its best sentence with neighbours, while they fit."""
    text = " ".join(sentences)
    if len(text) <= _MAX_QUOTE_CHARS:
        return text
    lo = hi = best
    while True:
        grown = False
        if hi + 1 < len(sentences) and len(" ".join(sentences[lo : hi + 2])) <= _MAX_QUOTE_CHARS:
            hi, grown = hi + 1, True
        if lo > 0 and len(" ".join(sentences[lo - 1 : hi + 1])) <= _MAX_QUOTE_CHARS:
            lo, grown = lo - 1, True
        if not grown:
            break
    prefix = "… " if lo > 0 else ""
    suffix = " …" if hi + 1 < len(sentences) else ""
    return prefix + " ".join(sentences[lo : hi + 1]) + suffix


def _overlap(text: str, terms: QueryTerms) -> float:
    """The share of the question's topical words in ``text``, weighted to complement cosine."""
    if terms.empty:
        return 0.0
    return terms.found_in(text) / len(terms.words) * (1 - COSINE_WEIGHT)


def _quote(sentence: _Sentence) -> str:
    p = sentence.passage
    when = f", {p.timestamp:%d %b %Y}" if p.timestamp else ""
    quoted = defuse_citations(sentence.text)
    return f"{p.speaker} said “{quoted}” ({p.conversation_title}{when}) [{p.number}]"


def _tokens(text: str) -> list[str]:
    """Word-sized pieces that join back to ``text`` exactly."""
    return re.findall(r"\S+\s*|\s+", text)


def _follow_ups(
    question: str, chosen: Sequence[_Sentence], entities: Sequence[EntityHint]
) -> list[str]:
    asked = question.casefold()
    fresh = [e for e in entities if e.name.casefold() not in asked]
    questions = entity_follow_ups(fresh)
    title = chosen[0].passage.conversation_title
    questions.append(f"What else was discussed in “{title}”?")
    return list(dict.fromkeys(questions))[:MAX_FOLLOW_UPS]
