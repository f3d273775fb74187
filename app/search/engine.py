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

from app.embed import Embedder
from app.errors import BadInput
from app.graph import search as reads
from app.graph.browse import Reader
from app.graph.search import Filters
from app.search.fusion import Fused, Method, RankedList, fuse
from app.search.text import MAX_QUERY_CHARS, QueryTerms, Snippet, parse_query, snippet
from app.ttlcache import AsyncTTLCache

__all__ = [
    "ALL_KINDS",
    "MAX_DEPTH",
    "Hit",
    "RankedMessage",
    "Ranking",
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
#: Hits a search can page through; deeper than this, refine the query.
MAX_DEPTH: Final = 50
#: Candidates read from each ranked list. Fixed, whatever page is asked for, so every page of
#: a query comes from one ranking (a deeper read would re-rank the head of the list).
LIST_DEPTH: Final = 40
#: Nearest neighbours read per vector index. 40 ranks better than 20 on the golden set, and
#: costs the same once the index keeps few segments (runtime/neo4j/neo4j.conf; ADR 0010).
VECTOR_DEPTH: Final = 40
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
class Ranking:
    """What is cached per query: ranked keys only; rows are read per page."""

    entries: list[Fused[tuple[str, str]]]
    cosine: dict[str, float]
    terms: QueryTerms


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]  # the page asked for (ranked hits whose node is gone are left out)
    total: int  # hits in the ranking, at most MAX_DEPTH
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
    cache of rankings (``cache_seconds`` 0: none). Call :meth:`clear` after graph writes."""

    def __init__(
        self, embedder: Embedder, *, cache_seconds: float = 30.0, cache_size: int = 512
    ) -> None:
        self._embedder = embedder
        self._vectors: LRUCache[str, tuple[float, ...]] = LRUCache(maxsize=2048)
        self._rankings: AsyncTTLCache[Ranking] | None = (
            AsyncTTLCache(cache_seconds, maxsize=cache_size) if cache_seconds > 0 else None
        )

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    def clear(self) -> None:
        if self._rankings is not None:
            self._rankings.clear()

    async def embed(self, text: str) -> tuple[float, ...] | None:
        """The query's embedding, or None when the model gives nothing rankable or fails
        (logged): search then goes on with fulltext alone."""
        if text in self._vectors:
            return self._vectors[text]
        try:
            [raw] = await asyncio.to_thread(self._embedder.embed, [text])
        except Exception:
            log.exception("search.query_embedding_failed", chars=len(text))
            return None
        if not _usable(raw):
            log.warning("search.unusable_query_vector", chars=len(text))
            return None
        vector = tuple(raw)
        self._vectors[text] = vector
        return vector

    async def search(
        self, reader: Reader, request: SearchRequest, *, offset: int = 0, limit: int = 10
    ) -> SearchResult:
        """Hits ``offset`` to ``offset + limit`` of the query's ranking."""
        if offset < 0 or limit < 0:
            raise BadInput("offset and limit must not be negative")
        key = SearchRequest(
            _normalise(request.query), request.kinds, request.mode, request.expand, request.filters
        )
        if self._rankings is None:
            ranking = await self._rank(reader, key)
        else:
            ranking = await self._rankings.get(key, lambda: self._rank(reader, key))
        page = ranking.entries[offset : min(offset + limit, MAX_DEPTH)]
        hits = await _hits(reader, page, ranking, key.filters)
        return SearchResult(hits, min(len(ranking.entries), MAX_DEPTH), ranking.terms)

    async def _rank(self, reader: Reader, request: SearchRequest) -> Ranking:
        terms = parse_query(request.query)
        if terms.empty or not request.kinds:
            return Ranking([], {}, terms)
        kinds = frozenset(k.value for k in request.kinds)
        # Entities seed the expansion, so they are looked for even when not asked for.
        wanted = kinds | {"ENTITY"} if request.expand else kinds
        mode = request.mode
        filters = request.filters

        async def lexical() -> tuple[reads.Candidates, list[RankedList[tuple[str, str]]]]:
            """Lucene's lists, then the hop from the entities they name: both run while the
            query is embedded and its neighbours are read."""
            found = await reads.fulltext(
                reader,
                kinds=wanted,
                lucene=terms.lucene() if mode is not SearchMode.VECTOR else "",
                entity_lucene=_entity_lucene(terms),
                limit=LIST_DEPTH,
                filters=filters,
            )
            seeds = found.lists.get(("ENTITY", "fulltext"), [])
            if not request.expand or not seeds:
                return found, []
            return found, await self._expansion(reader, seeds, kinds, filters)

        words = asyncio.create_task(lexical())
        try:
            vector = await self.embed(request.query) if mode is not SearchMode.FULLTEXT else None
            semantic = (
                await reads.nearest(
                    reader, kinds=wanted, vector=vector, limit=VECTOR_DEPTH, filters=filters
                )
                if vector is not None
                else reads.Candidates()
            )
        finally:
            found, hop = await words
        if request.expand and not hop and mode is SearchMode.VECTOR:
            # Without Lucene, the nearest entities seed the hop.
            hop = await self._expansion(
                reader, semantic.lists.get(("ENTITY", "vector"), []), kinds, filters
            )
        found.lists.update(semantic.lists)
        found.cosine.update(semantic.cosine)
        lists = [
            RankedList(Method(method), [(kind, i) for i in ids])
            for (kind, method), ids in found.lists.items()
            if kind in kinds
        ]
        return Ranking(fuse([*lists, *hop])[:MAX_DEPTH], found.cosine, terms)

    async def _expansion(
        self,
        reader: Reader,
        seeds: list[str],
        kinds: frozenset[str],
        filters: Filters,
    ) -> list[RankedList[tuple[str, str]]]:
        best = seeds[:EXPAND_ENTITIES]
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


async def _hits(
    reader: Reader, page: list[Fused[tuple[str, str]]], ranking: Ranking, filters: Filters
) -> list[Hit]:
    """The page's hits with their rows and snippets (one read)."""
    rows = await reads.hydrate(
        reader,
        messages=[i for (k, i) in (f.key for f in page) if k == "MESSAGE"],
        entities=[i for (k, i) in (f.key for f in page) if k == "ENTITY"],
        facts=[i for (k, i) in (f.key for f in page) if k == "FACT"],
        filters=filters,
    )
    hits = []
    for f in page:
        kind, id_ = f.key
        hit = _hit(
            SearchKind(kind), id_, f.score, f.methods, ranking.cosine.get(id_), rows, ranking.terms
        )
        if hit is not None:  # gone since it was ranked
            hits.append(hit)
    return hits


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
