"""Entity splits that can be undone exactly: the inverse of a merge (issue 14, ADR 0015).

A split takes apart what resolution wrongly fused. It creates a new entity of the same type and
moves to it the chosen facts (``HAS_FACT``), relations (either end) and mentions
(``MENTIONED_IN``, what links an entity to the messages that name it), then stores a ``Split``
node whose JSON ``record`` lists what moved. Undo moves it all back and removes the new entity,
which must hold nothing the split did not give it. Both run in one write transaction with the
entities write-locked first, as merges do (``app.graph.merges``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import neo4j

from app.domain.normalize import normalize_name
from app.domain.rows import relation_anchor, relation_id
from app.errors import BadInput, ConflictError, NotFound
from app.graph.cypher import query
from app.graph.history import recompute_entities
from app.graph.merges import MergeStatus, decode, encode, shared

MAX_LISTED = 100
MAX_CHOSEN = 10_000  # facts, relations and messages together, per split
MAX_NAME = 200  # characters of the new entity's name
RECORD_VERSION = 1


@dataclass(frozen=True)
class Split:
    id: str
    entity_id: str
    new_entity_id: str
    name: str
    status: MergeStatus  # the one status vocabulary of corrections
    created_at: datetime
    undone_at: datetime | None
    actor: str | None
    moved_facts: int
    moved_relations: int
    moved_mentions: int

    @classmethod
    def from_node(cls, s: dict[str, Any]) -> Split:
        return cls(
            id=s["id"],
            entity_id=s["entity_id"],
            new_entity_id=s["new_entity_id"],
            name=s["name"],
            **shared(s),
        )


@dataclass(frozen=True)
class SplitRequest:
    entity_id: str
    name: str
    fact_ids: Sequence[str] = ()
    relation_ids: Sequence[str] = ()
    message_ids: Sequence[str] = ()

    def check(self) -> None:
        """BAD_INPUT for what is wrong before the graph is read."""
        if not self.name.strip() or not normalize_name(self.name):
            raise BadInput("The new entity needs a name with letters or digits in it.")
        if len(self.name) > MAX_NAME:
            raise BadInput(f"The new entity's name is longer than {MAX_NAME} characters.")
        chosen = [*self.fact_ids, *self.relation_ids, *self.message_ids]
        if not chosen:
            raise BadInput("Choose at least one fact, relation or message to move.")
        if len(chosen) > MAX_CHOSEN:
            raise BadInput(f"At most {MAX_CHOSEN} facts, relations and messages per split.")
        for kind, ids in (
            ("fact", self.fact_ids),
            ("relation", self.relation_ids),
            ("message", self.message_ids),
        ):
            if len(set(ids)) != len(ids):
                raise BadInput(f"A {kind} id is listed twice.")


def new_split_id() -> str:
    return "spl_" + uuid.uuid4().hex


def new_entity_id() -> str:
    return "ent_" + uuid.uuid4().hex[:24]


async def _single(tx: neo4j.AsyncManagedTransaction, cypher: str, **params: Any) -> dict[str, Any]:
    result = await tx.run(cypher, params)
    record = await result.single(strict=True)
    return dict(record)


async def _relation_exists(tx: neo4j.AsyncManagedTransaction, rid: str) -> bool:
    anchor = relation_anchor(rid)
    if anchor is None:
        return False
    result = await tx.run(query("entity_split_relation_owner"), anchor=anchor, id=rid)
    record = await result.single()
    return bool(record and record["found"])


async def _validate(
    tx: neo4j.AsyncManagedTransaction, found: dict[str, Any], entity_id: str
) -> None:
    entity = found["entity"]
    if "Merged" in entity["labels"]:
        survivor, merge_id = entity["merged_into"] or (None, None)
        raise BadInput(
            f"{entity_id!r} is merged into {survivor!r} (merge {merge_id!r}); split that "
            "entity instead."
        )
    for fact in found["facts"]:
        if not fact["exists"]:
            raise NotFound(f"No fact with id {fact['id']!r}.")
        if fact["props"] is None:
            raise BadInput(
                f"The fact {fact['id']!r} belongs to {fact['owner']!r}, not to {entity_id!r}."
            )
    for mention in found["mentions"]:
        if not mention["exists"]:
            raise NotFound(f"No message with id {mention['id']!r}.")
        if mention["props"] is None:
            raise BadInput(f"The message {mention['id']!r} does not mention {entity_id!r}.")
    for rel in found["relations"]:
        if rel["found"]:
            continue
        if await _relation_exists(tx, rel["id"]):
            raise BadInput(f"The relation {rel['id']!r} is not one of {entity_id!r}'s.")
        raise NotFound(f"No relation with id {rel['id']!r}.")


def _moved_relations(
    relations: list[dict[str, Any]], entity_id: str, new_id: str
) -> list[dict[str, Any]]:
    """Old id → the id the new ends give it: what a job resolving to the new entity would
    write, or (for a second relation of the same type between the same two, left by a merge)
    one still named after its source."""
    moved: list[dict[str, Any]] = []
    taken: set[str] = set()
    for rel in relations:
        start = new_id if rel["start"] == entity_id else rel["start"]
        end = new_id if rel["end"] == entity_id else rel["end"]
        rid = relation_id(start, rel["type"], end)
        if rid in taken:
            rid = relation_id(start, rel["type"], f"{end}|{rel['id']}")
        taken.add(rid)
        other = rel["end"] if rel["start"] == entity_id else rel["start"]
        moved.append({"id": rel["id"], "new_id": rid, "other": other})
    return moved


async def _split_tx(
    tx: neo4j.AsyncManagedTransaction, request: SplitRequest, actor: str | None
) -> tuple[Split, str]:
    result = await tx.run(
        query("entity_split_prepare"),
        entity=request.entity_id,
        fact_ids=list(request.fact_ids),
        message_ids=list(request.message_ids),
        relation_ids=list(request.relation_ids),
    )
    record = await result.single()
    if record is None:
        raise NotFound(f"No entity with id {request.entity_id!r}.")
    found = dict(record)
    await _validate(tx, found, request.entity_id)
    entity = found["entity"]
    new_id, split_id = new_entity_id(), new_split_id()
    relations = _moved_relations(found["relations"], request.entity_id, new_id)
    saved = {
        "version": RECORD_VERSION,
        "entity": {"updated_at": encode(entity["updated_at"])},
        "facts": encode([{"id": f["id"], "props": f["props"]} for f in found["facts"]]),
        "mentions": encode([{"id": m["id"], "props": m["props"]} for m in found["mentions"]]),
        "relations": [
            {**moved, "props": encode(r["props"])}
            for moved, r in zip(relations, found["relations"], strict=True)
        ],
    }
    applied = await _single(
        tx,
        query("entity_split_apply"),
        entity=request.entity_id,
        new_id=new_id,
        split_id=split_id,
        name=request.name.strip(),
        normalized=normalize_name(request.name),
        labels=sorted(label for label in entity["labels"] if label != "Entity"),
        actor=actor,
        moves={
            "fact_ids": list(request.fact_ids),
            "message_ids": list(request.message_ids),
            "relations": relations,
        },
        record=json.dumps(saved, separators=(",", ":")),
    )
    others = [r["start"] for r in found["relations"]] + [r["end"] for r in found["relations"]]
    await recompute_entities(tx, [request.entity_id, new_id, *others])
    return Split.from_node(applied["split"]), str(applied["type"])


def _undo_conflict(state: dict[str, Any], record: dict[str, Any]) -> str | None:
    """Why undoing would not be exact, or None."""
    split = state["split"]
    entity_id, new_id = split["entity_id"], split["new_entity_id"]
    if not state["entity_present"] or not state["new_present"]:
        return f"{entity_id!r} or {new_id!r} no longer exists."
    if state["entity_merged_by"]:
        return f"{entity_id!r} was merged since; undo merge {state['entity_merged_by']!r} first."
    if state["new_merged_by"]:
        return f"{new_id!r} was merged since; undo merge {state['new_merged_by']!r} first."
    if state["merged_into_new"]:
        return f"Merge {state['merged_into_new'][0]!r} into {new_id!r} came later; undo it first."
    if state["splits"]:
        return f"Split {state['splits'][0]!r} of {new_id!r} came later; undo it first."
    gained = (
        set(state["facts"]) - {f["id"] for f in record["facts"]}
        or set(state["mentions"]) - {m["id"] for m in record["mentions"]}
        or set(state["relations"]) - {r["new_id"] for r in record["relations"]}
        or set(state["decisions"])
    )
    if gained:
        return (
            f"{new_id!r} has gained {sorted(gained)[0]!r} since the split; merge it into "
            f"{entity_id!r} instead."
        )
    return None


async def _undo_tx(tx: neo4j.AsyncManagedTransaction, split_id: str, actor: str | None) -> Split:
    result = await tx.run(query("entity_split_undo_prepare"), split_id=split_id)
    state = await result.single()
    if state is None:
        raise NotFound(f"No split with id {split_id!r}.")
    split = state["split"]
    if split["status"] != MergeStatus.ACTIVE:
        raise BadInput(f"Split {split_id!r} is already undone.")
    record = json.loads(split["record"])
    if why := _undo_conflict(dict(state), record):
        raise ConflictError(why)
    undone = await _single(
        tx,
        query("entity_split_undo"),
        entity=split["entity_id"],
        new_entity=split["new_entity_id"],
        split_id=split_id,
        actor=actor,
        moves={
            "relations": [{"id": r["id"], "new_id": r["new_id"]} for r in record["relations"]],
            "fact_ids": [f["id"] for f in record["facts"]],
            "message_ids": [m["id"] for m in record["mentions"]],
            "entity_updated_at": decode(record["entity"]["updated_at"]),
        },
    )
    expected = {
        "relations": len(record["relations"]),
        "facts": len(record["facts"]),
        "mentions": len(record["mentions"]),
    }
    missing = sorted(k for k, n in expected.items() if undone[k] != n)
    if missing:
        # Raising rolls the whole transaction back: an undo is exact or does nothing.
        raise ConflictError(
            f"Split {split_id!r} cannot be undone exactly: some of its moved "
            f"{', '.join(missing)} are no longer on {split['new_entity_id']!r}."
        )
    # The new entity is gone; the original and the relations' other ends have their values back.
    others = [r["other"] for r in record["relations"] if r.get("other")]
    await recompute_entities(tx, [split["entity_id"], *others])
    return Split.from_node(undone["split"])


class SplitStore:
    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._db = database

    async def split(self, request: SplitRequest, actor: str | None = None) -> tuple[Split, str]:
        """Split ``request.entity_id``; the Split and the new entity's type."""
        request.check()
        async with self._driver.session(database=self._db) as session:
            return await session.execute_write(_split_tx, request, actor)

    async def undo(self, split_id: str, actor: str | None = None) -> Split:
        """Move back what split ``split_id`` moved and remove its new entity; CONFLICT when
        something since depends on it."""
        async with self._driver.session(database=self._db) as session:
            return await session.execute_write(_undo_tx, split_id, actor)

    async def get(self, split_id: str) -> Split | None:
        records, _, _ = await self._driver.execute_query(
            "MATCH (s:Split {id: $id}) RETURN s {.*, record: null} AS s",
            id=split_id,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return Split.from_node(records[0]["s"]) if records else None

    async def for_entity(self, entity_id: str, limit: int = MAX_LISTED) -> list[Split]:
        """Splits of ``entity_id`` or that made it, newest first, at most ``limit``."""
        records, _, _ = await self._driver.execute_query(
            "CALL () { MATCH (s:Split {entity_id: $id}) RETURN s "
            "  UNION MATCH (s:Split {new_entity_id: $id}) RETURN s } "
            "RETURN s {.*, record: null} AS s ORDER BY s.created_at DESC, s.id DESC LIMIT $limit",
            id=entity_id,
            limit=min(limit, MAX_LISTED),
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return [Split.from_node(r["s"]) for r in records]
