"""search(query, kinds, first, after, filters, mode, expand) over GraphQL (DESIGN §6, ADR 0010).

Hits are ranked, not keyed: a cursor holds a position in the ranking, and pages come from the
same cached ranking while it lives (``search_cache_seconds``), so paging is consistent unless
the graph changed in between.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.pagination import Connection, connection, page
from app.api.types import Entity, Fact, Message
from app.errors import BadInput
from app.graph.search import Filters
from app.search.engine import (
    ALL_KINDS,
    MAX_DEPTH,
    Hit,
    SearchKind,
    SearchMode,
    SearchRequest,
)
from app.search.fusion import Method

__all__ = ["SearchFilters", "SearchHit", "search"]

# The engine's enums, registered with GraphQL names (strawberry.enum decorates them in place).
strawberry.enum(SearchKind, name="SearchKind", description="What a hit is.")
strawberry.enum(
    SearchMode,
    name="SearchMode",
    description="HYBRID fuses FULLTEXT (Lucene) and VECTOR (embedding) rankings.",
)
strawberry.enum(Method, name="SearchMethod", description="A ranking that found a hit.")


@strawberry.input(description="Every hit must relate to every filter given.")
class SearchFilters:
    conversation_id: strawberry.ID | None = None
    speaker: str | None = strawberry.field(default=None, description="Exactly as stored.")
    entity_type: str | None = strawberry.field(default=None, description="e.g. person.")
    since: datetime | None = strawberry.field(default=None, description="Messages at or after.")
    until: datetime | None = strawberry.field(default=None, description="Messages before.")

    def to_filters(self) -> Filters:
        if self.since and self.until and self.since >= self.until:
            raise BadInput("filters.since must be before filters.until")
        named = {
            "conversationId": self.conversation_id,
            "speaker": self.speaker,
            "entityType": self.entity_type,
        }
        for name, value in named.items():
            if value is not None and not str(value).strip():
                raise BadInput(f"filters.{name} is empty: leave it out to not filter by it")
        return Filters(
            conversation_id=str(self.conversation_id) if self.conversation_id is not None else None,
            speaker=self.speaker,
            entity_type=self.entity_type.strip().lower() if self.entity_type else None,
            since_ms=_epoch_ms(self.since),
            until_ms=_epoch_ms(self.until),
        )


def _epoch_ms(value: datetime | None) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise BadInput("filter times need a time zone (for example 2024-09-12T09:00:00Z)")
    return int(value.timestamp() * 1000)


@strawberry.type
class SnippetPart:
    text: str
    highlighted: bool


@strawberry.type(description="Text around the best match; highlighted parts match the query.")
class Snippet:
    text: str
    parts: list[SnippetPart]


@strawberry.type
class SearchHit:
    kind: SearchKind
    score: float = strawberry.field(
        description="Reciprocal rank fusion: the sum of weight / (60 + rank) over the rankings."
    )
    matched_by: list[Method] = strawberry.field(
        description="The rankings that found it (GRAPH: one hop from a matched entity)."
    )
    similarity: float | None = strawberry.field(
        description="Cosine similarity to the query's embedding, when a vector ranking found it."
    )
    snippet: Snippet
    message: Message | None = strawberry.field(
        description="The message; for a fact, the first message it comes from."
    )
    entity: Entity | None = strawberry.field(description="The entity; for a fact, its entity.")
    fact: Fact | None

    @classmethod
    def from_hit(cls, hit: Hit) -> SearchHit:
        return cls(
            kind=hit.kind,
            score=hit.score,
            matched_by=sorted(hit.methods, key=lambda m: m.value),
            similarity=hit.cosine,
            snippet=Snippet(
                text=hit.snippet.text,
                parts=[
                    SnippetPart(text=p.text, highlighted=p.highlighted) for p in hit.snippet.parts
                ],
            ),
            message=Message.from_row(hit.message) if hit.message else None,
            entity=Entity.from_row(hit.entity) if hit.entity else None,
            fact=Fact.from_row(hit.fact) if hit.fact else None,
        )


async def search(
    info: Info[Context, None],
    query: str,
    kinds: list[SearchKind] | None = None,
    first: int | None = 10,
    after: str | None = None,
    filters: SearchFilters | None = None,
    mode: SearchMode = SearchMode.HYBRID,
    expand: bool = True,
) -> Connection[SearchHit]:
    """Entities, facts and messages matching ``query``, best first, up to 50 deep. An empty
    query finds nothing; a query over 1,000 characters is BAD_INPUT. ``totalCount`` is the
    number of hits in the ranking (at most 50)."""
    request = page(first, after, "search", (int,))
    start = request.after[0] + 1 if request.after else 0
    if start < 0:
        raise BadInput("after is not a cursor from this list")
    if start + request.size > MAX_DEPTH:
        raise BadInput(f"search pages reach {MAX_DEPTH} hits deep; refine the query", max=MAX_DEPTH)
    context = info.context
    result = await context.services.searcher.search(
        context.db,
        SearchRequest(
            query=query,
            kinds=frozenset(kinds) if kinds is not None else ALL_KINDS,
            mode=mode,
            expand=expand,
            filters=filters.to_filters() if filters else Filters(),
        ),
        offset=start,
        limit=request.fetch,
    )
    loaders = context.loaders
    loaders.conversation.prime_many(
        {h.conversation["id"]: h.conversation for h in result.hits if h.conversation}
    )
    loaders.entity.prime_many({h.entity["id"]: h.entity for h in result.hits if h.entity})
    rows = list(enumerate(result.hits, start))

    async def count() -> int:
        return result.total

    def node(row: tuple[int, Hit]) -> SearchHit:
        return SearchHit.from_hit(row[1])

    def key(row: tuple[int, Hit]) -> list[Any]:
        return [row[0]]

    return connection(rows, request, key, node, count)
