"""Read queries for browsing: keyset pages and batched lookups (docs/adr/0008).

Every list reads ``limit`` rows after a sort key through an index that yields them in order
(cypher/migrations/006), so a deep page costs what the first one does. Batched lookups take a
list of keys and return rows tagged with the key's position ``i``, one statement per batch.
Only active entities are listed (``NOT n:Merged``); a merged id resolves to its survivor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from app.domain.rows import relation_anchor
from app.graph.timeview import held


class Reader(Protocol):
    """Anything that runs a read statement; the API's per-request ``Db`` counts them."""

    async def read(self, cypher: str, **params: Any) -> list[Mapping[str, Any]]: ...


# Times leave Neo4j as epoch milliseconds (app.api.scalars.native): hydrating the driver's own
# temporal types was the largest single cost of a page.
ENTITY = "{.id, .name, .type, .aliases, created_at: $v.created_at.epochMillis}"
FACT = (
    "{.id, .field, .raw_field, .value, .confidence, .entity_id, "
    "created_at: $v.created_at.epochMillis, .extractor, .job_id, "
    ".valid_from, .valid_to, .valid_to_source, .event_date, "
    "first_said: $v.first_said.epochMillis, last_said: $v.last_said.epochMillis, "
    "superseded_by: [($v)-[:SUPERSEDED_BY]->(sup_next:Fact) | sup_next.id][0], "
    "supersedes: [($v)<-[:SUPERSEDED_BY]-(sup_prev:Fact) | sup_prev.id][0]}"
)
MESSAGE = (
    "{.id, .seq, .speaker, .text, timestamp: $v.timestamp.epochMillis, .conversation_id, "
    ".external_id}"
)
CONVERSATION = "{.id, .title, .origin, .message_count, created_at: $v.created_at.epochMillis}"


def proj(var: str, shape: str) -> str:
    """``var``'s map projection in ``shape`` (``$v`` in a shape stands for the variable)."""
    return f"{var} {shape.replace('$v', var)}"


# A relation row; ``a`` is its source and ``b`` its target.
RELATION = (
    "{id: r.id, label: r.label, raw_label: r.raw_label, confidence: r.confidence, "
    "source_id: a.id, target_id: b.id, evidence: r.evidence, "
    "first_seen: r.first_seen.epochMillis, last_seen: r.last_seen.epochMillis, "
    "valid_from: r.valid_from, valid_to: r.valid_to, valid_to_source: r.valid_to_source, "
    "event_date: r.event_date, first_said: r.first_said.epochMillis, "
    "last_said: r.last_said.epochMillis, superseded_by: r.superseded_by, "
    "supersedes: r.supersedes}"
)
# Relations are entity-to-entity relationships with an id; MERGED_INTO has none.
IS_RELATION = "r.id IS NOT NULL AND type(r) <> 'MERGED_INTO'"


def _dicts(records: list[Mapping[str, Any]], key: str) -> list[dict[str, Any]]:
    return [dict(r[key]) for r in records]


def _tagged(
    records: list[Mapping[str, Any]], count: int, limits: list[int] | None = None
) -> list[list[dict[str, Any]]]:
    """Rows tagged with ``i`` grouped by key position, in the order the query sorted them.

    LIMIT cannot vary per row in Cypher, so a batch reads the largest limit of its keys and
    each key keeps its own here (keys of one batch nearly always share a limit)."""
    out: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    for r in records:
        out[r["i"]].append(dict(r["row"]))
    if limits is not None:
        out = [rows[:limit] for rows, limit in zip(out, limits, strict=True)]
    return out


# --- top-level lists --------------------------------------------------------------------------


async def entities_page(
    db: Reader, *, after: str, limit: int, type: str | None, name: str | None, lower: str | None
) -> list[dict[str, Any]]:
    """Active entities by id; ``type`` seeks the (type, id) index, ``name`` filters in order."""
    by_type = "n.type = $type AND " if type is not None else ""
    by_name = (
        "AND (n.normalized_name CONTAINS $name OR toLower(n.name) CONTAINS $lower) "
        if name is not None
        else ""
    )
    # Ordering by the whole (type, id) key lets the planner read the index in order (a Limit);
    # ORDER BY n.id alone makes it sort every match after the cursor (a Top).
    order = "n.type, n.id" if type is not None else "n.id"
    # Hinted: on a small or skewed graph the planner may otherwise scan the index whole.
    hint = "USING INDEX n:Entity(type, id) " if type is not None else ""
    records = await db.read(
        f"MATCH (n:Entity) {hint}WHERE {by_type}n.id > $after AND NOT n:Merged {by_name}"
        f"RETURN {proj('n', ENTITY)} AS e ORDER BY {order} LIMIT $limit",
        after=after,
        limit=limit,
        type=type,
        name=name,
        lower=lower,
    )
    return _dicts(records, "e")


async def count_entities(
    db: Reader, *, type: str | None, name: str | None, lower: str | None
) -> int:
    if type is None and name is None:
        # Both counts come from the count store: constant time at any size.
        records = await db.read(
            "CALL () { MATCH (n:Entity) RETURN count(n) AS all } "
            "CALL () { MATCH (m:Merged) RETURN count(m) AS merged } "
            "RETURN all - merged AS n"
        )
        return int(records[0]["n"])
    by_type = "n.type = $type AND " if type is not None else ""
    by_name = (
        "AND (n.normalized_name CONTAINS $name OR toLower(n.name) CONTAINS $lower) "
        if name is not None
        else ""
    )
    records = await db.read(
        f"MATCH (n:Entity) WHERE {by_type}NOT n:Merged {by_name}RETURN count(n) AS n",
        type=type,
        name=name,
        lower=lower,
    )
    return int(records[0]["n"])


async def conversations_page(
    db: Reader, *, after: tuple[str, str] | None, limit: int
) -> list[dict[str, Any]]:
    """Newest first: (created_at, id) descending, seeking the created_at index."""
    where = (
        "WHERE c.created_at <= datetime($ts) AND (c.created_at < datetime($ts) OR c.id < $id) "
        if after is not None
        else ""
    )
    records = await db.read(
        f"MATCH (c:Conversation) {where}"
        f"RETURN {proj('c', CONVERSATION)} AS c, toString(c.created_at) AS ts "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT $limit",
        ts=after[0] if after else None,
        id=after[1] if after else None,
        limit=limit,
    )
    return [{**r["c"], "cursor_ts": r["ts"]} for r in records]


async def count_conversations(db: Reader) -> int:
    records = await db.read("MATCH (c:Conversation) RETURN count(c) AS n")
    return int(records[0]["n"])


async def facts_page(
    db: Reader, *, after: str, limit: int, field: str | None, entity_id: str | None
) -> list[dict[str, Any]]:
    """Facts by id; an entity seeks the (entity_id, id) index, a field the (field, id) one."""
    if entity_id is not None:
        where = "x.entity_id = $entity AND " + ("x.field = $field AND " if field else "")
        order = "x.entity_id, x.id"  # the index's whole key: read in order, never sorted
        hint = "USING INDEX x:Fact(entity_id, id) "
    elif field is not None:
        where, order = "x.field = $field AND ", "x.field, x.id"
        hint = "USING INDEX x:Fact(field, id) "
    else:
        where, order, hint = "", "x.id", ""
    records = await db.read(
        f"MATCH (x:Fact) {hint}WHERE {where}x.id > $after "
        f"RETURN {proj('x', FACT)} AS f ORDER BY {order} LIMIT $limit",
        after=after,
        limit=limit,
        field=field,
        entity=entity_id,
    )
    return _dicts(records, "f")


async def count_facts(db: Reader, *, field: str | None, entity_id: str | None) -> int:
    clauses = []
    if entity_id is not None:
        clauses.append("x.entity_id = $entity")
    if field is not None:
        clauses.append("x.field = $field")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""  # none: the count store
    records = await db.read(
        f"MATCH (x:Fact) {where} RETURN count(x) AS n", field=field, entity=entity_id
    )
    return int(records[0]["n"])


async def relations_page(
    db: Reader, *, after: tuple[str, str], limit: int, rel_type: str | None
) -> list[dict[str, Any]]:
    """Relations ordered by (source id, relation id): the entity-id index gives the sources in
    order and each one's few relations are sorted on the way, so no page sorts them all.
    (Neo4j cannot index one property across relationship types; docs/adr/0008.)"""
    by_type = "AND type(r) = $type " if rel_type is not None else ""
    records = await db.read(
        "MATCH (a:Entity) WHERE a.id >= $source AND NOT a:Merged "
        "MATCH (a)-[r]->(b:Entity) "
        f"WHERE {IS_RELATION} {by_type}AND (a.id > $source OR r.id > $id) "
        f"RETURN {RELATION} AS row ORDER BY a.id, r.id LIMIT $limit",
        source=after[0],
        id=after[1],
        limit=limit,
        type=rel_type,
    )
    return _dicts(records, "row")


async def count_relations(db: Reader, *, rel_type: str | None) -> int:
    if rel_type is not None:
        records = await db.read(
            "MATCH (a:Entity)-[r:$($type)]->(b:Entity) WHERE r.id IS NOT NULL RETURN count(r) AS n",
            type=rel_type,
        )
    else:
        records = await db.read(
            f"MATCH (a:Entity)-[r]->(b:Entity) WHERE {IS_RELATION} RETURN count(r) AS n"
        )
    return int(records[0]["n"])


# --- batched lookups (DataLoaders) ------------------------------------------------------------


async def entities_by_id(db: Reader, ids: list[str]) -> list[dict[str, Any] | None]:
    """Each id's entity, or the survivor it was merged into (never a chain: adr/0008)."""
    records = await db.read(
        "UNWIND range(0, size($ids) - 1) AS i MATCH (n:Entity {id: $ids[i]}) "
        "OPTIONAL MATCH (n)-[:MERGED_INTO]->(s:Entity) "
        f"WITH i, coalesce(s, n) AS n RETURN i, {proj('n', ENTITY)} AS row",
        ids=ids,
    )
    return [rows[0] if rows else None for rows in _tagged(records, len(ids))]


async def by_id(db: Reader, label: str, ids: list[str]) -> list[dict[str, Any] | None]:
    """Conversations, messages or facts by id."""
    shape = {"Conversation": CONVERSATION, "Message": MESSAGE, "Fact": FACT}[label]
    records = await db.read(
        f"UNWIND range(0, size($ids) - 1) AS i MATCH (n:{label} {{id: $ids[i]}}) "
        f"RETURN i, {proj('n', shape)} AS row",
        ids=ids,
    )
    return [rows[0] if rows else None for rows in _tagged(records, len(ids))]


async def relation_by_id(db: Reader, relation_id: str) -> dict[str, Any] | None:
    """A relation from its id, found through the entity the id names (``relation_anchor``).

    That entity may since have been merged: the relation then sits on its survivor. It may be
    either end, as a merge re-creates relations on the survivor with their ids.
    """
    anchor = relation_anchor(relation_id)
    if anchor is None:
        return None
    records = await db.read(
        "MATCH (e0:Entity {id: $anchor}) "
        "OPTIONAL MATCH (e0)-[:MERGED_INTO]->(s:Entity) "
        "WITH coalesce(s, e0) AS e "
        "MATCH (e)-[r]-(:Entity) WHERE r.id = $id "
        "WITH r, startNode(r) AS a, endNode(r) AS b "
        f"RETURN {RELATION} AS row LIMIT 1",
        anchor=anchor,
        id=relation_id,
    )
    return dict(records[0]["row"]) if records else None


async def _pages_per_key(
    db: Reader, keys: list[dict[str, Any]], subquery: str, row: str
) -> list[list[dict[str, Any]]]:
    """One statement for a batch of ``{…, after, limit}`` keys: ``subquery`` reads one key's
    page (as ``k``), ``row`` shapes each of its rows; rows come back grouped by key."""
    records = await db.read(
        "UNWIND range(0, size($keys) - 1) AS i WITH i, $keys[i] AS k "
        f"CALL (k) {{ {subquery} }} RETURN i, {row} AS row",
        keys=keys,
        limit=max(k["limit"] for k in keys),
    )
    return _tagged(records, len(keys), [k["limit"] for k in keys])


async def facts_of(db: Reader, keys: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """For each ``{entity, after, limit, mode, point}``, its facts by id (the (entity_id, id)
    index) that the time view (``app.graph.timeview``) shows."""
    return await _pages_per_key(
        db,
        [_viewed(k) for k in keys],
        "MATCH (x:Fact) USING INDEX x:Fact(entity_id, id) "
        f"WHERE x.entity_id = k.entity AND x.id > k.after AND {held('x', 'fact')} "
        "RETURN x ORDER BY x.entity_id, x.id LIMIT $limit",
        proj("x", FACT),
    )


def _viewed(key: dict[str, Any]) -> dict[str, Any]:
    """A page key with a time view; none given means every value."""
    return {"mode": "all", "point": "", **{k: v for k, v in key.items() if v is not None}}


def _direction(arrow: str) -> str:
    return {
        "OUT": "(e)-[r]->(o:Entity)",
        "IN": "(e)<-[r]-(o:Entity)",
        "BOTH": "(e)-[r]-(o:Entity)",
    }[arrow]


async def relations_of(
    db: Reader, direction: str, keys: list[dict[str, Any]]
) -> list[list[dict[str, Any]]]:
    """For each ``{entity, after, limit}``, its relations in ``direction`` by relation id.

    Each entity's relationships are expanded and sorted: linear in its degree, as no index
    orders a node's relationships."""
    return await _pages_per_key(
        db,
        keys,
        "MATCH (e:Entity {id: k.entity}) "
        f"MATCH {_direction(direction)} WHERE {IS_RELATION} AND r.id > k.after "
        "WITH k, r, startNode(r) AS a, endNode(r) AS b "
        f"WHERE {held('r', 'relation', start_node='a')} "
        "RETURN r, a, b ORDER BY r.id LIMIT $limit",
        RELATION,
    )


async def neighbors_of(db: Reader, keys: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """For each ``{entity, after, limit}``, distinct active entities related to it, by id."""
    return await _pages_per_key(
        db,
        keys,
        "MATCH (e:Entity {id: k.entity}) "
        f"MATCH (e)-[r]-(o:Entity) WHERE {IS_RELATION} AND NOT o:Merged AND o.id > k.after "
        "WITH DISTINCT o ORDER BY o.id LIMIT $limit RETURN o",
        proj("o", ENTITY),
    )


async def messages_of(db: Reader, keys: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """For each ``{conversation, after, limit}``, its messages by seq (the message index)."""
    return await _pages_per_key(
        db,
        keys,
        "MATCH (m:Message) USING INDEX m:Message(conversation_id, seq) "
        "WHERE m.conversation_id = k.conversation AND m.seq > k.after "
        "RETURN m ORDER BY m.conversation_id, m.seq LIMIT $limit",
        proj("m", MESSAGE),
    )


async def counts_in_view(db: Reader, kind: str, keys: list[dict[str, Any]]) -> list[int]:
    """Per ``{entity, mode, point}``: its facts or relations (OUT/IN/BOTH) the view shows."""
    if kind == "facts":
        pattern = f"MATCH (x:Fact) WHERE x.entity_id = k.entity AND {held('x', 'fact')} RETURN x"
    else:
        pattern = (
            f"MATCH (e:Entity {{id: k.entity}}) MATCH {_direction(kind)} WHERE {IS_RELATION} "
            f"WITH k, r, startNode(r) AS a WHERE {held('r', 'relation', start_node='a')} RETURN r"
        )
    records = await db.read(
        "UNWIND range(0, size($keys) - 1) AS i WITH i, $keys[i] AS k "
        f"RETURN i, COUNT {{ {pattern} }} AS n",
        keys=[_viewed(k) for k in keys],
    )
    counts = [0] * len(keys)
    for r in records:
        counts[r["i"]] = int(r["n"])
    return counts


async def counts_of(db: Reader, kind: str, ids: list[str]) -> list[int]:
    """Per id: its facts, relations (OUT/IN/BOTH), neighbours or messages, counted."""
    pattern = {
        "facts": "MATCH (x:Fact) WHERE x.entity_id = id RETURN x",
        "messages": "MATCH (m:Message) WHERE m.conversation_id = id AND m.seq >= 0 RETURN m",
        "neighbors": "MATCH (e:Entity {id: id})-[r]-(o:Entity) "
        f"WHERE {IS_RELATION} AND NOT o:Merged RETURN DISTINCT o",
        **{
            d: f"MATCH (e:Entity {{id: id}}) MATCH {_direction(d)} WHERE {IS_RELATION} RETURN r"
            for d in ("OUT", "IN", "BOTH")
        },
    }[kind]
    records = await db.read(
        f"UNWIND range(0, size($ids) - 1) AS i WITH i, $ids[i] AS id "
        f"RETURN i, COUNT {{ {pattern} }} AS n",
        ids=ids,
    )
    counts = [0] * len(ids)
    for r in records:
        counts[r["i"]] = int(r["n"])
    return counts
