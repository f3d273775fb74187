"""Browsing: keyset connections, filters, node(id) and merged entities (DESIGN §6, adr/0008)."""

from __future__ import annotations

import base64
import json
from typing import Any

import neo4j

from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql, codes
from tests.browse_data import GraphBuilder, ent
from tests.conftest import Workers, wait_until

ENTITIES = """query($first: Int, $after: String, $type: String, $name: String) {
  entities(first: $first, after: $after, type: $type, nameContains: $name) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name type } }
  }
}"""


async def _ok(gql: Gql, token: str, query: str, **variables: Any) -> dict[str, Any]:
    status, body = await gql(query, token, variables)
    assert status == 200
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _walk(gql: Gql, token: str, size: int, **filters: Any) -> list[list[str]]:
    """Every page of entities(first: size), as lists of names."""
    pages: list[list[str]] = []
    after = None
    while True:
        conn = (await _ok(gql, token, ENTITIES, first=size, after=after, **filters))["entities"]
        pages.append([e["node"]["name"] for e in conn["edges"]])
        if not conn["pageInfo"]["hasNextPage"]:
            return pages
        after = conn["pageInfo"]["endCursor"]
        assert after == conn["edges"][-1]["cursor"]


async def test_entity_pages_list_every_active_entity_exactly_once(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    data = GraphBuilder(graph)
    people = await data.entities("person", [f"Person {i:02d}" for i in range(23)])
    await data.entities("organization", ["Acme", "Globex", "Initech"])
    await data.merge(people[0], people[1])
    await data.merge(people[2], people[1])

    pages = await _walk(gql, admin_token.secret, 5)
    names = [n for p in pages for n in p]
    expected = {f"Person {i:02d}" for i in range(3, 23)} | {"Person 01", "Acme", "Globex"}
    expected |= {"Initech"}
    assert len(names) == len(set(names)) == 24
    assert set(names) == expected
    assert [len(p) for p in pages] == [5, 5, 5, 5, 4]

    first = (await _ok(gql, admin_token.secret, ENTITIES, first=5))["entities"]
    assert first["totalCount"] == 24
    again = (
        await _ok(gql, admin_token.secret, ENTITIES, first=5, after=first["edges"][1]["cursor"])
    )["entities"]
    # The same cursor gives the same next rows: the page after the 2nd edge starts at the 3rd.
    assert [e["node"]["id"] for e in again["edges"][:3]] == [
        e["node"]["id"] for e in first["edges"][2:]
    ]


async def test_entity_filters_by_type_and_name(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    data = GraphBuilder(graph)
    await data.entities("person", ["Alice Martin", "Bob Stone", "Malik Ali"])
    await data.entities("organization", ["Alibaba", "Acme", "Globex", "Initech"])

    orgs = (await _ok(gql, admin_token.secret, ENTITIES, first=2, type="organization"))["entities"]
    assert orgs["totalCount"] == 4
    assert all(e["node"]["type"] == "organization" for e in orgs["edges"])
    assert sorted(
        n for p in await _walk(gql, admin_token.secret, 3, type="organization") for n in p
    ) == [
        "Acme",
        "Alibaba",
        "Globex",
        "Initech",
    ]

    found = (await _ok(gql, admin_token.secret, ENTITIES, first=10, name="ALI"))["entities"]
    assert sorted(e["node"]["name"] for e in found["edges"]) == [
        "Alibaba",
        "Alice Martin",
        "Malik Ali",
    ]
    assert found["totalCount"] == 3
    both = (await _ok(gql, admin_token.secret, ENTITIES, first=10, name="ali", type="person"))[
        "entities"
    ]
    assert sorted(e["node"]["name"] for e in both["edges"]) == ["Alice Martin", "Malik Ali"]


async def test_page_size_and_cursor_errors_are_bad_input(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    await GraphBuilder(graph).entities("person", ["Ana"])
    token = admin_token.secret
    for variables in (
        {"first": 101},
        {"first": -1},
        {"first": 5, "after": "not a cursor"},
        {"first": 5, "after": base64.urlsafe_b64encode(b'["entities", 7]').decode()},
    ):
        _, body = await gql(ENTITIES, token, variables)
        assert codes(body) == ["BAD_INPUT"], (variables, body)
        assert body["data"] is None

    conversations = await _ok(gql, token, "{ conversations(first: 1) { edges { cursor } } }")
    assert conversations["conversations"]["edges"] == []
    # A cursor of another list is refused rather than misread.
    facts_cursor = base64.urlsafe_b64encode(json.dumps(["facts", "fact_x"]).encode()).decode()
    _, body = await gql(ENTITIES, token, {"first": 5, "after": facts_cursor})
    assert codes(body) == ["BAD_INPUT"]
    _, body = await gql(
        "query($id: ID!) { entity(id: $id) { facts(first: 1000) { totalCount } } }",
        token,
        {"id": ent("person", "Ana")},
    )
    assert codes(body) == ["BAD_INPUT"]
    assert "at most 100" in body["errors"][0]["message"]


NODE = """query($id: ID!) {
  node(id: $id) {
    id
    __typename
    ... on Entity { name }
    ... on Fact { field value entity { name } }
    ... on Relation { label source { name } target { name } evidence }
    ... on Message { seq text conversation { id title } }
    ... on Conversation { title messageCount }
  }
}"""


async def test_node_resolves_every_kind_and_a_merged_entity_to_its_survivor(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    data = GraphBuilder(graph)
    token = admin_token.secret
    conv, msgs = await data.conversation("Launch", ["Ana works at Acme.", "Acme is in Lisbon."])
    ana, anna = await data.entities("person", ["Ana Silva", "Anna Silva"])
    (acme,) = await data.entities("organization", ["Acme"])
    (fact,) = await data.facts(anna, "role", ["engineer"])
    (rel,) = await data.relate(ana, "works_at", [acme], evidence=[msgs[0]])
    await data.merge(anna, ana)

    async def node(node_id: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = (await _ok(gql, token, NODE, id=node_id))["node"]
        return result

    assert await node(ana) == {"id": ana, "__typename": "Entity", "name": "Ana Silva"}
    assert await node(anna) == {"id": ana, "__typename": "Entity", "name": "Ana Silva"}
    entity = await _ok(gql, token, "query($id: ID!) { entity(id: $id) { id } }", id=anna)
    assert entity["entity"] == {"id": ana}
    assert await node(fact) == {
        "id": fact,
        "__typename": "Fact",
        "field": "role",
        "value": "engineer",
        "entity": {"name": "Ana Silva"},  # the fact moved with the merge
    }
    assert await node(rel) == {
        "id": rel,
        "__typename": "Relation",
        "label": "works_at",
        "source": {"name": "Ana Silva"},
        "target": {"name": "Acme"},
        "evidence": [msgs[0]],
    }
    assert await node(msgs[1]) == {
        "id": msgs[1],
        "__typename": "Message",
        "seq": 1,
        "text": "Acme is in Lisbon.",
        "conversation": {"id": conv, "title": "Launch"},
    }
    assert await node(conv) == {
        "id": conv,
        "__typename": "Conversation",
        "title": "Launch",
        "messageCount": 2,
    }
    assert await node("ent_" + "0" * 24) is None
    _, body = await gql(NODE, token, {"id": "job_123"})
    assert codes(body) == ["BAD_INPUT"]

    listed = (await _ok(gql, token, ENTITIES, first=10))["entities"]
    assert {e["node"]["id"] for e in listed["edges"]} == {ana, acme}


ENTITY = """query($id: ID!, $first: Int, $after: String, $direction: Direction!) {
  entity(id: $id) {
    name
    facts(first: $first) { totalCount edges { node { field value } } }
    relations(first: $first, direction: $direction) {
      totalCount edges { node { label source { name } target { name } } }
    }
    neighbors(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { name } }
    }
  }
}"""


async def test_entity_facts_relations_and_capped_neighbors(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    data = GraphBuilder(graph)
    token = admin_token.secret
    (hub,) = await data.entities("person", ["Hub"])
    others = await data.entities("person", [f"Friend {i:02d}" for i in range(30)])
    (acme,) = await data.entities("organization", ["Acme"])
    await data.relate(hub, "knows", others)
    await data.relate(hub, "works_at", [acme])
    await data.relate(others[0], "mentors", [hub])  # a second relation to the same neighbour
    await data.facts(hub, "role", ["engineer", "manager", "speaker"])

    names: list[str] = []
    after = None
    while True:
        entity = (await _ok(gql, token, ENTITY, id=hub, first=10, after=after, direction="OUT"))[
            "entity"
        ]
        neighbors = entity["neighbors"]
        assert len(neighbors["edges"]) <= 10  # capped at the page size
        names += [e["node"]["name"] for e in neighbors["edges"]]
        if not neighbors["pageInfo"]["hasNextPage"]:
            break
        after = neighbors["pageInfo"]["endCursor"]
    assert len(names) == len(set(names)) == 31  # Friend 00 once, though related twice
    assert neighbors["totalCount"] == 31

    assert entity["facts"]["totalCount"] == 3
    assert sorted(e["node"]["value"] for e in entity["facts"]["edges"]) == [
        "engineer",
        "manager",
        "speaker",
    ]
    assert entity["relations"]["totalCount"] == 31  # OUT: 30 knows + works_at
    assert all(e["node"]["source"]["name"] == "Hub" for e in entity["relations"]["edges"])
    incoming = (await _ok(gql, token, ENTITY, id=hub, first=10, direction="IN"))["entity"]
    assert incoming["relations"]["totalCount"] == 1
    assert incoming["relations"]["edges"][0]["node"] == {
        "label": "mentors",
        "source": {"name": "Friend 00"},
        "target": {"name": "Hub"},
    }
    both = (await _ok(gql, token, ENTITY, id=hub, first=10, direction="BOTH"))["entity"]
    assert both["relations"]["totalCount"] == 32


async def test_facts_and_relations_lists_with_filters(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    data = GraphBuilder(graph)
    token = admin_token.secret
    people = await data.entities("person", ["Ana", "Ben", "Carla", "Dan"])
    (acme,) = await data.entities("organization", ["Acme"])
    for person in people:
        await data.facts(person, "role", [f"role of {person}"])
        await data.facts(person, "city", ["Lisbon", "Porto"])
    await data.relate(people[0], "knows", people[1:])
    await data.relate(people[1], "knows", [people[2]])
    works = await data.relate(acme, "employs", people)
    await data.merge(people[3], people[2])  # Dan's facts move to Carla

    query = """query($first: Int, $after: String, $field: String, $entity: ID) {
      facts(first: $first, after: $after, field: $field, entityId: $entity) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id field entity { name } } }
      }
    }"""
    seen: list[str] = []
    after = None
    while True:
        conn = (await _ok(gql, token, query, first=5, after=after))["facts"]
        seen += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == conn["totalCount"] == 12
    cities = (await _ok(gql, token, query, first=50, field="city"))["facts"]
    assert cities["totalCount"] == 8
    assert {e["node"]["field"] for e in cities["edges"]} == {"city"}
    carla = (await _ok(gql, token, query, first=50, entity=people[3]))["facts"]
    assert carla["totalCount"] == 6  # asked by the merged id: the survivor's facts
    assert {e["node"]["entity"]["name"] for e in carla["edges"]} == {"Carla"}
    carla_cities = await _ok(gql, token, query, first=50, entity=people[2], field="city")
    assert carla_cities["facts"]["totalCount"] == 4
    _, body = await gql(query, token, {"entity": "ent_" + "0" * 24})
    assert codes(body) == ["NOT_FOUND"]

    relations = """query($first: Int, $after: String, $type: String) {
      relations(first: $first, after: $after, type: $type) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id label } }
      }
    }"""
    ids: list[str] = []
    after = None
    while True:
        conn = (await _ok(gql, token, relations, first=3, after=after))["relations"]
        ids += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(ids) == len(set(ids)) == conn["totalCount"] == 8
    employs = (await _ok(gql, token, relations, first=10, type="employs"))["relations"]
    assert sorted(e["node"]["id"] for e in employs["edges"]) == sorted(works)
    assert employs["totalCount"] == 4
    _, body = await gql(relations, token, {"type": "Not A Label!"})
    assert codes(body) == ["BAD_INPUT"]


async def test_conversations_newest_first_and_messages_in_seq_order(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    data = GraphBuilder(graph)
    token = admin_token.secret
    made = [
        await data.conversation(f"talk {i}", [f"t{i} m{j}" for j in range(12)]) for i in range(3)
    ]
    query = """query($first: Int, $after: String, $mAfter: String) {
      conversations(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id title messages(first: 5, after: $mAfter) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { seq text } } } } }
      }
    }"""
    first = (await _ok(gql, token, query, first=2))["conversations"]
    rest = (await _ok(gql, token, query, first=2, after=first["pageInfo"]["endCursor"]))[
        "conversations"
    ]
    titles = [e["node"]["title"] for e in first["edges"] + rest["edges"]]
    assert titles == ["talk 2", "talk 1", "talk 0"]
    assert first["totalCount"] == 3
    assert not rest["pageInfo"]["hasNextPage"]

    texts: list[str] = []
    seqs: list[int] = []
    after = None
    conv_id = made[0][0]
    messages_query = """query($id: ID!, $after: String) {
      conversation(id: $id) { messages(first: 5, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id seq text } } } }
    }"""
    while True:
        conn = (await _ok(gql, token, messages_query, id=conv_id, after=after))["conversation"][
            "messages"
        ]
        seqs += [e["node"]["seq"] for e in conn["edges"]]
        texts += [e["node"]["text"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seqs == list(range(12))
    assert texts == [f"t0 m{j}" for j in range(12)]
    assert conn["totalCount"] == 12


async def test_an_ingested_conversation_can_be_browsed(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken, workers: Workers
) -> None:
    workers.start()
    token = admin_token.secret
    lines = [
        ("Ana", "I work at Acme Corp in Lisbon."),
        ("Ben", "Ana Silva leads the platform team at Acme Corp."),
        ("Ana", "Ben Costa joined Globex last year."),
    ]
    status, body = await gql(
        "mutation($input: ConversationInput!) { ingestConversation(input: $input) { "
        "conversation { id } job { id } } }",
        token,
        {"input": {"title": "intro", "messages": [{"speaker": s, "text": t} for s, t in lines]}},
    )
    assert status == 200
    assert "errors" not in body, body
    conv = body["data"]["ingestConversation"]["conversation"]["id"]
    job = body["data"]["ingestConversation"]["job"]["id"]

    async def complete() -> bool:
        _, b = await gql("query($id: ID!) { job(id: $id) { status } }", token, {"id": job})
        return bool(b["data"]["job"]["status"] == "COMPLETE")

    await wait_until(complete, within=120, diagnose=workers.logs)
    data = await _ok(
        gql,
        token,
        """query($id: ID!) {
          node(id: $id) { ... on Conversation { messages(first: 10) {
            edges { node { seq speaker text } } } } }
          entities(first: 100) { totalCount edges { node { id name } } }
        }""",
        id=conv,
    )
    assert [
        (e["node"]["speaker"], e["node"]["text"]) for e in data["node"]["messages"]["edges"]
    ] == lines
    entities = data["entities"]
    assert entities["totalCount"] == len(entities["edges"]) > 0
    some = entities["edges"][0]["node"]
    assert (await _ok(gql, token, NODE, id=some["id"]))["node"]["name"] == some["name"]


async def test_a_relation_is_found_by_id_wherever_merges_have_moved_it(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    data = GraphBuilder(graph)
    token = admin_token.secret
    _, msgs = await data.conversation("Launch", ["Anna works at Acme."])
    ana, anna = await data.entities("person", ["Ana Silva", "Anna Silva"])
    (acme,) = await data.entities("organization", ["Acme"])
    (rel,) = await data.relate(anna, "works_at", [acme], evidence=[msgs[0]])
    merged = await _ok(
        gql,
        token,
        "mutation($s: ID!, $t: ID!) { mergeEntities(sourceId: $s, targetId: $t) { id } }",
        s=anna,
        t=ana,
    )
    moved = (await _ok(gql, token, NODE, id=rel))["node"]
    assert moved["source"] == {"name": "Ana Silva"}  # re-created on the survivor, same id
    explained = await _ok(
        gql,
        token,
        "query($id: ID!) { explain(id: $id) { messages { id } merges { sourceId status } } }",
        id=rel,
    )
    assert explained["explain"]["messages"] == [{"id": msgs[0]}]
    assert explained["explain"]["merges"] == [{"sourceId": anna, "status": "active"}]
    await _ok(
        gql,
        token,
        "mutation($m: ID!) { undoMerge(mergeId: $m) { id } }",
        m=merged["mergeEntities"]["id"],
    )
    back = (await _ok(gql, token, NODE, id=rel))["node"]
    assert back["source"] == {"name": "Anna Silva"}


async def test_a_forged_conversations_cursor_is_bad_input(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    forged = base64.urlsafe_b64encode(
        json.dumps(["conversations", "not a date", "conv_x"]).encode()
    ).decode()
    _, body = await gql(
        "query($a: String) { conversations(first: 5, after: $a) { totalCount } }",
        admin_token.secret,
        {"a": forged},
    )
    assert codes(body) == ["BAD_INPUT"]
