"""How well a question's words name a predicate (a fact's field or a relation's label).

A word matches a predicate fully when its lemma is one of the predicate's words (``lives`` in
``lives_in``: ``live``), or when it is a word the extractor writes that predicate for
(``brother`` → ``sibling_of``, ``parrot`` → ``pet``: the extractor's own word lists, so the
answerer reads a label the way it was written), or a common way of asking for it (``job`` →
``occupation``). Otherwise it matches as far as the embedding model finds the two close:
``VECTOR_FLOOR`` and below count for nothing (MiniLM puts unrelated short words at cosine
0.3-0.45), ``VECTOR_FULL`` and above for ``VECTOR_WEIGHT``. So a new predicate the extractor
starts to emit (``adopted``, ``plays``) is matched with no change here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from app.embed import Embedder
from app.extract.local.lexicon import KIN, PETS
from app.nlp import label_lemmas

__all__ = ["VECTOR_FLOOR", "VECTOR_FULL", "MatchTable", "PredicateMatcher", "predicate_words"]

VECTOR_FLOOR: Final = 0.45
VECTOR_FULL: Final = 0.8
VECTOR_WEIGHT: Final = 0.85
#: Words that link a label's words ("sibling_of", "lives_in") and say nothing of their own.
_LINKS: Final = frozenset(
    {"of", "in", "at", "to", "from", "for", "with", "on", "by", "the", "a", "an", "is", "be", "has"}
)


def _kin_cues() -> dict[str, set[str]]:
    cues: dict[str, set[str]] = {}
    for word, (label, _gender) in KIN.items():
        head = label.split("_")[0]  # sibling_of → sibling
        cues.setdefault(head, set()).update(word.split())
    return cues


# A predicate's head word → question words that ask for it (lemmas, lower case).
_CUES: Final[dict[str, frozenset[str]]] = {
    head: frozenset(words)
    for head, words in {
        **_kin_cues(),
        "pet": set(PETS) | {"pet", "animal"},
        "occupation": {"job", "work", "living", "profession", "career"},
        "job": {"job", "work", "living", "profession", "career"},
        "work": {"job", "work", "employer", "company", "office", "firm"},
        "live": {"live", "home", "city", "town", "based", "stay", "reside"},
        "move": {"move", "relocate"},
        "birthday": {"born", "birthday", "birth"},
        "age": {"old", "age"},
        "like": {"like", "love", "enjoy", "favourite", "favorite", "fan", "into"},
        "hobby": {"hobby", "free", "spare", "pastime", "fun", "weekend"},
        "study": {"study", "student", "school", "university", "college", "major", "degree"},
        "email": {"email", "mail", "address"},
        "phone": {"phone", "number", "call", "text"},
        "spouse": {"wife", "husband", "married", "spouse"},
        "partner": {"girlfriend", "boyfriend", "partner", "dating"},
        "roommate": {"roommate", "flatmate", "housemate"},
        "neighbor": {"neighbour", "neighbor"},
        "neighbour": {"neighbour", "neighbor"},
    }.items()
}


def predicate_words(predicate: str) -> str:
    """A label as words: ``lives_in`` → ``lives in``."""
    return " ".join(predicate.split("_"))


@dataclass(frozen=True)
class MatchTable:
    """Per predicate, how well each of the question's words names it, and how close the whole
    question is to it."""

    words: tuple[str, ...]
    by_word: dict[str, tuple[float, ...]]  # predicate → one score in [0, 1] per word
    question: dict[str, float]  # predicate → cosine of the question (names left out) with it

    def word_scores(self, predicate: str) -> tuple[float, ...]:
        return self.by_word.get(predicate, (0.0,) * len(self.words))


class PredicateMatcher:
    """Scores predicates against a question's words; keeps the vectors of labels it has seen."""

    def __init__(
        self,
        embedder: Embedder,
        lemmatize: Callable[[Sequence[str]], list[str]] = label_lemmas,
    ) -> None:
        self._embedder = embedder
        self._lemmatize = lemmatize
        self._vectors: dict[str, list[float]] = {}

    async def table(
        self, words: Sequence[str], question: str, predicates: Sequence[str]
    ) -> MatchTable:
        words = tuple(words)
        predicates = list(dict.fromkeys(predicates))
        if not words or not predicates:
            return MatchTable(words, {}, {})
        lemmas = await asyncio.to_thread(self._lemmatize, ["_".join(words), *predicates])
        word_lemmas = lemmas[0].split("_")
        if len(word_lemmas) != len(words):  # the lemmatiser must keep one lemma per word
            word_lemmas = list(words)
        phrases = {p: predicate_words(p) for p in predicates}
        vectors = await self._embed([*words, question, *phrases.values()])
        asked = vectors[question]
        by_word: dict[str, tuple[float, ...]] = {}
        closeness: dict[str, float] = {}
        for predicate, lemma in zip(predicates, lemmas[1:], strict=True):
            own = {w for w in lemma.split("_") if w not in _LINKS} or set(lemma.split("_"))
            cues = set().union(*(_CUES.get(w, frozenset()) for w in own))
            vector = vectors[phrases[predicate]]
            scores = []
            for word, word_lemma in zip(words, word_lemmas, strict=True):
                if word_lemma in own or word in own or word_lemma in cues or word in cues:
                    scores.append(1.0)
                    continue
                cosine = _cosine(vectors[word], vector)
                share = (cosine - VECTOR_FLOOR) / (VECTOR_FULL - VECTOR_FLOOR)
                scores.append(VECTOR_WEIGHT * min(1.0, max(0.0, share)))
            by_word[predicate] = tuple(scores)
            closeness[predicate] = _cosine(asked, vector)
        return MatchTable(words, by_word, closeness)

    async def _embed(self, texts: Sequence[str]) -> dict[str, list[float]]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            vectors = await asyncio.to_thread(self._embedder.embed, missing)
            if len(self._vectors) > 10_000:  # labels are few; questions pass through
                self._vectors.clear()
            self._vectors.update(zip(missing, vectors, strict=True))
        return {t: self._vectors[t] for t in texts}


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))
