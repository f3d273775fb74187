"""The sentences of the retrieved messages that may answer a question, when no fact does.

Each sentence is scored as its message was (docs/adr/0010): ``COSINE_WEIGHT`` times the larger
of its message's and its own embedding cosine with the question, plus the share of the
question's topical words the message contains (its speaker's name included; stems compared as
the search snippets do), plus search's rank as a small prior; plus ``SPEAKER_BONUS`` when the
person the question is about said it. Sentences are ranked by that score plus the share of the
question's topic words (names left out) the sentence itself holds. Sentences of nothing but
names and chat words ("PRIYA YES") are never quoted. A message that only asks ("…?") answers
nothing while a statement scores ``MIN_SCORE``: in a conversation between two people the
question is often the other one asking. Below ``MIN_SCORE``, nothing answers. The answerer
reads a value out of the best of them (``app.ask.spans``, ADR 0020).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from app.ask.base import Passage
from app.domain.normalize import normalize_name
from app.embed import Embedder
from app.extract.local.lexicon import CHAT_WORDS
from app.search.text import STOP_WORDS, QueryTerms, parse_query

__all__ = ["MIN_SCORE", "Quote", "answering", "ranked_quotes"]

COSINE_WEIGHT: Final = 0.7
#: Search's own ranking (passage 1 is its best) as a small prior: it saw the graph and Lucene.
RANK_PRIOR: Final = 0.1
MIN_SCORE: Final = 0.4
#: Said by the person asked about: their own words answer questions about them.
SPEAKER_BONUS: Final = 0.1
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[^\W_]+")
_MAX_QUOTE_CHARS: Final = 300


@dataclass(frozen=True)
class Quote:
    passage: Passage
    text: str  # the sentence as quoted: "… I moved to Leith …"
    score: float  # how well its message answers, with this sentence's cosine
    sentence: str  # the sentence alone
    rank: float  # ``score`` plus the share of the question's topic words the sentence holds
    asks: bool = False  # its message only asks ("…?"): it answers only when nothing else does


async def ranked_quotes(
    embedder: Embedder, question: str, passages: Sequence[Passage], asked: set[str]
) -> list[Quote]:
    """The sentences that may be quoted, best first, each scored as its message is (with its own
    cosine) and ranked by that plus the share of the question's topic words it holds. Questions
    are left out while a message states something; so are sentences that say nothing but names
    and chat words ("PRIYA YES", "Oh, Walt."). ``asked`` holds the normalised names (and
    aliases) of the entities the question is about; a speaker named by one of the question's
    words counts as asked about too."""
    units = [(p, _sentences(p.text)) for p in passages]
    units = [(p, sentences) for p, sentences in units if sentences]
    if not units:
        return []
    texts = [question]
    for p, sentences in units:
        texts.append(p.text)
        texts += sentences
    vectors = await asyncio.to_thread(embedder.embed, texts)
    asked_vector, rest = vectors[0], iter(vectors[1:])
    terms = parse_query(question)
    # Within a message, the names asked about point at no sentence: the topic words do.
    named = {w for name in asked for w in name.split()}
    topic = QueryTerms(tuple(w for w in terms.words if w not in named) or terms.words, ())
    quotes: list[Quote] = []
    for passage, sentences in units:
        whole = _cosine(asked_vector, next(rest))
        each = [_cosine(asked_vector, next(rest)) for _ in sentences]
        statements = [i for i, s in enumerate(sentences) if not _is_question(s)]
        # The speaker counts among the message's words: "Maya: I'm a nurse" names Maya.
        shared = (
            _overlap(f"{passage.speaker} {passage.text}", terms)
            + RANK_PRIOR / passage.number
            + (SPEAKER_BONUS if _said_by(passage, asked | set(terms.words)) else 0.0)
        )
        speaker = set(normalize_name(passage.speaker).split())
        for i in statements or range(len(sentences)):
            if _empty(sentences[i], named | speaker):
                continue
            score = COSINE_WEIGHT * max(whole, each[i]) + shared
            on_topic = _overlap(sentences[i], topic)
            text = sentences[i]
            # An excerpt says so: "… the sentence …".
            text = ("… " if i > 0 else "") + text + (" …" if i + 1 < len(sentences) else "")
            quotes.append(
                Quote(passage, text, score, sentences[i], score + on_topic, not statements)
            )
    quotes.sort(key=lambda q: -q.rank)
    return quotes


def answering(quotes: Sequence[Quote]) -> list[Quote]:
    """The quotes that answer, best first: those scoring ``MIN_SCORE``, a message that only
    asks only when no statement does (in a conversation between two people the question is
    often the other one asking)."""
    scoring = [q for q in quotes if q.score >= MIN_SCORE]
    return [q for q in scoring if not q.asks] or scoring


def _empty(sentence: str, names: set[str]) -> bool:
    """Whether a sentence says nothing but names, chat words and stop words."""
    return all(
        w in names or w in CHAT_WORDS or w in STOP_WORDS
        for w in (normalize_name(x) for x in _WORD.findall(sentence))
    )


def _is_question(sentence: str) -> bool:
    return sentence.rstrip(" …").endswith("?")


def _said_by(passage: Passage, asked: set[str]) -> bool:
    speaker = normalize_name(passage.speaker)
    if not speaker:
        return False
    return speaker in asked or speaker.split()[0] in {a.split()[0] for a in asked if a}


def _sentences(text: str) -> list[str]:
    out = []
    for part in _SENTENCE.split(text):
        part = " ".join(part.split())
        if _WORD.search(part):
            out.append(part if len(part) <= _MAX_QUOTE_CHARS else part[:_MAX_QUOTE_CHARS] + "…")
    return out


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _overlap(text: str, terms: QueryTerms) -> float:
    """The share of the question's topical words in ``text``, weighted to complement cosine."""
    if terms.empty:
        return 0.0
    return terms.found_in(text) / len(terms.words) * (1 - COSINE_WEIGHT)
