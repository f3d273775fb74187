"""Writing what a job extracted: schema labels, entities, facts and relations, all by MERGE."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import neo4j

from app.graph.cypher import query
from app.graph.history import History
from app.graph.registry import EmbedFn, LabelRegistry, LemmaFn, label_id

__all__ = ["KnowledgeStore", "label_id"]

WRITE_BATCH = 500


def _batches(items: Sequence[Any], size: int = WRITE_BATCH) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class KnowledgeStore:
    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._db = database

    async def canonical_labels(
        self,
        kind: str,
        labels: set[str],
        embed: EmbedFn | None = None,
        *,
        lemmatize: LemmaFn,
    ) -> dict[str, str]:
        """Normalised raw label → canonical label, by exact, lemma or embedding match; a label
        that matches nothing becomes canonical itself (``app.graph.registry``)."""
        mapped = await LabelRegistry(self._driver, self._db).stabilize(
            kind, labels, embed, lemmatize=lemmatize
        )
        return {label: m.canonical for label, m in mapped.items()}

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

    async def update_history(
        self, facts: Sequence[dict[str, Any]], relations: Sequence[dict[str, Any]]
    ) -> int:
        """Re-link the single-valued values a job's rows touched (``app.graph.history``)."""
        return await History(self._driver, self._db).after_write(facts, relations)

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
