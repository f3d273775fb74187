"""mergeEntities / undoMerge over GraphQL: write scope, stable error codes, merge records."""

from __future__ import annotations

import random

import neo4j

from app.graph.tokens import Scope, TokenStore
from tests.api.conftest import Gql, codes
from tests.conftest import Services
from tests.graphbuild import build_random_graph, snapshot

FIELDS = "id sourceId targetId status createdAt undoneAt movedFacts movedRelations movedMentions"
MERGE = f"mutation($s: ID!, $t: ID!) {{ mergeEntities(sourceId: $s, targetId: $t) {{ {FIELDS} }} }}"
UNDO = f"mutation($m: ID!) {{ undoMerge(mergeId: $m) {{ {FIELDS} }} }}"
GET = f"query($m: ID!) {{ merge(id: $m) {{ {FIELDS} }} }}"
LIST = "query($e: ID!) { merges(entityId: $e) { id status } }"


async def _facts_of(driver: neo4j.AsyncDriver, entity_id: str) -> int:
    records, _, _ = await driver.execute_query(
        "MATCH (:Entity {id: $id})-[:HAS_FACT]->(f) RETURN count(f) AS n", id=entity_id
    )
    return int(records[0]["n"])


async def test_merge_and_undo_through_the_api(
    gql: Gql, graph: neo4j.AsyncDriver, tokens: TokenStore
) -> None:
    await build_random_graph(graph, random.Random(11))
    writer = (await tokens.create("writer", Scope.WRITE)).secret
    before = await snapshot(graph)
    source_facts = await _facts_of(graph, "ent_0")
    facts = source_facts + await _facts_of(graph, "ent_1")

    _, body = await gql(MERGE, writer, {"s": "ent_0", "t": "ent_1"})
    merged = body["data"]["mergeEntities"]
    assert merged["status"] == "ACTIVE"
    assert (merged["sourceId"], merged["targetId"]) == ("ent_0", "ent_1")
    assert merged["undoneAt"] is None
    assert merged["movedFacts"] == source_facts
    assert await _facts_of(graph, "ent_1") == facts
    assert await _facts_of(graph, "ent_0") == 0

    _, body = await gql(MERGE, writer, {"s": "ent_1", "t": "ent_2"})
    second = body["data"]["mergeEntities"]
    _, body = await gql(LIST, writer, {"e": "ent_1"})
    assert [m["id"] for m in body["data"]["merges"]] == [second["id"], merged["id"]]

    _, body = await gql(UNDO, writer, {"m": merged["id"]})
    assert codes(body) == ["CONFLICT"]
    assert second["id"] in body["errors"][0]["message"]

    for merge_id in (second["id"], merged["id"]):
        _, body = await gql(UNDO, writer, {"m": merge_id})
        assert body["data"]["undoMerge"]["status"] == "UNDONE"
        assert body["data"]["undoMerge"]["undoneAt"] is not None
    assert await snapshot(graph) == before

    _, body = await gql(GET, writer, {"m": merged["id"]})
    assert body["data"]["merge"]["status"] == "UNDONE"
    _, body = await gql(GET, writer, {"m": "mrg_unknown"})
    assert body["data"]["merge"] is None
    _, body = await gql(UNDO, writer, {"m": merged["id"]})
    assert codes(body) == ["BAD_INPUT"]


async def test_error_codes(gql: Gql, graph: neo4j.AsyncDriver, tokens: TokenStore) -> None:
    await build_random_graph(graph, random.Random(12))
    writer = (await tokens.create("writer", Scope.WRITE)).secret
    _, body = await gql(MERGE, writer, {"s": "ent_0", "t": "ent_1"})
    assert body["data"]["mergeEntities"]["status"] == "ACTIVE"
    state = await snapshot(graph)

    cases = [
        (MERGE, {"s": "ent_2", "t": "ent_2"}, "BAD_INPUT"),
        (MERGE, {"s": "ent_2", "t": "ent_missing"}, "NOT_FOUND"),
        (MERGE, {"s": "ent_2", "t": "ent_0"}, "BAD_INPUT"),  # ent_0 is merged
        (UNDO, {"m": "mrg_missing"}, "NOT_FOUND"),
    ]
    for query, variables, code in cases:
        _, body = await gql(query, writer, variables)
        assert codes(body) == [code], (variables, body)
        assert body["data"] is None
    assert await snapshot(graph) == state


async def test_read_scope_cannot_merge_but_can_read(
    gql: Gql, graph: neo4j.AsyncDriver, tokens: TokenStore
) -> None:
    await build_random_graph(graph, random.Random(13))
    reader = (await tokens.create("reader", Scope.READ)).secret
    writer = (await tokens.create("writer", Scope.WRITE)).secret
    before = await snapshot(graph)

    _, body = await gql(MERGE, reader, {"s": "ent_0", "t": "ent_1"})
    assert codes(body) == ["FORBIDDEN"]
    assert await snapshot(graph) == before
    status, body = await gql(MERGE, None, {"s": "ent_0", "t": "ent_1"})
    assert (status, codes(body)) == (401, ["UNAUTHENTICATED"])
    assert await snapshot(graph) == before

    _, body = await gql(MERGE, writer, {"s": "ent_0", "t": "ent_1"})
    merge_id = body["data"]["mergeEntities"]["id"]
    _, body = await gql(UNDO, reader, {"m": merge_id})
    assert codes(body) == ["FORBIDDEN"]
    _, body = await gql(GET, reader, {"m": merge_id})
    assert body["data"]["merge"]["status"] == "ACTIVE"
    _, body = await gql(LIST, reader, {"e": "ent_0"})
    assert [m["id"] for m in body["data"]["merges"]] == [merge_id]


async def test_corrections_work_right_after_a_redis_restart(
    gql: Gql, graph: neo4j.AsyncDriver, tokens: TokenStore, services: Services
) -> None:
    """The API's pooled Redis connections die with a restart; a merge (which takes the write
    lock in Redis) must not fail on one of them."""
    await build_random_graph(graph, random.Random(5))
    token = (await tokens.create("writer", Scope.WRITE)).secret
    _, body = await gql(MERGE, token, {"s": "ent_0", "t": "ent_1"})
    assert "errors" not in body, body
    services.stop_redis()
    services.start_redis()
    _, body = await gql(MERGE, token, {"s": "ent_2", "t": "ent_3"})
    assert "errors" not in body, body
    _, body = await gql(UNDO, token, {"m": body["data"]["mergeEntities"]["id"]})
    assert "errors" not in body, body
