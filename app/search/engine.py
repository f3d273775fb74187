"""Hybrid search: fulltext and vector candidates, one hop through the graph, fused by rank.

A search runs in three reads: the candidate lists (concurrently: Lucene on messages, facts and
entity names; nearest neighbours of the query's embedding among messages and entities, whose
messages also rank the facts they support), the expansion one hop from the best entities, and
the rows of the hits to show. Ranks are fused by reciprocal rank fusion (``app.search.fusion``).
Why this shape, and the figures behind its constants: docs/adr/0010-search-and-ask.md.
"""

from __future__ import annotations

import asyncio
import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import structlog
from cachetools import LRUCache

from app.errors import BadInput
from app.graph import search as reads
from app.graph.browse import Reader
from app.graph.search import Filters
from app.pipeline.embed import Embedder
from app.search.fusion import Method, RankedList, fuse
from app.search.text import MAX_QUERY_CHARS, QueryTerms, Snippet, parse_query, snippet
from app.ttlcache import AsyncTTLCache

__all__ = [
    "ALL_KINDS",
    "MAX_DEPTH",
    "Hit",
    "RankedMessage",
    "SearchKind",
    "SearchMode",
    "SearchRequest",
    "SearchResult",
    "Searcher",
    "ranked_messages",
]

log = structlog.get_logger(__name__)


class SearchKind(enum.Enum):
    ENTITY = "ENTITY"
    FACT = "FACT"
    MESSAGE = "MESSAGE"


class SearchMode(enum.Enum):
    HYBRID = "HYBRID"
    FULLTEXT = "FULLTEXT"
    VECTOR = "VECTOR"


ALL_KINDS: Final = frozenset(SearchKind)
#: Results a search can page through; deeper than this, refine the query.
MAX_DEPTH: Final = 200
#: Hits are read and cached in steps of this many, so the next page is usually cached.
_DEPTH_STEP: Final = 25
#: How many of the best entities are expanded, and how many items each contributes per list.
EXPAND_ENTITIES: Final = 3
EXPAND_PER_ENTITY: Final = 8
#: Expansion ranks count half: being near a match is weaker evidence than matching.
EXPAND_WEIGHT: Final = 0.5


@dataclass(frozen=True)
class SearchRequest:
    query: str
    kinds: frozenset[SearchKind] = ALL_KINDS
    mode: SearchMode = SearchMode.HYBRID
    expand: bool = True
    filters: Filters = field(default_factory=Filters)
    depth: int = 10  # how many ranked hits are needed (offset + page size)


@dataclass(frozen=True)
class Hit:
    kind: SearchKind
    id: str
    score: float  # fused: the sum of weight / (60 + rank) over the lists it is in
    methods: frozenset[Method]
    cosine: float | None  # similarity of the query's embedding, when a vector list found it
    snippet: Snippet
    # Rows in app.graph.browse's shapes:
    message: dict[str, Any] | None  # the message, or the first message a fact comes from
    conversation: dict[str, Any] | None  # the message's conversation
    entity: dict[str, Any] | None  # the entity, or a fact's entity
    fact: dict[str, Any] | None


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]  # the best ``depth`` hits (fewer when fewer were found)
    total: int  # candidates found by every list together (bounded by the lists' depth)
    terms: QueryTerms


def _normalise(query: str) -> str:
    if len(query) > MAX_QUERY_CHARS:
        raise BadInput(
            f"the query is {len(query)} characters long; at most {MAX_QUERY_CHARS} are searched",
            limit=MAX_QUERY_CHARS,
        )
    return " ".join(query.split())


def _usable(vector: Sequence[float]) -> bool:
    """A vector the cosine index can rank by: finite and not all zeros."""
    norm = math.fsum(v * v for v in vector)
    return math.isfinite(norm) and norm > 1e-12


class Searcher:
    """One per process: holds the embedder, an LRU of query embeddings, and a short-TTL
    cache of results (``cache_seconds`` 0: none). Call :meth:`clear` after graph writes."""

    def __init__(
        self, embedder: Embedder, *, cache_seconds: float = 30.0, cache_size: int = 512
    ) -> None:
        self._embedder = embedder
        self._vectors: LRUCache[str, tuple[float, ...] | None] = LRUCache(maxsize=2048)
        self._results: AsyncTTLCache[SearchResult] | None = (
            AsyncTTLCache(cache_seconds, maxsize=cache_size) if cache_seconds > 0 else None
        )

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    def clear(self) -> None:
        if self._results is not None:
            self._results.clear()

    async def embed(self, text: str) -> tuple[float, ...] | None:
        """The query's embedding, or None when the model gives nothing rankable."""
        if text in self._vectors:
            return self._vectors[text]
        [raw] = await asyncio.to_thread(self._embedder.embed, [text])
        vector = tuple(raw) if _usable(raw) else None
        if vector is None:
            log.warning("search.unusable_query_vector", chars=len(text))
        self._vectors[text] = vector
        return vector

    async def search(self, reader: Reader, request: SearchRequest) -> SearchResult:
        query = _normalise(request.query)
        depth = min(MAX_DEPTH, max(_DEPTH_STEP, -(-request.depth // _DEPTH_STEP) * _DEPTH_STEP))
        key = SearchRequest(
            query, request.kinds, request.mode, request.expand, request.filters, depth
        )
        if self._results is None:
            return await self._search(reader, key)
        return await self._results.get(key, lambda: self._search(reader, key))

    async def _search(self, reader: Reader, request: SearchRequest) -> SearchResult:
        terms = parse_query(request.query)
        if terms.empty or not request.kinds:
            return SearchResult([], 0, terms)
        kinds = frozenset(k.value for k in request.kinds)
        mode = request.mode
        vector = None
        if mode is not SearchMode.FULLTEXT:
            vector = await self.embed(request.query)
        lucene = terms.lucene() if mode is not SearchMode.VECTOR else ""
        entity_lucene = _entity_lucene(terms) if mode is not SearchMode.VECTOR else ""
        # Entities seed the expansion, so they are looked for even when not asked for.
        found = await reads.candidates(
            reader,
            kinds=kinds | {"ENTITY"} if request.expand else kinds,
            lucene=lucene,
            entity_lucene=entity_lucene,
            vector=vector,
            limit=max(50, 2 * request.depth),
            filters=request.filters,
        )
        ranked = {
            key: RankedList(Method(key[1]), [(key[0], i) for i in ids])
            for key, ids in found.lists.items()
        }
        lists = [r for (kind, _), r in ranked.items() if kind in kinds]
        if request.expand:
            seeds = [r for (kind, _), r in ranked.items() if kind == "ENTITY"]
            lists += await self._expansion(reader, seeds, kinds, request.filters)
        fused = fuse(lists)
        best = fused[: request.depth]
        rows = await reads.hydrate(
            reader,
            messages=[i for (k, i) in (f.key for f in best) if k == "MESSAGE"],
            entities=[i for (k, i) in (f.key for f in best) if k == "ENTITY"],
            facts=[i for (k, i) in (f.key for f in best) if k == "FACT"],
        )
        hits = []
        for f in best:
            kind, id_ = f.key
            hit = _hit(
                SearchKind(kind), id_, f.score, f.methods, found.cosine.get(id_), rows, terms
            )
            if hit is not None:  # gone since it was ranked
                hits.append(hit)
        return SearchResult(hits, len(fused), terms)

    async def _expansion(
        self,
        reader: Reader,
        seeds: list[RankedList[tuple[str, str]]],
        kinds: frozenset[str],
        filters: Filters,
    ) -> list[RankedList[tuple[str, str]]]:
        best = [f.key[1] for f in fuse(seeds)[:EXPAND_ENTITIES]]
        if not best:
            return []
        near = await reads.expand(reader, best, EXPAND_PER_ENTITY, filters)
        graph = Method.GRAPH
        out = []
        if "FACT" in kinds:
            out.append(RankedList(graph, [("FACT", i) for i in near.facts], EXPAND_WEIGHT))
        if "MESSAGE" in kinds:
            out.append(RankedList(graph, [("MESSAGE", i) for i in near.messages], EXPAND_WEIGHT))
        if "ENTITY" in kinds:
            out.append(RankedList(graph, [("ENTITY", i) for i in near.entities], EXPAND_WEIGHT))
        return out


def _entity_lucene(terms: QueryTerms) -> str:
    """Names forgive one typo in words of five letters or more ("Okafro" finds "Okafor")."""
    return " OR ".join(f"{w}~1" if len(w) >= 5 else w for w in terms.words)


def _hit(
    kind: SearchKind,
    id_: str,
    score: float,
    methods: frozenset[Method],
    cosine: float | None,
    rows: reads.Rows,
    terms: QueryTerms,
) -> Hit | None:
    """The hit with its rows and snippet; None when its node is gone since it was ranked."""
    fact = rows.facts.get(id_) if kind is SearchKind.FACT else None
    if kind is SearchKind.MESSAGE:
        message, entity = rows.messages.get(id_), None
        if message is None:
            return None
        text = str(message["text"])
    elif kind is SearchKind.ENTITY:
        message, entity = None, rows.entities.get(id_)
        if entity is None:
            return None
        text = " · ".join(dict.fromkeys([entity["name"], *(entity["aliases"] or [])]))
        if entity.get("summary"):
            text += f" — {entity['summary']}"
    else:
        if fact is None:
            return None
        message, entity = (
            rows.messages.get(fact["message_id"]),
            rows.entities.get(fact["entity_id"]),
        )
        owner = entity["name"] if entity else "?"
        text = f"{owner} · {str(fact['field']).replace('_', ' ')}: {fact['value']}"
    conversation = rows.conversations.get(message["conversation_id"]) if message else None
    return Hit(
        kind=kind,
        id=id_,
        score=score,
        methods=methods,
        cosine=cosine,
        snippet=snippet(text, terms),
        message=message,
        conversation=conversation,
        entity=entity,
        fact=fact,
    )


@dataclass(frozen=True)
class RankedMessage:
    message: dict[str, Any]
    conversation: dict[str, Any] | None
    score: float  # the best fused score of a hit that brought it
    cosine: float | None


def ranked_messages(result: SearchResult) -> list[RankedMessage]:
    """The messages behind the hits, best first, each once: a message hit's message and the
    first message of a fact hit (entity hits carry no message)."""
    out: dict[str, RankedMessage] = {}
    for hit in result.hits:
        if hit.message is None or hit.message["id"] in out:
            continue
        cosine = hit.cosine if hit.kind is SearchKind.MESSAGE else None
        out[hit.message["id"]] = RankedMessage(hit.message, hit.conversation, hit.score, cosine)
    return list(out.values())
