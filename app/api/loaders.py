"""Per-request DataLoaders: every lookup a page of results makes is one batched query.

Keys of page loaders are ``(id, after, limit)`` tuples, so the same nested connection asked for
by many parents (``entities { facts(first: 5) }``) is one statement per field level.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.dataloader import DataLoader

from app.api.cache import RowCache
from app.graph import browse
from app.graph.browse import Reader

Row = dict[str, Any]
# (parent id, after key, rows to read), and for facts and relations the time view's mode and
# point (app.graph.timeview).
PageKey = tuple[str, Any, int] | tuple[str, Any, int, str, str]
ViewKey = tuple[str, str, str]  # (entity id, mode, point)


def _page_keys(field: str, keys: list[PageKey]) -> list[dict[str, Any]]:
    return [
        {
            field: k[0],
            "after": k[1],
            "limit": k[2],
            **dict(zip(("mode", "point"), k[3:], strict=False)),
        }
        for k in keys
    ]


def _pages(
    db: Reader,
    field: str,
    run: Callable[[Reader, list[dict[str, Any]]], Awaitable[list[list[Row]]]],
) -> DataLoader[PageKey, list[Row]]:
    async def load(keys: list[PageKey]) -> list[list[Row]]:
        return await run(db, _page_keys(field, keys))

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, db: Reader, hot: RowCache) -> None:
        async def entities(ids: list[str]) -> list[Row | None]:
            # Hot entities come from the process cache (cleared on every write).
            cached, generation = hot.lookup(ids)
            missing = [i for i in ids if i not in cached]
            if missing:
                rows = await browse.entities_by_id(db, missing)
                loaded = {i: r for i, r in zip(missing, rows, strict=True) if r is not None}
                hot.store(loaded, generation)
                cached = {**cached, **loaded}
            return [cached.get(i) for i in ids]

        def by_id(label: str) -> DataLoader[str, Row | None]:
            async def load(ids: list[str]) -> list[Row | None]:
                return await browse.by_id(db, label, ids)

            return DataLoader(load_fn=load)

        def counts(kind: str) -> DataLoader[str, int]:
            async def load(ids: list[str]) -> list[int]:
                return await browse.counts_of(db, kind, ids)

            return DataLoader(load_fn=load)

        def counts_in_view(kind: str) -> DataLoader[ViewKey, int]:
            async def load(keys: list[ViewKey]) -> list[int]:
                views = [{"entity": k[0], "mode": k[1], "point": k[2]} for k in keys]
                return await browse.counts_in_view(db, kind, views)

            return DataLoader(load_fn=load)

        def relations(direction: str) -> DataLoader[PageKey, list[Row]]:
            async def run(reader: Reader, keys: list[dict[str, Any]]) -> list[list[Row]]:
                return await browse.relations_of(reader, direction, keys)

            return _pages(db, "entity", run)

        self.entity: DataLoader[str, Row | None] = DataLoader(load_fn=entities)
        """An entity by id; a merged id gives its survivor."""
        self.conversation = by_id("Conversation")
        self.message = by_id("Message")
        self.fact = by_id("Fact")
        self.facts_of = _pages(db, "entity", browse.facts_of)
        self.relations_of = {d: relations(d) for d in ("OUT", "IN", "BOTH")}
        self.neighbors_of = _pages(db, "entity", browse.neighbors_of)
        self.messages_of = _pages(db, "conversation", browse.messages_of)
        self.count = {
            kind: counts(kind) for kind in ("facts", "messages", "neighbors", "OUT", "IN", "BOTH")
        }
        self.count_in_view = {kind: counts_in_view(kind) for kind in ("facts", "OUT", "IN", "BOTH")}
