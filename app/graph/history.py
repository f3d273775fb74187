"""History of single-valued fields and relations: which value came after which (ADR 0017).

For each (entity, field) whose label is single-valued (``app.graph.registry.SINGLE_VALUED``),
the entity's facts of that field are ordered by when they start to hold: ``valid_from``, else
``event_date``, else the day they were first said, else the day they were written. Each value is
linked to the next newer one, ``(:Fact)-[:SUPERSEDED_BY]->(:Fact)``, and gets ``valid_to`` = the
newer one's start, marked ``valid_to_source: 'superseded'``; a ``valid_to`` the text gave is
never overwritten. Relations of a single-valued label from one entity form a chain the same way;
Neo4j cannot link a relationship to a relationship, so they carry ``superseded_by`` and
``supersedes`` (relation ids) instead.

The links are derived: each recompute rebuilds them for the groups it is given, so an older
conversation ingested after a newer one, a merge and its undo all end in the right order.
Derived links and derived ``valid_to`` are the only things removed here; no fact or relation is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import neo4j

from app.domain.dates import said_date
from app.graph.cypher import query
from app.graph.registry import label_id

__all__ = ["History", "Link", "chain", "recompute", "recompute_entities", "start_of"]

DERIVED = "superseded"


@dataclass(frozen=True)
class Link:
    """What one value of a chain becomes: the next newer value (None for the newest) and its
    derived ``valid_to`` (None: no derived end; a stated end is never replaced)."""

    id: str
    next: str | None
    previous: str | None
    valid_to: str | None
    derive: bool


def _native(value: Any) -> datetime | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    return native if isinstance(native, datetime) else None


def start_of(item: Mapping[str, Any]) -> str | None:
    """When a value starts to hold, as a partial date: stated, else its event date, else the
    day it was first said, else the day it was written."""
    return (
        item.get("valid_from")
        or item.get("event_date")
        or said_date(_native(item.get("first_said")))
        or said_date(_native(item.get("created_at")))
    )


def _order(item: Mapping[str, Any]) -> tuple[str, str, str]:
    said = _native(item.get("first_said"))
    return (start_of(item) or "", said.isoformat() if said else "", str(item["id"]))


def _stated_end(item: Mapping[str, Any]) -> bool:
    return item.get("valid_to") is not None and item.get("valid_to_source") != DERIVED


def chain(items: Sequence[Mapping[str, Any]]) -> list[Link]:
    """The links of one group, oldest first (pure: ``items`` are the stored values)."""
    ordered = sorted(items, key=_order)
    links = []
    for i, item in enumerate(ordered):
        newer = ordered[i + 1] if i + 1 < len(ordered) else None
        older = ordered[i - 1] if i > 0 else None
        derive = newer is not None and not _stated_end(item)
        links.append(
            Link(
                id=str(item["id"]),
                next=str(newer["id"]) if newer is not None else None,
                previous=str(older["id"]) if older is not None else None,
                valid_to=start_of(newer) if derive and newer is not None else None,
                derive=derive,
            )
        )
    return links


def _rows(entity: str, links: Iterable[Link]) -> list[dict[str, Any]]:
    return [
        {
            "entity": entity,
            "id": x.id,
            "next": x.next,
            "previous": x.previous,
            "valid_to": x.valid_to,
            "derive": x.derive,
        }
        for x in links
    ]


async def _records(tx: neo4j.AsyncManagedTransaction, name: str, **params: Any) -> list[Any]:
    result = await tx.run(query(name), params)
    return [record async for record in result]


async def _single_valued(tx: neo4j.AsyncManagedTransaction, ids: set[str]) -> set[str]:
    if not ids:
        return set()
    records = await _records(tx, "history_single_valued", ids=sorted(ids))
    return {r["id"] for r in records}


async def recompute(
    tx: neo4j.AsyncManagedTransaction,
    facts: Iterable[tuple[str, str]],
    relations: Iterable[tuple[str, str, str]],
) -> int:
    """Rebuild history for (entity id, field) and (entity id, relationship type, label) groups
    whose label is single-valued; merged ids count as their survivor. Returns the values
    linked or unlinked (rows written)."""
    fact_groups = sorted(set(facts))
    relation_groups = sorted(set(relations))
    single = await _single_valued(
        tx,
        {label_id("field", f) for _, f in fact_groups}
        | {label_id("relation", label) for _, _, label in relation_groups},
    )
    fact_pairs = [
        {"entity": e, "field": f} for e, f in fact_groups if label_id("field", f) in single
    ]
    relation_pairs = [
        {"entity": e, "type": t}
        for e, t, label in relation_groups
        if label_id("relation", label) in single
    ]
    written = 0
    if fact_pairs:
        rows: list[dict[str, Any]] = []
        for r in await _records(tx, "history_facts_read", pairs=fact_pairs):
            rows += _rows(r["entity"], chain([dict(x) for x in r["items"]]))
        if rows:
            await _records(tx, "history_facts_write", rows=rows)
            written += len(rows)
    if relation_pairs:
        rows = []
        for r in await _records(tx, "history_relations_read", pairs=relation_pairs):
            rows += _rows(r["entity"], chain([dict(x) for x in r["items"]]))
        if rows:
            await _records(tx, "history_relations_write", rows=rows)
            written += len(rows)
    return written


async def recompute_entities(tx: neo4j.AsyncManagedTransaction, entity_ids: Iterable[str]) -> int:
    """Rebuild history for every field and outgoing relation type of these entities (after a
    merge or its undo moved values between them)."""
    ids = sorted(set(entity_ids))
    if not ids:
        return 0
    records = await _records(tx, "history_entity_groups", ids=ids)
    facts = [(r["entity"], f) for r in records for f in r["fields"] if f]
    relations = [
        (r["entity"], x["type"], x["label"]) for r in records for x in r["relations"] if x["label"]
    ]
    return await recompute(tx, facts, relations)


class History:
    """History recomputes in their own write transaction (the write stage's hook)."""

    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._db = database

    async def after_write(
        self, facts: Sequence[Mapping[str, Any]], relations: Sequence[Mapping[str, Any]]
    ) -> int:
        """Recompute the groups a job's fact and relation rows (``app.domain.rows``) touched."""
        if not facts and not relations:
            return 0

        async def work(tx: neo4j.AsyncManagedTransaction) -> int:
            # Where the facts are now: a fact written before a merge stays on its survivor.
            placed = await _records(tx, "history_fact_places", ids=[f["id"] for f in facts])
            fact_groups = [(r["entity"], r["field"]) for r in placed]
            relation_groups = [(r["source_id"], r["type"], r["label"]) for r in relations]
            return await recompute(tx, fact_groups, relation_groups)

        async with self._driver.session(database=self._db) as session:
            return await session.execute_write(work)

    async def for_entities(self, entity_ids: Iterable[str]) -> int:
        ids = list(entity_ids)

        async def work(tx: neo4j.AsyncManagedTransaction) -> int:
            return await recompute_entities(tx, ids)

        async with self._driver.session(database=self._db) as session:
            return await session.execute_write(work)
