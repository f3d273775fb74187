"""Stabilising labels against the registry (exact, lemma, embedding, new) and derived usage."""

from __future__ import annotations

import asyncio
from typing import Any

import neo4j
import pytest

from app.embed import Embedder, create_embedder
from app.graph.knowledge import KnowledgeStore
from app.graph.registry import EMBEDDING_THRESHOLD, LabelRegistry, label_id
from app.nlp import label_lemmas


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return create_embedder("local")


def registry(driver: neo4j.AsyncDriver) -> LabelRegistry:
    return LabelRegistry(driver, "neo4j")


async def label_node(driver: neo4j.AsyncDriver, kind: str, label: str) -> dict[str, Any]:
    records, _, _ = await driver.execute_query(
        "MATCH (s:SchemaLabel {id: $id}) "
        "RETURN s {.*, embedding: null, canonical: [(s)-[:CANONICAL]->(c) | c.label][0]} AS s",
        id=label_id(kind, label),
    )
    return dict(records[0]["s"])


async def test_a_new_label_becomes_canonical_and_is_then_found_exactly(
    graph: neo4j.AsyncDriver, embedder: Embedder
) -> None:
    first = await registry(graph).stabilize(
        "relation", {"works_at"}, embedder.embed, lemmatize=label_lemmas
    )
    assert (first["works_at"].canonical, first["works_at"].matched_by) == ("works_at", "new")
    again = await registry(graph).stabilize(
        "relation", {"works_at"}, embedder.embed, lemmatize=label_lemmas
    )
    assert (again["works_at"].canonical, again["works_at"].matched_by) == ("works_at", "exact")
    node = await label_node(graph, "relation", "works_at")
    assert node["status"] == "canonical"
    assert node["lemma"] == "work_at"
    assert node["matched_by"] == "new"


async def test_inflected_labels_map_to_the_canonical_label_by_lemma(
    graph: neo4j.AsyncDriver, embedder: Embedder
) -> None:
    await registry(graph).stabilize(
        "relation", {"works_at"}, embedder.embed, lemmatize=label_lemmas
    )
    await registry(graph).stabilize(
        "field", {"likes", "child"}, embedder.embed, lemmatize=label_lemmas
    )
    relations = await registry(graph).stabilize(
        "relation", {"worked_at"}, embedder.embed, lemmatize=label_lemmas
    )
    fields = await registry(graph).stabilize(
        "field", {"liked", "children"}, embedder.embed, lemmatize=label_lemmas
    )
    assert relations["worked_at"].canonical == "works_at"
    assert relations["worked_at"].matched_by == "lemma"
    assert {k: (m.canonical, m.matched_by) for k, m in fields.items()} == {
        "liked": ("likes", "lemma"),
        "children": ("child", "lemma"),
    }
    alias = await label_node(graph, "relation", "worked_at")
    assert (alias["status"], alias["canonical"], alias["matched_by"]) == (
        "alias",
        "works_at",
        "lemma",
    )


async def test_near_synonyms_map_by_embedding_but_distinct_labels_stay_apart(
    graph: neo4j.AsyncDriver, embedder: Embedder
) -> None:
    await registry(graph).stabilize(
        "field", {"email", "phone"}, embedder.embed, lemmatize=label_lemmas
    )
    await registry(graph).stabilize(
        "relation", {"parent_of", "works_at"}, embedder.embed, lemmatize=label_lemmas
    )
    fields = await registry(graph).stabilize(
        "field", {"email_address"}, embedder.embed, lemmatize=label_lemmas
    )
    assert fields["email_address"].canonical == "email"
    assert fields["email_address"].matched_by == "embedding"
    assert fields["email_address"].score is not None
    assert fields["email_address"].score >= EMBEDDING_THRESHOLD
    # Inverses and loose relatives are close in embedding space but must not merge.
    relations = await registry(graph).stabilize(
        "relation", {"child_of", "employer"}, embedder.embed, lemmatize=label_lemmas
    )
    assert {k: (m.canonical, m.matched_by) for k, m in relations.items()} == {
        "child_of": ("child_of", "new"),
        "employer": ("employer", "new"),
    }
    node = await label_node(graph, "field", "email_address")
    assert node["matched_by"] == "embedding"
    assert node["score"] == pytest.approx(fields["email_address"].score)


async def test_labels_only_match_labels_of_their_own_kind(
    graph: neo4j.AsyncDriver, embedder: Embedder
) -> None:
    await registry(graph).stabilize("field", {"lives_in"}, embedder.embed, lemmatize=label_lemmas)
    relations = await registry(graph).stabilize(
        "relation", {"lived_in"}, embedder.embed, lemmatize=label_lemmas
    )
    assert (relations["lived_in"].canonical, relations["lived_in"].matched_by) == (
        "lived_in",
        "new",
    )


async def test_matching_new_labels_of_one_batch_end_as_one_canonical_label(
    graph: neo4j.AsyncDriver, embedder: Embedder
) -> None:
    mapped = await registry(graph).stabilize(
        "field", {"likes", "liked"}, embedder.embed, lemmatize=label_lemmas
    )
    assert mapped["liked"].canonical == mapped["likes"].canonical == "liked"
    assert sorted(m.matched_by for m in mapped.values()) == ["lemma", "new"]


async def test_two_jobs_stabilising_the_same_new_label_make_one_node(
    graph: neo4j.AsyncDriver, embedder: Embedder
) -> None:
    store_a, store_b = KnowledgeStore(graph, "neo4j"), KnowledgeStore(graph, "neo4j")
    for _ in range(3):
        await graph.execute_query("MATCH (s:SchemaLabel) DETACH DELETE s")
        a, b = await asyncio.gather(
            store_a.canonical_labels(
                "relation", {"mentors", "coaches"}, embedder.embed, lemmatize=label_lemmas
            ),
            store_b.canonical_labels(
                "relation", {"mentors", "coaches"}, embedder.embed, lemmatize=label_lemmas
            ),
        )
        assert a == b
        records, _, _ = await graph.execute_query(
            "MATCH (s:SchemaLabel {kind: 'relation'}) RETURN s.label AS label ORDER BY label"
        )
        assert [r["label"] for r in records] == ["coaches", "mentors"]


async def _write_sample(graph: neo4j.AsyncDriver) -> None:
    await graph.execute_query(
        "MERGE (c:Conversation:Source {id: 'c1'}) MERGE (m:Message {id: 'm1'}) "
        "MERGE (c)-[:HAS_MESSAGE]->(m)"
    )
    await KnowledgeStore(graph, "neo4j").write(
        source_id="c1",
        job_id="j1",
        extractor="test",
        entities=[
            {
                "id": eid,
                "name": name,
                "normalized_name": name.lower(),
                "type": etype,
                "label": etype.capitalize(),
                "aliases": [],
                "message_ids": ["m1"],
            }
            for eid, name, etype in [
                ("e1", "Ana", "person"),
                ("e2", "Ben", "person"),
                ("e3", "Acme", "organization"),
            ]
        ],
        facts=[
            {
                "id": f"f{i}",
                "entity_id": eid,
                "field": "occupation",
                "raw_field": "occupation",
                "value": value,
                "confidence": 0.9,
                "message_ids": ["m1"],
            }
            for i, (eid, value) in enumerate([("e1", "nurse"), ("e2", "pilot")])
        ],
        relations=[
            {
                "id": f"r{i}",
                "source_id": eid,
                "target_id": "e3",
                "type": "WORKS_AT",
                "label": "works_at",
                "raw_label": "works at",
                "confidence": 0.8,
                "message_ids": ["m1"],
            }
            for i, eid in enumerate(["e1", "e2"])
        ],
    )


async def test_usage_is_derived_from_the_data_so_a_retried_write_counts_once(
    graph: neo4j.AsyncDriver,
) -> None:
    reg = registry(graph)
    await reg.stabilize("field", {"occupation", "hobby"}, lemmatize=label_lemmas)
    await reg.stabilize("relation", {"works_at"}, lemmatize=label_lemmas)
    await reg.stabilize("relation", {"worked_at"}, lemmatize=label_lemmas)
    await reg.stabilize("entity_type", {"person", "organization"}, lemmatize=label_lemmas)
    await _write_sample(graph)
    await _write_sample(graph)  # a retried write stage
    usage = {(e.kind, e.label): e.usage for e in await reg.overview()}
    assert usage == {
        ("field", "hobby"): 0,
        ("field", "occupation"): 2,
        ("relation", "works_at"): 2,
        ("entity_type", "organization"): 1,
        ("entity_type", "person"): 2,
    }
    (works_at,) = await reg.overview("relation")
    assert [(a.label, a.matched_by, a.usage) for a in works_at.aliases] == [
        ("worked_at", "lemma", 0)
    ]
    # A merged entity is no longer an active person (ADR 0008).
    await graph.execute_query("MATCH (e:Entity {id: 'e2'}) REMOVE e:Person SET e:Merged")
    people = {e.label: e.usage for e in await reg.overview("entity_type")}
    assert people == {"organization": 1, "person": 1}
