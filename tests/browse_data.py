"""Knowledge-graph data written straight to Neo4j, following docs/adr/0008, with the pipeline's
own id functions, so browse tests need no worker."""

from __future__ import annotations

import hashlib
from typing import Any

import neo4j

from app.domain.labels import node_label, relationship_type
from app.domain.normalize import normalize_name
from app.domain.resolve import entity_id
from app.domain.rows import fact_id, relation_id
from app.graph.conversations import conversation_id, message_id

DB = "neo4j"


def ent(type: str, name: str) -> str:
    return entity_id(type, normalize_name(name))


class GraphBuilder:
    def __init__(self, driver: neo4j.AsyncDriver) -> None:
        self.driver = driver

    async def run(self, cypher: str, **params: Any) -> list[neo4j.Record]:
        records, _, _ = await self.driver.execute_query(cypher, params, database_=DB)
        return records

    async def entities(self, type: str, names: list[str]) -> list[str]:
        """Active entities of one type; returns their ids."""
        rows = [
            {"id": ent(type, n), "name": n, "normalized_name": normalize_name(n)} for n in names
        ]
        await self.run(
            "UNWIND $rows AS e CREATE (n:Entity {id: e.id, name: e.name, "
            "normalized_name: e.normalized_name, type: $type, aliases: [], "
            "created_at: datetime(), updated_at: datetime()}) SET n:$($label)",
            rows=rows,
            type=type,
            label=node_label(type),
        )
        return [r["id"] for r in rows]

    async def facts(self, entity: str, field: str, values: list[str]) -> list[str]:
        rows = [{"id": fact_id(entity, field, v.lower()), "value": v} for v in values]
        await self.run(
            "MATCH (e:Entity {id: $entity}) UNWIND $rows AS f "
            "CREATE (e)-[:HAS_FACT]->(:Fact {id: f.id, field: $field, raw_field: $field, "
            "value: f.value, confidence: 0.9, entity_id: $entity, job_id: 'job_test', "
            "extractor: 'test', created_at: datetime()})",
            entity=entity,
            field=field,
            rows=rows,
        )
        return [r["id"] for r in rows]

    async def relate(
        self, source: str, label: str, targets: list[str], evidence: list[str] | None = None
    ) -> list[str]:
        rel_type = relationship_type(label)
        rows = [{"id": relation_id(source, rel_type, t), "target": t} for t in targets]
        await self.run(
            "MATCH (a:Entity {id: $source}) UNWIND $rows AS row MATCH (b:Entity {id: row.target}) "
            "CREATE (a)-[:$($type) {id: row.id, label: $label, raw_label: $label, "
            "confidence: 0.8, evidence: $evidence, first_seen: datetime(), "
            "last_seen: datetime(), job_id: 'job_test', extractor: 'test'}]->(b)",
            source=source,
            rows=rows,
            type=rel_type,
            label=label,
            evidence=evidence or [],
        )
        return [r["id"] for r in rows]

    async def merge(self, loser: str, survivor: str) -> None:
        """What a merge leaves behind (adr/0008): the loser without its type label, marked
        :Merged, pointing at the survivor, its facts moved to the survivor. (Losers in these
        tests have no relations to move.)"""
        await self.run(
            "MATCH (l:Entity {id: $loser}), (s:Entity {id: $survivor}) "
            "REMOVE l:$([x IN labels(l) WHERE x <> 'Entity']) "
            "SET l:Merged CREATE (l)-[:MERGED_INTO {merge_id: 'merge_test'}]->(s) "
            "WITH l, s MATCH (l)-[h:HAS_FACT]->(f:Fact) "
            "CREATE (s)-[:HAS_FACT]->(f) SET f.entity_id = s.id DELETE h",
            loser=loser,
            survivor=survivor,
        )

    async def conversation(self, title: str, texts: list[str]) -> tuple[str, list[str]]:
        """A stored conversation with its Message nodes; returns (id, message ids by seq)."""
        conv = conversation_id(hashlib.sha256(title.encode()).hexdigest())
        ids = [message_id(conv, seq) for seq in range(len(texts))]
        await self.run(
            "CREATE (c:Conversation:Source {id: $id, title: $title, origin: 'test', "
            "checksum: $id, message_count: size($texts), created_at: datetime()}) "
            "WITH c UNWIND range(0, size($texts) - 1) AS seq "
            "CREATE (c)-[:HAS_MESSAGE]->(:Message {id: $ids[seq], conversation_id: c.id, "
            "seq: seq, speaker: 'Ana', text: $texts[seq], timestamp: datetime()})",
            id=conv,
            title=title,
            texts=texts,
            ids=ids,
        )
        return conv, ids
