"""Entity merges that can be undone exactly (ADR 0008).

A merge moves the source's facts, mentions and relations to the target, adds the source's
names to the target's aliases, retires the source (``:Merged`` plus one ``MERGED_INTO``) and
stores a ``Merge`` node whose JSON ``record`` lists everything it moved or changed. Undo replays
the record backwards. Both run in one write transaction, with the two entities write-locked
before anything is read, so concurrent merges of the same entities serialise.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import neo4j
import neo4j.time

from app.errors import BadInput, ConflictError, NotFound
from app.graph.cypher import query
from app.graph.history import recompute_entities

MAX_LISTED = 100
MIN_TIME = neo4j.time.DateTime(1, 1, 1, tzinfo=UTC)
RECORD_VERSION = 1


class MergeStatus(StrEnum):
    ACTIVE = "active"
    UNDONE = "undone"


@dataclass(frozen=True)
class Merge:
    id: str
    source_id: str
    target_id: str
    status: MergeStatus
    created_at: datetime
    undone_at: datetime | None
    actor: str | None
    moved_facts: int
    moved_relations: int
    moved_mentions: int

    @classmethod
    def from_node(cls, m: dict[str, Any]) -> Merge:
        return cls(id=m["id"], source_id=m["source_id"], target_id=m["target_id"], **shared(m))


def shared(node: dict[str, Any]) -> dict[str, Any]:
    """The fields every correction record (a Merge, a Split) keeps: its status, when it was made
    and undone, by whom, and how much it moved."""
    undone = node.get("undone_at")
    return {
        "status": MergeStatus(node["status"]),
        "created_at": node["created_at"].to_native(),
        "undone_at": undone.to_native() if undone is not None else None,
        "actor": node.get("actor"),
        "moved_facts": node["moved_facts"],
        "moved_relations": node["moved_relations"],
        "moved_mentions": node["moved_mentions"],
    }


def new_merge_id() -> str:
    return "mrg_" + uuid.uuid4().hex


# Property values in the JSON record keep their Neo4j type, so relations that exist only in
# the record (those between the two entities) and the restored timestamps come back identical.
_TEMPORAL: dict[str, type[Any]] = {
    "datetime": neo4j.time.DateTime,
    "date": neo4j.time.Date,
    "time": neo4j.time.Time,
}


def encode(value: Any) -> Any:
    """A JSON-safe form of a Neo4j property value (temporal values are tagged)."""
    for tag, kind in _TEMPORAL.items():
        if isinstance(value, kind):
            return {"$" + tag: value.iso_format()}
    if isinstance(value, neo4j.time.Duration):
        return {"$duration": [value.months, value.days, value.seconds, value.nanoseconds]}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot record a property of type {type(value).__name__}")


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), *_ = value.items()
            if key[1:] in _TEMPORAL and key.startswith("$"):
                return _TEMPORAL[key[1:]].from_iso_format(inner)
            if key == "$duration":
                months, days, seconds, nanoseconds = inner
                return neo4j.time.Duration(
                    months=months, days=days, seconds=seconds, nanoseconds=nanoseconds
                )
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def merged_aliases(target: dict[str, Any], source: dict[str, Any]) -> list[str]:
    """The target's aliases plus the source's name and aliases, once each, in order."""
    out = list(target["aliases"] or [])
    for name in [source["name"], *(source["aliases"] or [])]:
        if name and name != target["name"] and name not in out:
            out.append(name)
    return out


async def _single(tx: neo4j.AsyncManagedTransaction, cypher: str, **params: Any) -> dict[str, Any]:
    result = await tx.run(cypher, params)
    record = await result.single(strict=True)
    return dict(record)


def _labels(entity: dict[str, Any]) -> list[str]:
    return sorted(label for label in entity["labels"] if label != "Entity")


def _validate(found: dict[str, Any], source_id: str, target_id: str) -> None:
    entities = {e["id"]: e for e in found["entities"]}
    for entity_id in (source_id, target_id):
        if entity_id not in entities:
            raise NotFound(f"No entity with id {entity_id!r}.")
    for role, entity_id in (("source", source_id), ("target", target_id)):
        entity = entities[entity_id]
        if "Merged" in entity["labels"]:
            survivor, merge_id = entity["merged_into"] or (None, None)
            raise BadInput(
                f"The {role} {entity_id!r} is already merged into {survivor!r} "
                f"(merge {merge_id!r}); use that entity instead."
            )
    untracked = {r["type"] for r in found["relations"] + found["between"] if r["id"] is None}
    if untracked:
        # Undo finds a moved relation by its id; without one it could not be put back.
        raise BadInput(
            f"{source_id!r} has relationships without an id ({', '.join(sorted(untracked))}); "
            "they could not be restored by an undo."
        )


async def _merge_tx(
    tx: neo4j.AsyncManagedTransaction, source_id: str, target_id: str, actor: str | None
) -> Merge:
    found = await _single(tx, query("entity_merge_prepare"), source=source_id, target=target_id)
    _validate(found, source_id, target_id)
    entities = {e["id"]: e for e in found["entities"]}
    source, target = entities[source_id], entities[target_id]
    record: dict[str, Any] = {
        "version": RECORD_VERSION,
        "source": {"labels": _labels(source), "updated_at": encode(source["updated_at"])},
        "target": {
            "aliases": target["aliases"],
            "added_aliases": [
                a for a in merged_aliases(target, source) if a not in (target["aliases"] or [])
            ],
            "updated_at": encode(target["updated_at"]),
        },
        "facts": encode(found["facts"]),
        "mentions": encode(found["mentions"]),
        "relations": encode(found["relations"]),
        "between": encode(found["between"]),
        "repointed": encode(found["repointed"]),
        "target_merged_before": found["target_merged_before"],
    }
    applied = await _single(
        tx,
        query("entity_merge_apply"),
        source=source_id,
        target=target_id,
        merge_id=new_merge_id(),
        actor=actor,
        moves={
            "fact_ids": [f["id"] for f in found["facts"]],
            "message_ids": [m["message_id"] for m in found["mentions"]],
            "relation_ids": [r["id"] for r in found["relations"]],
            "between_ids": [r["id"] for r in found["between"]],
            "repointed_ids": [x["entity_id"] for x in found["repointed"]],
            "aliases": merged_aliases(target, source),
            "source_labels": _labels(source),
        },
        record=json.dumps(record, separators=(",", ":")),
    )
    others = [r["other_id"] for r in found["relations"]]
    await recompute_entities(tx, [target_id, *others])
    return Merge.from_node(applied["merge"])


def _later_merge(state: dict[str, Any], record: dict[str, Any], merge_id: str) -> str | None:
    """A merge into the target made after ``merge_id`` and still active, if any.

    The target's incoming MERGED_INTO edges are this merge's, those it repointed, those there
    before it, or later ones; a later one changed the target (aliases, facts) after this merge.
    """
    earlier = {merge_id, *record["target_merged_before"]}
    earlier |= {x["props"].get("merge_id") for x in record["repointed"]}
    later = [x for x in state["into_target"] if x["merge_id"] not in earlier]
    # Name the newest made directly into the target: it is the one that can be undone first.
    later.sort(key=lambda x: x["created_at"] or MIN_TIME, reverse=True)
    later.sort(key=lambda x: not x["direct"])
    return str(later[0]["merge_id"]) if later else None


async def _undo_tx(tx: neo4j.AsyncManagedTransaction, merge_id: str, actor: str | None) -> Merge:
    result = await tx.run(query("entity_merge_undo_prepare"), merge_id=merge_id)
    state = await result.single()
    if state is None:
        raise NotFound(f"No merge with id {merge_id!r}.")
    merge = state["merge"]
    if merge["status"] != MergeStatus.ACTIVE:
        raise BadInput(f"Merge {merge_id!r} is already undone.")
    source_id, target_id = merge["source_id"], merge["target_id"]
    record = json.loads(merge["record"])
    if state["target_merged_by"] is not None:
        raise ConflictError(
            f"The target {target_id!r} was merged since; undo merge "
            f"{state['target_merged_by']!r} first."
        )
    if later := _later_merge(dict(state), record, merge_id):
        raise ConflictError(f"Merge {later!r} into {target_id!r} came later; undo it first.")
    if not state["edge_present"]:
        raise ConflictError(f"{source_id!r} is no longer merged by {merge_id!r}.")
    undone = await _single(
        tx,
        query("entity_merge_undo"),
        source=source_id,
        target=target_id,
        merge_id=merge_id,
        actor=actor,
        moves={
            "relations": [
                {"id": r["id"], "direction": r["direction"]} for r in record["relations"]
            ],
            "between": [
                {"type": r["type"], "direction": r["direction"], "props": decode(r["props"])}
                for r in record["between"]
            ],
            "fact_ids": [f["id"] for f in record["facts"]],
            "mentions": [
                {
                    "message_id": m["message_id"],
                    "props": decode(m["props"]),
                    "target_had": m["target_had"],
                }
                for m in record["mentions"]
            ],
            "repointed": [
                {"entity_id": x["entity_id"], "merge_id": x["props"].get("merge_id")}
                for x in record["repointed"]
            ],
            "source_labels": record["source"]["labels"],
            "target_aliases": record["target"]["aliases"] or [],
            "added_aliases": record["target"].get("added_aliases", []),
            "source_updated_at": decode(record["source"]["updated_at"]),
            "target_updated_at": decode(record["target"]["updated_at"]),
        },
    )
    expected = {
        "relations": len(record["relations"]),
        "facts": len(record["facts"]),
        "repointed": len(record["repointed"]),
    }
    missing = sorted(k for k, n in expected.items() if undone[k] != n)
    if missing:
        # Raising rolls the whole transaction back: an undo is exact or does nothing.
        raise ConflictError(
            f"Merge {merge_id!r} cannot be undone exactly: some of its moved "
            f"{', '.join(missing)} are no longer on {target_id!r}."
        )
    others = [r["other_id"] for r in record["relations"]]
    await recompute_entities(tx, [source_id, target_id, *others])
    return Merge.from_node(undone["merge"])


class MergeStore:
    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._db = database

    async def merge(self, source_id: str, target_id: str, actor: str | None = None) -> Merge:
        """Merge ``source_id`` into ``target_id``; BAD_INPUT, NOT_FOUND as ADR 0008 says."""
        if source_id == target_id:
            raise BadInput("An entity cannot be merged into itself.")
        async with self._driver.session(database=self._db) as session:
            return await session.execute_write(_merge_tx, source_id, target_id, actor)

    async def undo(self, merge_id: str, actor: str | None = None) -> Merge:
        """Restore what merge ``merge_id`` moved; CONFLICT when a later merge depends on it."""
        async with self._driver.session(database=self._db) as session:
            return await session.execute_write(_undo_tx, merge_id, actor)

    async def get(self, merge_id: str) -> Merge | None:
        records, _, _ = await self._driver.execute_query(
            "MATCH (m:Merge {id: $id}) RETURN m {.*, record: null} AS m",
            id=merge_id,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return Merge.from_node(records[0]["m"]) if records else None

    async def record(self, merge_id: str) -> dict[str, Any] | None:
        """The decoded record of a merge (what it moved), or None if there is no such merge."""
        records, _, _ = await self._driver.execute_query(
            "MATCH (m:Merge {id: $id}) RETURN m.record AS record",
            id=merge_id,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return decode(json.loads(records[0]["record"])) if records else None

    async def for_entity(self, entity_id: str, limit: int = MAX_LISTED) -> list[Merge]:
        """Merges with ``entity_id`` as source or target, newest first, at most ``limit``."""
        records, _, _ = await self._driver.execute_query(
            # Two index seeks (migration 008) rather than an OR the planner may scan for.
            "CALL () { MATCH (m:Merge {source_id: $id}) RETURN m "
            "  UNION MATCH (m:Merge {target_id: $id}) RETURN m } "
            "RETURN m {.*, record: null} AS m ORDER BY m.created_at DESC, m.id DESC LIMIT $limit",
            id=entity_id,
            limit=min(limit, MAX_LISTED),
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return [Merge.from_node(r["m"]) for r in records]
