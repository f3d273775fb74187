"""Label overrides made by people: alias a label, make an alias canonical again, undo either.

Each change re-labels the data stored under the label and is kept as
``(:LabelChange {id, kind, action, label, from_canonical, to_canonical, labels, status,
created_at, undone_at, record})``, where ``record`` (JSON) lists every fact, relationship and
entity it moved, the aliases it repointed and the label's earlier mapping, so an undo puts back
exactly those (ADR 0008). Everything of one change, record included, happens in one transaction:
the data moves in batches of ``MOVE_BATCH`` inside it, so a failure leaves nothing half-done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import neo4j

from app.domain.labels import RESERVED, canonical_form
from app.errors import BadInput, ConflictError, NotFound
from app.graph.history import recompute_entities
from app.graph.registry import KINDS, label_id, storage_token
from app.logging import new_id

MOVE_BATCH: Final = 1000

Tx = neo4j.AsyncManagedTransaction


@dataclass(frozen=True)
class LabelChangeRecord:
    id: str
    kind: str
    action: str  # "alias": label became an alias of to_canonical; "canonical": the reverse
    label: str
    from_canonical: str
    to_canonical: str
    status: str  # "active" | "undone"
    created_at: datetime
    undone_at: datetime | None
    relabelled: int  # facts, relationships and entities moved

    @classmethod
    def from_node(cls, node: dict[str, Any]) -> LabelChangeRecord:
        undone = node.get("undone_at")
        return cls(
            id=node["id"],
            kind=node["kind"],
            action=node["action"],
            label=node["label"],
            from_canonical=node["from_canonical"],
            to_canonical=node["to_canonical"],
            status=node["status"],
            created_at=node["created_at"].to_native(),
            undone_at=undone.to_native() if undone is not None else None,
            relabelled=node["relabelled"],
        )


class LabelChanges:
    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._db = database

    async def make_alias(self, kind: str, label: str, canonical: str) -> LabelChangeRecord:
        """``label`` becomes an alias of ``canonical``: its data, and its own aliases, move there.

        Refused (BAD_INPUT) for the label itself, a reserved label, a label that is already an
        alias (make it canonical first), or a ``canonical`` that is an alias: naming its
        canonical label instead is asked for, so no one aliases to an alias by mistake.
        """
        _check_kind(kind)
        for name in (label, canonical):
            if name in RESERVED.get(kind, set()):
                raise BadInput(f"{name!r} is a reserved {kind} label")
        if label == canonical:
            raise BadInput("a label cannot be an alias of itself")
        async with self._driver.session(database=self._db) as session:
            return await session.execute_write(_make_alias, kind, label, canonical)

    async def make_canonical(self, kind: str, label: str) -> LabelChangeRecord:
        """An alias becomes canonical again; the data extracted under it moves back to it.

        That data is recognised by its raw label (``Fact.raw_field``, relation ``raw_label``).
        Entities keep no raw type, so for entity types they stay where they are; undoing the
        change that made the alias puts back exactly what it moved.
        """
        _check_kind(kind)
        async with self._driver.session(database=self._db) as session:
            return await session.execute_write(_make_canonical, kind, label)

    async def undo(self, change_id: str) -> LabelChangeRecord:
        """Replay a change's record backwards. Refused with CONFLICT while a later active change
        touched the same labels, or when what it moved has moved again since."""
        async with self._driver.session(database=self._db) as session:
            return await session.execute_write(_undo, change_id)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise BadInput(f"unknown label kind {kind!r}")


async def _lock_labels(tx: Tx, kind: str, labels: list[str]) -> dict[str, dict[str, Any]]:
    """The labels' current state, write-locked (in id order) until the transaction ends."""
    ids = sorted(label_id(kind, label) for label in labels)
    result = await tx.run(
        "UNWIND $ids AS id MATCH (s:SchemaLabel {id: id}) SET s.status = s.status "
        "RETURN s.label AS label, s.status AS status, s.matched_by AS matched_by, "
        "s.score AS score, [(s)-[:CANONICAL]->(c) | c.label][0] AS canonical",
        ids=ids,
    )
    found = {r["label"]: dict(r) async for r in result}
    for label in labels:
        if label not in found:
            raise NotFound(f"no {kind} label {label!r} in the schema registry")
    return found


async def _make_alias(tx: Tx, kind: str, label: str, canonical: str) -> LabelChangeRecord:
    state = await _lock_labels(tx, kind, [label, canonical])
    if state[label]["status"] == "alias":
        raise BadInput(
            f"{label!r} is already an alias of {state[label]['canonical']!r}; "
            "make it canonical first"
        )
    if state[canonical]["status"] == "alias":
        raise BadInput(
            f"{canonical!r} is an alias of {state[canonical]['canonical']!r}; "
            "alias to that canonical label instead"
        )
    moved = await _move_all(tx, kind, label, canonical)
    result = await tx.run(
        "MATCH (a:SchemaLabel)-[e:CANONICAL]->(:SchemaLabel {id: $from}) "
        "MATCH (t:SchemaLabel {id: $to}) DELETE e CREATE (a)-[:CANONICAL]->(t) "
        "RETURN a.label AS label",
        {"from": label_id(kind, label), "to": label_id(kind, canonical)},
    )
    aliases = sorted([r["label"] async for r in result])
    await tx.run(
        "MATCH (s:SchemaLabel {id: $from}), (t:SchemaLabel {id: $to}) "
        "SET s.status = 'alias', s.matched_by = 'manual', s.score = null "
        "CREATE (s)-[:CANONICAL]->(t)",
        {"from": label_id(kind, label), "to": label_id(kind, canonical)},
    )
    record = {"moved": moved, "aliases": aliases, "before": _before(state[label])}
    await _rehistory(tx, kind, [label, canonical])
    return await _record(
        tx, kind, "alias", label, label, canonical, [label, canonical, *aliases], record
    )


async def _make_canonical(tx: Tx, kind: str, label: str) -> LabelChangeRecord:
    state = await _lock_labels(tx, kind, [label])
    if state[label]["status"] != "alias":
        raise BadInput(f"{label!r} is already canonical")
    canonical: str = state[label]["canonical"]
    await _lock_labels(tx, kind, [canonical])
    moved = await _move_raw(tx, kind, canonical, label)
    await tx.run(
        "MATCH (s:SchemaLabel {id: $id})-[e:CANONICAL]->() DELETE e "
        "SET s.status = 'canonical', s.matched_by = 'manual', s.score = null",
        id=label_id(kind, label),
    )
    record = {"moved": moved, "aliases": [], "before": _before(state[label])}
    await _rehistory(tx, kind, [label, canonical])
    return await _record(tx, kind, "canonical", label, canonical, label, [label, canonical], record)


async def _undo(tx: Tx, change_id: str) -> LabelChangeRecord:
    result = await tx.run(
        "MATCH (c:LabelChange {id: $id}) SET c.status = c.status RETURN c {.*} AS c", id=change_id
    )
    found = await result.single()
    if found is None:
        raise NotFound(f"no label change {change_id!r}")
    change = found["c"]
    if change["status"] != "active":
        raise BadInput(f"label change {change_id} is already undone")
    later = await (
        await tx.run(
            "MATCH (c:LabelChange {kind: $kind}) WHERE c.created_at > $at "
            "AND c.status = 'active' AND any(l IN c.labels WHERE l IN $labels) "
            "RETURN c.id AS id ORDER BY c.created_at DESC LIMIT 1",
            kind=change["kind"],
            at=change["created_at"],
            labels=change["labels"],
        )
    ).single()
    if later is not None:
        raise ConflictError(
            f"label change {later['id']} came later and touches the same labels: undo it first",
            blocking=later["id"],
        )
    kind, label, action = change["kind"], change["label"], change["action"]
    record = json.loads(change["record"])
    state = await _lock_labels(tx, kind, [change["from_canonical"], change["to_canonical"]])
    if action == "alias":
        canonical = change["to_canonical"]
        if state[label]["status"] != "alias" or state[label]["canonical"] != canonical:
            raise ConflictError(f"{label!r} is no longer an alias of {canonical!r}")
        await _move_back(tx, kind, record["moved"], canonical, label)
        await tx.run(
            "MATCH (s:SchemaLabel {id: $label})-[e:CANONICAL]->() DELETE e "
            "SET s.status = 'canonical', s.matched_by = $before.matched_by, "
            "s.score = $before.score "
            "WITH s UNWIND $aliases AS alias "
            "MATCH (a:SchemaLabel {id: alias})-[e:CANONICAL]->() DELETE e "
            "CREATE (a)-[:CANONICAL]->(s)",
            label=label_id(kind, label),
            before=record["before"],
            aliases=[label_id(kind, a) for a in record["aliases"]],
        )
    else:
        canonical = change["from_canonical"]
        if state[label]["status"] != "canonical" or state[canonical]["status"] != "canonical":
            raise ConflictError(f"{label!r} or {canonical!r} is no longer canonical")
        await _move_back(tx, kind, record["moved"], label, canonical)
        # Labels the stabiliser aliased to `label` since follow it, so there is no chain.
        await tx.run(
            "MATCH (s:SchemaLabel {id: $label}), (t:SchemaLabel {id: $canonical}) "
            "SET s.status = 'alias', s.matched_by = $before.matched_by, s.score = $before.score "
            "CREATE (s)-[:CANONICAL]->(t) "
            "WITH s, t MATCH (a:SchemaLabel)-[e:CANONICAL]->(s) DELETE e "
            "CREATE (a)-[:CANONICAL]->(t)",
            label=label_id(kind, label),
            canonical=label_id(kind, canonical),
            before=record["before"],
        )
    await _rehistory(tx, kind, [change["from_canonical"], change["to_canonical"], label])
    result = await tx.run(
        "MATCH (c:LabelChange {id: $id}) SET c.status = 'undone', c.undone_at = datetime() "
        "RETURN c {.*} AS c",
        id=change_id,
    )
    return LabelChangeRecord.from_node((await result.single(strict=True))["c"])


async def _rehistory(tx: Tx, kind: str, labels: list[str]) -> None:
    """Facts or relations that changed label may now share a single-valued field (or no longer
    do): their entities' history is rebuilt in the same transaction (ADR 0017)."""
    if kind == "field":
        cypher = (
            "MATCH (e:Entity)-[:HAS_FACT]->(f:Fact) WHERE f.field IN $labels "
            "RETURN DISTINCT e.id AS id"
        )
    elif kind == "relation":
        cypher = (
            "MATCH (e:Entity)-[r]->(:Entity) WHERE r.label IN $labels RETURN DISTINCT e.id AS id"
        )
    else:
        return
    ids = [r["id"] async for r in await tx.run(cypher, labels=labels)]
    await recompute_entities(tx, ids)


def _before(state: dict[str, Any]) -> dict[str, Any]:
    return {"matched_by": state["matched_by"], "score": state["score"]}


async def _record(
    tx: Tx,
    kind: str,
    action: str,
    label: str,
    source: str,
    target: str,
    labels: list[str],
    record: dict[str, Any],
) -> LabelChangeRecord:
    moved = record["moved"]
    result = await tx.run(
        "CREATE (c:LabelChange {id: $id, kind: $kind, action: $action, label: $label, "
        "from_canonical: $source, to_canonical: $target, labels: $labels, status: 'active', "
        "created_at: datetime(), relabelled: $relabelled, record: $record}) RETURN c {.*} AS c",
        id="lch_" + new_id(),
        kind=kind,
        action=action,
        label=label,
        source=source,
        target=target,
        labels=sorted(set(labels)),
        relabelled=sum(len(v) for v in moved.values()),
        record=json.dumps(record, sort_keys=True),
    )
    return LabelChangeRecord.from_node((await result.single(strict=True))["c"])


# -- moving data between two labels of one kind ---------------------------------------------

_MOVE_ALL_FACTS = (
    "MATCH (f:Fact {field: $src}) WITH f LIMIT $batch SET f.field = $dst RETURN f.id AS id"
)
# Neo4j cannot change a relationship's type: create the new one with the same properties (id
# included) and delete the old. The id is read before the delete.
_RETYPE = (
    "WITH a, r, b, r.id AS id CREATE (a)-[n:$($dst_type)]->(b) SET n = properties(r), "
    "n.label = $dst DELETE r RETURN id, a.id AS source"
)
# Anchored on entities: a system node or relationship can never carry an extracted label
# (stabilize.RESERVED), and these queries would not touch one if it did.
_MOVE_ALL_RELATIONS = (
    "MATCH (a:Entity)-[r:$($src_type)]->(b:Entity) WHERE r.id IS NOT NULL "
    "WITH a, r, b LIMIT $batch " + _RETYPE
)
_MOVE_ALL_ACTIVE = (
    "MATCH (e:Entity:$($src_type)) WHERE NOT e:Merged WITH e LIMIT $batch "
    "REMOVE e:$($src_type) SET e:$($dst_type), e.type = $dst RETURN e.id AS id"
)
# Merged entities carry no type label (ADR 0008), only the property.
_MOVE_ALL_MERGED = "MATCH (e:Entity:Merged) WHERE e.type = $src SET e.type = $dst RETURN e.id AS id"


async def _ids(tx: Tx, cypher: str, **params: Any) -> list[Any]:
    result = await tx.run(cypher, params)
    return [
        r["id"] if len(r) == 1 else {"id": r["id"], "source": r["source"]} async for r in result
    ]


async def _drain(tx: Tx, cypher: str, **params: Any) -> list[Any]:
    """Run a batched move until nothing is left to move."""
    moved: list[Any] = []
    while True:
        batch = await _ids(tx, cypher, batch=MOVE_BATCH, **params)
        moved += batch
        if len(batch) < MOVE_BATCH:
            return moved


def _params(kind: str, src: str, dst: str) -> dict[str, str]:
    return {
        "src": src,
        "dst": dst,
        "src_type": storage_token(kind, src),
        "dst_type": storage_token(kind, dst),
    }


async def _move_all(tx: Tx, kind: str, src: str, dst: str) -> dict[str, list[Any]]:
    """Everything stored under ``src`` moves to ``dst``; returns what moved, for the record."""
    p = _params(kind, src, dst)
    if kind == "field":
        return {"facts": await _drain(tx, _MOVE_ALL_FACTS, **p)}
    if kind == "relation":
        return {"relations": await _drain(tx, _MOVE_ALL_RELATIONS, **p)}
    return {
        "entities": await _drain(tx, _MOVE_ALL_ACTIVE, **p),
        "merged": await _ids(tx, _MOVE_ALL_MERGED, **p),
    }


async def _move_raw(tx: Tx, kind: str, src: str, dst: str) -> dict[str, list[Any]]:
    """What is stored under ``src`` but was extracted as ``dst`` (by its raw label) moves to
    ``dst``. Entities keep no raw type, so none move."""
    p = _params(kind, src, dst)
    if kind == "field":
        raws = [
            r
            async for r in await tx.run(
                "MATCH (f:Fact {field: $src}) RETURN DISTINCT f.raw_field AS raw", p
            )
        ]
        ids = await _ids(
            tx,
            "MATCH (f:Fact {field: $src}) WHERE f.raw_field IN $raws "
            "SET f.field = $dst RETURN f.id AS id",
            raws=_extracted_as(kind, dst, [r["raw"] for r in raws]),
            **p,
        )
        return {"facts": ids}
    if kind == "relation":
        raws = [
            r
            async for r in await tx.run(
                "MATCH ()-[r:$($src_type)]->() RETURN DISTINCT r.raw_label AS raw", p
            )
        ]
        cypher = (
            "MATCH (a)-[r:$($src_type)]->(b) WHERE r.raw_label IN $raws "
            "WITH a, r, b LIMIT $batch " + _RETYPE
        )
        raw = _extracted_as(kind, dst, [r["raw"] for r in raws])
        return {"relations": await _drain(tx, cypher, raws=raw, **p)}
    return {"entities": [], "merged": []}


def _extracted_as(kind: str, label: str, raws: list[str | None]) -> list[str]:
    out = []
    for raw in raws:
        try:
            if raw is not None and canonical_form(raw, kind) == label:
                out.append(raw)
        except ValueError:
            continue
    return out


async def _move_back(tx: Tx, kind: str, moved: dict[str, list[Any]], src: str, dst: str) -> None:
    """Move exactly the recorded items from ``src`` to ``dst``; CONFLICT if any is gone."""
    p = _params(kind, src, dst)
    missing = 0
    if facts := moved.get("facts"):
        done = await _ids(
            tx,
            "UNWIND $ids AS id MATCH (f:Fact {id: id}) WHERE f.field = $src "
            "SET f.field = $dst RETURN f.id AS id",
            ids=facts,
            **p,
        )
        missing += len(facts) - len(done)
    if relations := moved.get("relations"):
        for start in range(0, len(relations), MOVE_BATCH):
            batch = relations[start : start + MOVE_BATCH]
            done = await _ids(
                tx,
                # Anchored on the source entity: relationships have no index across types.
                "UNWIND $rels AS x MATCH (a:Entity {id: x.source})-[r:$($src_type)]->(b) "
                "WHERE r.id = x.id " + _RETYPE,
                rels=batch,
                **p,
            )
            missing += len(batch) - len(done)
    entities = [*moved.get("entities", []), *moved.get("merged", [])]
    if entities:
        done = await _ids(
            tx,
            "UNWIND $ids AS id MATCH (e:Entity {id: id}) WHERE e.type = $src "
            "SET e.type = $dst WITH e "
            "CALL (e) { WITH e WHERE NOT e:Merged REMOVE e:$($src_type) SET e:$($dst_type) } "
            "RETURN e.id AS id",
            ids=entities,
            **p,
        )
        missing += len(entities) - len(done)
    if missing:
        raise ConflictError(
            f"{missing} of the items this change moved have changed since "
            "(moved by a merge or deleted); undo those changes first"
        )
