"""Nested browsing costs a bounded number of Neo4j queries, whatever the page size (DataLoaders).

The count is the ``extensions.queries`` diagnostic every GraphQL response carries.
"""

from __future__ import annotations

from typing import Any

import neo4j

from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql
from tests.browse_data import GraphBuilder

NESTED = """query($first: Int) {
  entities(first: $first) {
    totalCount
    edges { node {
      name
      facts(first: 5) { totalCount edges { node { field value entity { name } } } }
      relations(first: 5) { totalCount edges { node { label source { name } target { name } } } }
      neighbors(first: 3) { edges { node { name } } }
    } }
  }
}"""


async def _queries(gql: Gql, token: str, query: str, **variables: Any) -> tuple[int, Any]:
    status, body = await gql(query, token, variables)
    assert status == 200
    assert "errors" not in body, body
    return body["extensions"]["queries"], body["data"]


async def test_a_nested_entity_page_costs_the_same_queries_at_10_and_100_entities(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    data = GraphBuilder(graph)
    ids = await data.entities("person", [f"Person {i:03d}" for i in range(100)])
    for i, entity in enumerate(ids):
        await data.facts(entity, "role", [f"role {i} {j}" for j in range(6)])
        await data.relate(entity, "knows", [ids[(i + k) % 100] for k in (1, 2, 3)])

    small, small_data = await _queries(gql, admin_token.secret, NESTED, first=10)
    large, large_data = await _queries(gql, admin_token.secret, NESTED, first=100)

    edges = large_data["entities"]["edges"]
    assert len(edges) == 100
    assert len(small_data["entities"]["edges"]) == 10
    assert all(len(e["node"]["facts"]["edges"]) == 5 for e in edges)
    assert all(e["node"]["facts"]["totalCount"] == 6 for e in edges)
    assert all(e["node"]["relations"]["totalCount"] == 6 for e in edges)  # 3 out, 3 in
    assert all(len(e["node"]["neighbors"]["edges"]) == 3 for e in edges)
    # One query per field level: the page, its count, facts, fact counts, relations,
    # relation counts, neighbours, and the entities at the ends of facts and relations (one
    # or two batches, as the event loop schedules them): never one per entity.
    assert small <= 9
    assert large <= 9


async def test_conversations_with_messages_cost_the_same_queries_at_any_page_size(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    data = GraphBuilder(graph)
    for i in range(30):
        await data.conversation(f"talk {i}", [f"message {j}" for j in range(4)])
    query = """query($first: Int) {
      conversations(first: $first) { edges { node {
        title messages(first: 3) { totalCount edges { node { seq conversation { title } } } }
      } } }
    }"""
    small, _ = await _queries(gql, admin_token.secret, query, first=3)
    large, large_data = await _queries(gql, admin_token.secret, query, first=30)
    assert len(large_data["conversations"]["edges"]) == 30
    for edge in large_data["conversations"]["edges"]:
        messages = edge["node"]["messages"]
        assert messages["totalCount"] == 4
        assert [m["node"]["seq"] for m in messages["edges"]] == [0, 1, 2]
        assert {m["node"]["conversation"]["title"] for m in messages["edges"]} == {
            edge["node"]["title"]
        }
    assert small <= 5
    assert large <= 5
