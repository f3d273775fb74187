"""Hot entities are served from the API's cache, and every write clears it."""

from __future__ import annotations

from typing import Any

import neo4j

from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql
from tests.api.test_resolution import _chat, _ingest_all, _wait_jobs
from tests.conftest import Workers

ENTITY = "query($id: ID!) { entity(id: $id) { id name aliases } }"


async def _entity(gql: Gql, token: str, entity_id: str) -> tuple[dict[str, Any], int]:
    _, body = await gql(ENTITY, token=token, variables={"id": entity_id})
    assert "errors" not in body, body
    return body["data"]["entity"], body["extensions"]["queries"]


async def test_entity_reads_are_cached_until_a_worker_or_a_merge_writes(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, worker: object, workers: Workers
) -> None:
    token = admin_token.secret
    await _ingest_all(gql, token, [_chat("one", [("Sam", "Katherine Moss lives in Porto.")])])
    await _wait_jobs(graph, 1, workers, within=120)
    records, _, _ = await graph.execute_query(
        "MATCH (e:Person {name: 'Katherine Moss'}) RETURN e.id AS id"
    )
    kate = records[0]["id"]

    first, queries = await _entity(gql, token, kate)
    assert first["aliases"] == []
    assert queries == 1
    again, queries = await _entity(gql, token, kate)
    assert (again, queries) == (first, 0)  # served from the cache

    # A worker's write (a new alias) is seen at once, well within the cache's 60 s.
    await _ingest_all(gql, token, [_chat("two", [("Sam", "Katharine Moss moved to Lyon.")])])
    await _wait_jobs(graph, 2, workers, within=120)
    later, queries = await _entity(gql, token, kate)
    assert later["aliases"] == ["Katharine Moss"]
    assert queries == 1

    # So is a merge made through the API: the merged id now answers with its survivor.
    records, _, _ = await graph.execute_query(
        "MATCH (e:Place) WHERE e.name IN ['Porto', 'Lyon'] RETURN e.name AS n, e.id AS id"
    )
    places = {r["n"]: r["id"] for r in records}
    lyon, _ = await _entity(gql, token, places["Lyon"])
    assert lyon["name"] == "Lyon"
    _, body = await gql(
        "mutation($s: ID!, $t: ID!) { mergeEntities(sourceId: $s, targetId: $t) { id } }",
        token=token,
        variables={"s": places["Lyon"], "t": places["Porto"]},
    )
    assert "errors" not in body, body
    merged, _ = await _entity(gql, token, places["Lyon"])
    assert merged["name"] == "Porto"
