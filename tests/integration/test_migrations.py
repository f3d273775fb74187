"""Migrations create DESIGN §4's constraints and indexes, once."""

from __future__ import annotations

import shutil
from pathlib import Path

import neo4j
import pytest

from app.bootstrap import apply_migrations
from app.domain.rows import relation_anchor
from app.errors import MigrationError
from app.graph.migrations import MIGRATIONS_DIR, load_migrations, migrate, split_statements
from tests.conftest import Services

EXPECTED_INDEXES = {
    # name: (type, labels, properties)
    "entity_normalized_name": ("RANGE", ["Entity"], ["normalized_name"]),
    "message_conversation_seq": ("RANGE", ["Message"], ["conversation_id", "seq"]),
    "message_conversation_timestamp": ("RANGE", ["Message"], ["conversation_id", "timestamp"]),
    "fact_field": ("RANGE", ["Fact"], ["field"]),
    "schema_label_kind_label": ("RANGE", ["SchemaLabel"], ["kind", "label"]),
    "entity_text": ("FULLTEXT", ["Entity"], ["name", "aliases", "summary"]),
    "message_search": ("FULLTEXT", ["Message"], ["text", "speaker"]),
    "fact_search": ("FULLTEXT", ["Fact"], ["value"]),
    "entity_embedding": ("VECTOR", ["Entity"], ["embedding"]),
    "message_embedding": ("VECTOR", ["Message"], ["embedding"]),
}
UNIQUE_IDS = ["Source", "Conversation", "Message", "Entity", "Fact", "SchemaLabel", "Merge", "Job"]


async def _indexes(driver: neo4j.AsyncDriver) -> dict[str, dict[str, object]]:
    records, _, _ = await driver.execute_query(
        "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, options, state "
        "RETURN name, type, labelsOrTypes, properties, options, state"
    )
    return {r["name"]: dict(r) for r in records}


async def test_show_indexes_lists_every_index_of_the_design(graph: neo4j.AsyncDriver) -> None:
    indexes = await _indexes(graph)
    for name, (kind, labels, props) in EXPECTED_INDEXES.items():
        assert name in indexes, f"missing index {name}"
        found = indexes[name]
        assert (found["type"], found["labelsOrTypes"], found["properties"]) == (kind, labels, props)
    vector = indexes["entity_embedding"]["options"]["indexConfig"]  # type: ignore[index]
    assert vector["vector.dimensions"] == 384
    assert vector["vector.similarity_function"].lower() == "cosine"


async def test_every_id_is_unique(graph: neo4j.AsyncDriver) -> None:
    records, _, _ = await graph.execute_query(
        "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
        "WHERE type = 'UNIQUENESS' AND properties = ['id'] RETURN labelsOrTypes[0] AS label"
    )
    assert set(UNIQUE_IDS) <= {r["label"] for r in records}
    await graph.execute_query("CREATE (:Entity {id: 'e1'})")
    with pytest.raises(neo4j.exceptions.ConstraintError):
        await graph.execute_query("CREATE (:Entity {id: 'e1'})")


async def test_rerun_is_a_no_op(graph: neo4j.AsyncDriver, services: Services) -> None:
    before = await _indexes(graph)
    assert await apply_migrations(graph, services.settings) == []
    assert await _indexes(graph) == before
    records, _, _ = await graph.execute_query("MATCH (m:Migration) RETURN count(m) AS n")
    assert records[0]["n"] == len(load_migrations(params={"embedding_dim": 384}))


async def test_an_edited_applied_migration_is_refused(
    graph: neo4j.AsyncDriver, services: Services, tmp_path: Path
) -> None:
    shutil.copytree(MIGRATIONS_DIR, tmp_path, dirs_exist_ok=True)
    first = sorted(tmp_path.glob("001_*.cypher"))[0]
    first.write_text(first.read_text() + "\n// edited after release\nRETURN 1;\n")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        await migrate(graph, "neo4j", load_migrations(tmp_path, params={"embedding_dim": 384}))


async def test_a_new_migration_is_applied_once(
    graph: neo4j.AsyncDriver, services: Services, tmp_path: Path
) -> None:
    shutil.copytree(MIGRATIONS_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "900_test_extra.cypher").write_text(
        "CREATE INDEX test_extra IF NOT EXISTS FOR (n:TestOnly) ON (n.x);\n"
    )
    try:
        migrations = load_migrations(tmp_path, params={"embedding_dim": 384})
        applied = await migrate(graph, "neo4j", migrations)
        assert [m.version for m in applied] == [900]
        assert await migrate(graph, "neo4j", migrations) == []
        assert "test_extra" in await _indexes(graph)
    finally:
        await graph.execute_query("DROP INDEX test_extra IF EXISTS")
        await graph.execute_query("MATCH (m:Migration {version: 900}) DELETE m")


async def test_old_relation_ids_are_rewritten_to_name_their_source(
    graph: neo4j.AsyncDriver,
) -> None:
    await graph.execute_query(
        "CREATE (a:Entity:Person {id: 'ent_a'})-[:KNOWS {id: 'rel_' + $h}]->"
        "(b:Entity:Person {id: 'ent_b'}) "
        "CREATE (b)-[:KNOWS {id: 'rel_ent_b_' + $h}]->(a)",
        h="0" * 24,
    )
    path = next(MIGRATIONS_DIR.glob("009_*.cypher"))
    for _ in range(2):  # applying it twice changes nothing more
        for statement in split_statements(path.read_text()):
            await graph.execute_query(statement)
    records, _, _ = await graph.execute_query(
        "MATCH (a)-[r:KNOWS]->() RETURN a.id AS a, r.id AS id ORDER BY a"
    )
    assert [(r["a"], r["id"]) for r in records] == [
        ("ent_a", "rel_ent_a_" + "0" * 24),
        ("ent_b", "rel_ent_b_" + "0" * 24),
    ]
    assert relation_anchor(records[0]["id"]) == "ent_a"
