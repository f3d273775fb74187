"""The knowledge set in a graph: each conversation through the real pipeline, then the reads
the evaluation needs (who a conversation's messages cite, their facts and relations).

The reads are fixed Cypher with parameters, kept here because only the evaluation asks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import neo4j
import redis.asyncio

from app.config import Settings
from app.embed import Embedder
from app.eval.golden_graph import ingest_conversations
from app.eval.knowledge_metrics import Candidate, render_date
from app.eval.knowledge_set import KnowledgeFile
from app.extract.base import Extractor

__all__ = ["EntityKnowledge", "cited_entities", "ingest_files", "knowledge_of"]

#: Properties of a fact or a relation that say when it holds or happened (partial ISO dates).
DATE_PROPERTIES: Final = ("event_date", "valid_from", "valid_to")

# Entities a conversation's messages cite: by a mention, or through a fact or a relation's
# evidence. An entity merged away is left out (its survivor carries what it had).
_CITED = """
MATCH (m:Message {conversation_id: $conversation_id})
CALL (m) {
  MATCH (e:Entity)-[:MENTIONED_IN]->(m) RETURN e
  UNION
  MATCH (e:Entity)-[:HAS_FACT]->(:Fact)-[:FROM]->(m) RETURN e
}
WITH e, count(DISTINCT m) AS mentions
WHERE NOT (e)-[:MERGED_INTO]->()
RETURN e.id AS id, e.name AS name, e.type AS type, coalesce(e.aliases, []) AS aliases, mentions
"""
_BY_EVIDENCE = """
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.id IS NOT NULL AND any(mid IN coalesce(r.evidence, []) WHERE mid IN $message_ids)
  AND NOT (a)-[:MERGED_INTO]->() AND NOT (b)-[:MERGED_INTO]->()
UNWIND [a, b] AS e
RETURN DISTINCT e.id AS id, e.name AS name, e.type AS type,
       coalesce(e.aliases, []) AS aliases, 0 AS mentions
"""
_FACTS = """
UNWIND $ids AS id
MATCH (:Entity {id: id})-[:HAS_FACT]->(f:Fact)
RETURN id, f.field AS field, properties(f) AS props
"""
_RELATIONS = """
UNWIND $ids AS id
MATCH (:Entity {id: id})-[r]-(o:Entity)
WHERE r.id IS NOT NULL AND type(r) <> 'MERGED_INTO'
RETURN id, type(r) AS label, o.name AS other, properties(r) AS props
"""


async def ingest_files(
    settings: Settings,
    driver: neo4j.AsyncDriver,
    redis_client: redis.asyncio.Redis,
    embedder: Embedder,
    extractor: Extractor,
    files: Sequence[KnowledgeFile],
) -> int:
    """Ingest each file's conversation through the real pipeline, in this process
    (:func:`app.eval.golden_graph.ingest_conversations`); returns how many were processed."""
    conversations = ((f"knowledge-{f.split}-{f.stem}", f.conversation) for f in files)
    return await ingest_conversations(
        settings, driver, redis_client, embedder, extractor, conversations
    )


async def cited_entities(
    driver: neo4j.AsyncDriver, database: str, f: KnowledgeFile
) -> list[Candidate]:
    """The active entities that the conversation's messages cite, with how many they are."""
    found: dict[str, Candidate] = {}
    for cypher, params in (
        (_CITED, {"conversation_id": f.conversation_id}),
        (_BY_EVIDENCE, {"message_ids": f.message_ids}),
    ):
        records, _, _ = await driver.execute_query(
            cypher, params, database_=database, routing_=neo4j.RoutingControl.READ
        )
        for r in records:
            if r["id"] not in found:
                found[r["id"]] = Candidate(
                    r["id"], r["name"], r["type"] or "", tuple(r["aliases"]), r["mentions"]
                )
    return list(found.values())


@dataclass
class EntityKnowledge:
    """What the graph holds of one entity, as texts an answer can be compared with."""

    facts: list[str] = field(default_factory=list)  # "field: value" kept apart: value alone
    relations: list[str] = field(default_factory=list)  # the other end's name
    dates: list[str] = field(default_factory=list)  # dates of facts and relations, rendered

    def texts(self, *, dates: bool) -> list[str]:
        return [*self.facts, *self.relations, *(self.dates if dates else [])]


async def knowledge_of(
    driver: neo4j.AsyncDriver, database: str, ids: Sequence[str]
) -> dict[str, EntityKnowledge]:
    """Facts, relations and their dates of each entity of ``ids``."""
    out = {i: EntityKnowledge() for i in ids}
    facts, _, _ = await driver.execute_query(
        _FACTS, ids=list(ids), database_=database, routing_=neo4j.RoutingControl.READ
    )
    for r in facts:
        k = out[r["id"]]
        value = r["props"].get("value")
        if value is not None:
            k.facts.append(str(value))
        k.dates += _dates(r["props"])
    relations, _, _ = await driver.execute_query(
        _RELATIONS, ids=list(ids), database_=database, routing_=neo4j.RoutingControl.READ
    )
    for r in relations:
        k = out[r["id"]]
        k.relations.append(str(r["other"] or ""))
        k.dates += _dates(r["props"])
    return out


def _dates(props: dict[str, Any]) -> list[str]:
    rendered = (render_date(str(props[p])) for p in DATE_PROPERTIES if props.get(p) is not None)
    return [d for d in rendered if d]
