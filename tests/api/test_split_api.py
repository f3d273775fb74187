"""splitEntity / undoSplit over GraphQL: what moves, the exact undo, the records, error codes."""

from __future__ import annotations

import random
from typing import Any

import neo4j

from app.graph.tokens import Scope, TokenStore
from tests.api.conftest import Gql, codes
from tests.graphbuild import build_random_graph, snapshot

FIELDS = (
    "id entityId newEntityId name status createdAt undoneAt movedFacts movedRelations movedMentions"
)
SPLIT = f"""
mutation($input: SplitEntityInput!) {{
  splitEntity(input: $input) {{ {FIELDS} newEntity {{ id name type facts(first: 100) {{
    totalCount edges {{ node {{ id value }} }} }} }} }}
}}"""
UNDO = f"mutation($s: ID!) {{ undoSplit(splitId: $s) {{ {FIELDS} newEntity {{ id }} }} }}"
LIST = "query($e: ID!) { splits(entityId: $e) { id status newEntityId } }"
ENTITY = """
query($id: ID!) { entity(id: $id) { id type facts(first: 100) { totalCount }
  relations(first: 100) { totalCount edges { node { id } } } } }"""
MERGE = "mutation($s: ID!, $t: ID!) { mergeEntities(sourceId: $s, targetId: $t) { id } }"


async def _owned(graph: neo4j.AsyncDriver, entity_id: str) -> dict[str, list[str]]:
    records, _, _ = await graph.execute_query(
        "MATCH (e:Entity {id: $id}) RETURN "
        "[(e)-[:HAS_FACT]->(f) | f.id] AS facts, "
        "[(e)-[:MENTIONED_IN]->(m) | m.id] AS messages, "
        "COLLECT { MATCH (e)-[r]-(:Entity) WHERE r.id IS NOT NULL RETURN DISTINCT r.id } "
        "  AS relations",
        id=entity_id,
    )
    return {k: sorted(records[0][k]) for k in ("facts", "messages", "relations")}


async def _without_splits(graph: neo4j.AsyncDriver) -> dict[str, Any]:
    state = await snapshot(graph)
    nodes = {k: v for k, v in state["nodes"].items() if "Split" not in v[0]}
    return {"nodes": nodes, "relationships": state["relationships"]}


async def _richest(graph: neo4j.AsyncDriver, ids: list[str]) -> str:
    """The entity with the most facts and relations, so a split has something to take."""
    owned = {i: await _owned(graph, i) for i in ids}
    return max(ids, key=lambda i: (len(owned[i]["facts"]) + len(owned[i]["relations"]), i))


async def test_split_moves_the_chosen_items_and_undo_restores_them(
    gql: Gql, graph: neo4j.AsyncDriver, tokens: TokenStore
) -> None:
    built = await build_random_graph(graph, random.Random(21))
    writer = (await tokens.create("writer", Scope.WRITE)).secret
    entity = await _richest(graph, built.entity_ids)
    before = await _without_splits(graph)
    owned = await _owned(graph, entity)
    facts, relations = owned["facts"][:2], owned["relations"][:1]
    messages = owned["messages"][:1]
    assert facts, owned
    assert relations, owned
    assert messages, owned

    _, body = await gql(
        SPLIT,
        writer,
        {
            "input": {
                "entity": entity,
                "name": "Sam Other",
                "facts": facts,
                "relations": relations,
                "messages": messages,
            }
        },
    )
    assert "errors" not in body, body
    split = body["data"]["splitEntity"]
    new_id = split["newEntityId"]
    assert (split["entityId"], split["name"], split["status"]) == (entity, "Sam Other", "ACTIVE")
    assert (split["movedFacts"], split["movedRelations"], split["movedMentions"]) == (2, 1, 1)
    new_entity = split["newEntity"]
    assert new_entity["name"] == "Sam Other"
    assert sorted(e["node"]["id"] for e in new_entity["facts"]["edges"]) == facts

    # The facts, the relation and the mention left the original for the new entity.
    after, moved = await _owned(graph, entity), await _owned(graph, new_id)
    assert set(facts).isdisjoint(after["facts"])
    assert sorted(set(owned["facts"]) - set(facts)) == after["facts"]
    assert moved["messages"] == messages
    assert messages[0] not in after["messages"]
    assert relations[0] not in after["relations"]
    assert len(moved["relations"]) == 1
    _, body = await gql(ENTITY, writer, {"id": entity})
    assert body["data"]["entity"]["facts"]["totalCount"] == len(owned["facts"]) - 2
    _, body = await gql(ENTITY, writer, {"id": new_id})
    assert body["data"]["entity"]["type"] == new_entity["type"]
    assert body["data"]["entity"]["relations"]["totalCount"] == 1

    # Both entities list the split in their history.
    for entity_id in (entity, new_id):
        _, body = await gql(LIST, writer, {"e": entity_id})
        assert [(s["id"], s["status"]) for s in body["data"]["splits"]] == [(split["id"], "ACTIVE")]

    _, body = await gql(UNDO, writer, {"s": split["id"]})
    undone = body["data"]["undoSplit"]
    assert undone["status"] == "UNDONE"
    assert undone["undoneAt"] is not None
    assert undone["newEntity"] is None
    assert await _without_splits(graph) == before
    _, body = await gql(LIST, writer, {"e": entity})
    assert [s["status"] for s in body["data"]["splits"]] == ["UNDONE"]
    _, body = await gql(UNDO, writer, {"s": split["id"]})
    assert codes(body) == ["BAD_INPUT"]


async def test_a_split_entity_merged_since_cannot_be_undone_until_the_merge_is(
    gql: Gql, graph: neo4j.AsyncDriver, tokens: TokenStore
) -> None:
    built = await build_random_graph(graph, random.Random(22))
    writer = (await tokens.create("writer", Scope.WRITE)).secret
    entity = await _richest(graph, built.entity_ids)
    other = next(i for i in built.entity_ids if i != entity)
    before = await _without_splits(graph)
    fact = (await _owned(graph, entity))["facts"][0]
    _, body = await gql(SPLIT, writer, {"input": {"entity": entity, "name": "X", "facts": [fact]}})
    split = body["data"]["splitEntity"]
    _, body = await gql(MERGE, writer, {"s": split["newEntityId"], "t": other})
    merge_id = body["data"]["mergeEntities"]["id"]

    _, body = await gql(UNDO, writer, {"s": split["id"]})
    assert codes(body) == ["CONFLICT"]
    assert merge_id in body["errors"][0]["message"]
    await gql("mutation($m: ID!) { undoMerge(mergeId: $m) { id } }", writer, {"m": merge_id})
    _, body = await gql(UNDO, writer, {"s": split["id"]})
    assert body["data"]["undoSplit"]["status"] == "UNDONE"
    state = await _without_splits(graph)
    # The merge and its undo leave the Merge record only (not in the snapshot).
    assert state == before


async def test_bad_split_input_gets_a_stable_code_and_changes_nothing(
    gql: Gql, graph: neo4j.AsyncDriver, tokens: TokenStore
) -> None:
    built = await build_random_graph(graph, random.Random(23))
    writer = (await tokens.create("writer", Scope.WRITE)).secret
    reader = (await tokens.create("reader", Scope.READ)).secret
    entity = await _richest(graph, built.entity_ids)
    everyone = {i: await _owned(graph, i) for i in built.entity_ids}
    owned = everyone[entity]
    other, third = [i for i in built.entity_ids if i != entity and everyone[i]["facts"]][:2]
    foreign_fact, third_fact = everyone[other]["facts"][0], everyone[third]["facts"][0]
    unmentioned = next(m for m in built.message_ids if m not in owned["messages"])
    _, body = await gql(MERGE, writer, {"s": other, "t": entity})
    assert "errors" not in body, body
    owned = await _owned(graph, entity)
    state = await _without_splits(graph)

    def split(**fields: Any) -> dict[str, Any]:
        return {"input": {"entity": entity, "name": "New One", **fields}}

    cases = [
        (split(), "BAD_INPUT"),  # nothing chosen
        (split(facts=[], relations=[], messages=[]), "BAD_INPUT"),
        ({"input": {"entity": entity, "name": "  ", "facts": owned["facts"][:1]}}, "BAD_INPUT"),
        (split(facts=[owned["facts"][0], owned["facts"][0]]), "BAD_INPUT"),
        ({"input": {"entity": "ent_missing", "name": "A", "facts": owned["facts"][:1]}},
         "NOT_FOUND"),
        (split(facts=["fact_missing"]), "NOT_FOUND"),
        (split(messages=["msg_missing"]), "NOT_FOUND"),
        (split(relations=["rel_missing"]), "NOT_FOUND"),
        (split(messages=[unmentioned]), "BAD_INPUT"),  # a message that does not mention it
        # the merged-away entity: its survivor is the one to split
        ({"input": {"entity": other, "name": "A", "facts": [foreign_fact]}}, "BAD_INPUT"),
        (split(facts=[third_fact]), "BAD_INPUT"),  # another entity's fact
    ]  # fmt: skip
    for variables, code in cases:
        _, body = await gql(SPLIT, writer, variables)
        assert codes(body) == [code], (variables, body)
        assert body["data"] is None
    assert await _without_splits(graph) == state

    _, body = await gql(SPLIT, reader, split(facts=owned["facts"][:1]))
    assert codes(body) == ["FORBIDDEN"]
    _, body = await gql(UNDO, writer, {"s": "spl_missing"})
    assert codes(body) == ["NOT_FOUND"]
    assert await _without_splits(graph) == state
