"""Writing what a job extracted: schema labels, entities, facts and relations, all by MERGE."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

import neo4j

from app.graph.cypher import query

WRITE_BATCH = 500


def label_id(kind: str, label: str) -> str:
    return "lbl_" + hashlib.sha256(f"{kind}:{label}".encode()).hexdigest()[:24]


def _batches(items: Sequence[Any], size: int = WRITE_BATCH) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class KnowledgeStore:
    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._db = database

    async def canonical_labels(self, kind: str, labels: set[str]) -> dict[str, str]:
        """Normalised raw label → canonical label; unseen labels become canonical themselves.

        One indexed MERGE per label, so the cost does not grow with the registry's size.
        """
        if not labels:
            return {}
        records, _, _ = await self._driver.execute_query(
            query("resolve_labels"),
            kind=kind,
            labels=[{"id": label_id(kind, label), "label": label} for label in sorted(labels)],
            database_=self._db,
        )
        return {r["label"]: r["canonical"] for r in records}

    async def count_usage(self, kind: str, usage: Counter[str]) -> None:
        if not usage:
            return
        await self._driver.execute_query(
            "UNWIND $rows AS row MATCH (s:SchemaLabel {id: row.id}) SET s.usage = s.usage + row.n",
            rows=[{"id": label_id(kind, label), "n": n} for label, n in usage.items()],
            database_=self._db,
        )

    async def existing_entities(self, groups: list[dict[str, Any]]) -> dict[int, str]:
        """For each ``{idx, type, names}``, the id of an active entity of that type answering
        to one of the names (through the normalised-name index), if any."""
        if not groups:
            return {}
        records, _, _ = await self._driver.execute_query(
            "UNWIND $groups AS g "
            "MATCH (e:Entity) WHERE e.normalized_name IN g.names AND e.type = g.type "
            "  AND NOT (e)-[:MERGED_INTO]->() "
            "WITH g, e ORDER BY e.created_at, e.id "
            "RETURN g.idx AS idx, collect(e.id)[0] AS id",
            groups=groups,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return {r["idx"]: r["id"] for r in records}

    async def write(
        self,
        *,
        source_id: str,
        job_id: str,
        extractor: str,
        entities: list[dict[str, Any]],
        facts: list[dict[str, Any]],
        relations: list[dict[str, Any]],
    ) -> None:
        params = {"source_id": source_id, "job_id": job_id, "extractor": extractor}
        for name, rows, key in (
            ("merge_entities", entities, "entities"),
            ("merge_facts", facts, "facts"),
            ("merge_relations", relations, "relations"),
        ):
            for batch in _batches(rows):
                await self._driver.execute_query(
                    query(name), {key: list(batch), **params}, database_=self._db
                )

    async def entities_without_embedding(self, ids: list[str]) -> list[tuple[str, str, str]]:
        records, _, _ = await self._driver.execute_query(
            "UNWIND $ids AS id MATCH (e:Entity {id: id}) WHERE e.embedding IS NULL "
            "RETURN e.id AS id, e.name AS name, e.type AS type",
            ids=ids,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return [(r["id"], r["name"], r["type"]) for r in records]

    async def set_embeddings(self, label: str, vectors: dict[str, list[float]]) -> None:
        if label not in ("Entity", "Message"):
            raise ValueError(f"no embeddings on {label}")
        rows = [{"id": k, "v": v} for k, v in vectors.items()]
        for batch in _batches(rows):
            await self._driver.execute_query(
                f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) "
                "CALL db.create.setNodeVectorProperty(n, 'embedding', row.v)",
                rows=list(batch),
                database_=self._db,
            )
