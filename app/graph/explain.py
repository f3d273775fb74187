"""Provenance of a fact or relation: the messages that say it, the jobs that read them, and the
resolution decisions and merges that put it on its entity (``explain(id)``)."""

from __future__ import annotations

from typing import Any

from app.graph.browse import FACT, MESSAGE, RELATION, Reader, proj, relation_by_id

MAX_MESSAGES = 100  # a fact said in thousands of messages shows the first hundred, and the count

# The first citing messages in conversation order, and the jobs of every citing conversation.
_SOURCES = f"""
CALL () {{
  UNWIND $message_ids AS mid
  MATCH (m:Message {{id: mid}})
  WITH m ORDER BY m.conversation_id, m.seq LIMIT $max
  RETURN collect({proj("m", MESSAGE)}) AS messages
}}
CALL () {{
  UNWIND $message_ids AS mid
  MATCH (m:Message {{id: mid}})
  WITH DISTINCT m.conversation_id AS cid
  MATCH (:Conversation {{id: cid}})-[:HAS_JOB]->(j:Job)
  RETURN collect(j.id) AS jobs
}}
RETURN messages, jobs
"""

# Decisions of those jobs about the entities (and about entities merged into them).
_DECISIONS = """
UNWIND $entity_ids AS eid
MATCH (e:Entity {id: eid})
OPTIONAL MATCH (loser:Entity)-[:MERGED_INTO]->(e)
WITH e, collect(loser) AS losers
UNWIND [e] + losers AS n
MATCH (r:Resolution)-[:RESOLVED_TO]->(n)
WHERE r.job_id IN $job_ids
RETURN DISTINCT r {.*, created_at: r.created_at} AS r ORDER BY r.created_at, r.id
"""

_MERGES = """
UNWIND $entity_ids AS eid
CALL (eid) {
  MATCH (m:Merge {source_id: eid}) RETURN m
  UNION
  MATCH (m:Merge {target_id: eid}) RETURN m
}
WITH DISTINCT m
RETURN m {.id, .source_id, .target_id, .status, .created_at, .undone_at, .actor} AS m
ORDER BY m.created_at DESC LIMIT 50
"""


async def explain(db: Reader, node_id: str) -> dict[str, Any] | None:
    """Everything behind a fact (``fact_…``) or relation (``rel_…``); None if there is none."""
    if node_id.startswith("fact_"):
        records = await db.read(
            f"MATCH (x:Fact {{id: $id}}) OPTIONAL MATCH (x)-[:FROM]->(m:Message) "
            f"RETURN {proj('x', FACT)} AS row, collect(m.id) AS message_ids",
            id=node_id,
        )
        if not records:
            return None
        row = dict(records[0]["row"])
        out: dict[str, Any] = {"fact": row, "relation": None}
        message_ids = list(records[0]["message_ids"])
        entity_ids = [row["entity_id"]]
        produced_by = row.get("job_id")
    elif node_id.startswith("rel_"):
        found = await relation_by_id(db, node_id)
        if found is None:
            return None
        row = found
        out = {"fact": None, "relation": row}
        message_ids = list(row.get("evidence") or [])
        entity_ids = [row["source_id"], row["target_id"]]
        records = await db.read(
            "MATCH (a:Entity {id: $a})-[r]->(:Entity) WHERE r.id = $id RETURN r.job_id AS job, "
            "r.extractor AS extractor",
            a=row["source_id"],
            id=node_id,
        )
        produced_by = records[0]["job"] if records else None
        row["extractor"] = records[0]["extractor"] if records else None
    else:
        return None
    messages, jobs = await _sources(db, message_ids)
    if produced_by and produced_by not in jobs:
        jobs.insert(0, produced_by)
    decisions = await db.read(_DECISIONS, entity_ids=entity_ids, job_ids=jobs)
    merges = await db.read(_MERGES, entity_ids=entity_ids)
    out.update(
        messages=[dict(m) for m in messages],
        message_count=len(set(message_ids)),
        job_ids=jobs,
        produced_by=produced_by,
        extractor=(out["fact"] or out["relation"]).get("extractor"),
        decisions=[dict(r["r"]) for r in decisions],
        merges=[dict(r["m"]) for r in merges],
        superseded_by=await _side(db, row.get("superseded_by")),
        supersedes=await _side(db, row.get("supersedes")),
    )
    return out


async def _sources(db: Reader, message_ids: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The first citing messages, in conversation order, and the jobs of their conversations."""
    sources = await db.read(_SOURCES, message_ids=message_ids, max=MAX_MESSAGES)
    messages = [dict(m) for m in sources[0]["messages"]] if sources else []
    return messages, list(sources[0]["jobs"]) if sources else []


async def _side(db: Reader, node_id: str | None) -> dict[str, Any] | None:
    """The other side of a history link (the value it superseded or that superseded it), with
    the messages that say it."""
    if node_id is None:
        return None
    if node_id.startswith("fact_"):
        records = await db.read(
            f"MATCH (x:Fact {{id: $id}}) OPTIONAL MATCH (x)-[:FROM]->(m:Message) "
            f"RETURN {proj('x', FACT)} AS row, collect(m.id) AS message_ids",
            id=node_id,
        )
        if not records:
            return None
        messages, _ = await _sources(db, list(records[0]["message_ids"]))
        return {"fact": dict(records[0]["row"]), "relation": None, "messages": messages}
    found = await relation_by_id(db, node_id)
    if found is None:
        return None
    messages, _ = await _sources(db, list(found.get("evidence") or []))
    return {"fact": None, "relation": found, "messages": messages}


__all__ = ["RELATION", "explain"]
