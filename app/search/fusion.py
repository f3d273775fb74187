"""Reciprocal rank fusion: many ranked lists in, one ranking out.

Each list ranks hits by its own score (Lucene's BM25, cosine similarity, graph proximity);
those scores are not comparable, but ranks are. A hit at rank ``r`` (1-based) of a list of
weight ``w`` earns ``w / (RRF_K + r)``; a hit's score is the sum over the lists it is in.
``RRF_K = 60`` is the constant of Cormack, Clarke and Büttcher (SIGIR 2009): it damps the
head of each list so one list's first place cannot outvote agreement between lists.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

__all__ = ["RRF_K", "Fused", "Method", "RankedList", "fuse"]

RRF_K: Final = 60

K = TypeVar("K", bound=Hashable)


class Method(enum.Enum):
    FULLTEXT = "fulltext"
    VECTOR = "vector"
    GRAPH = "graph"  # one hop from a matched entity


@dataclass(frozen=True)
class RankedList(Generic[K]):
    method: Method
    keys: Sequence[K]  # best first; a repeated key keeps its first rank
    weight: float = 1.0


@dataclass(frozen=True)
class Fused(Generic[K]):
    key: K
    score: float
    methods: frozenset[Method]


def fuse(lists: Sequence[RankedList[K]]) -> list[Fused[K]]:
    """Every key of every list, best fused score first; ties keep first-seen order."""
    scores: dict[K, float] = {}
    methods: dict[K, set[Method]] = {}
    for ranked in lists:
        seen: set[K] = set()
        rank = 0
        for key in ranked.keys:
            if key in seen:
                continue
            seen.add(key)
            rank += 1
            scores[key] = scores.get(key, 0.0) + ranked.weight / (RRF_K + rank)
            methods.setdefault(key, set()).add(ranked.method)
    order = sorted(scores, key=lambda k: -scores[k])  # sorted() is stable
    return [Fused(k, scores[k], frozenset(methods[k])) for k in order]
