"""People are scoped to their conversation unless corroborated (issue 14, ADR 0015): the real
worker resolves, the API lists what it kept apart."""

from __future__ import annotations

import json
from typing import Any

import neo4j

from app.graph.integrity import check
from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql
from tests.conftest import Workers, wait_until

INGEST = """
mutation($input: ConversationInput!) {
  ingestConversation(input: $input) { conversation { id } job { id } }
}"""
POSSIBLY_SAME = """
query($id: ID!) { entity(id: $id) { id name
  possiblySame { score rule reason entity { id name } } } }"""
DONE = "MATCH (j:Job) WHERE j.status IN ['complete', 'failed'] RETURN count(j) AS n"


def _chat(title: str, lines: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "title": title,
        "origin": "test",
        "messages": [{"speaker": s, "text": t} for s, t in lines],
    }


async def _ingest(
    gql: Gql, token: str, graph: neo4j.AsyncDriver, workers: Workers, chat: dict[str, Any]
) -> str:
    _, body = await gql(INGEST, token=token, variables={"input": chat})
    assert "errors" not in body, body
    records, _, _ = await graph.execute_query(DONE)
    expected = records[0]["n"] + 1

    async def done() -> bool:
        records, _, _ = await graph.execute_query(DONE)
        return bool(records[0]["n"] >= expected)

    await wait_until(done, within=180, interval=0.5, diagnose=workers.logs)
    records, _, _ = await graph.execute_query(
        "MATCH (j:Job) WHERE j.status <> 'complete' RETURN j.error_message AS e"
    )
    assert not records, [dict(r) for r in records]
    return str(body["data"]["ingestConversation"]["conversation"]["id"])


async def _people(graph: neo4j.AsyncDriver, name: str) -> list[dict[str, Any]]:
    """Active people answering to ``name``, with the conversations that mention them."""
    records, _, _ = await graph.execute_query(
        "MATCH (e:Person) WHERE NOT e:Merged AND e.name = $name "
        "RETURN e.id AS id, COLLECT { MATCH (e)-[:MENTIONED_IN]->(m) "
        "  RETURN DISTINCT m.conversation_id } AS conversations, "
        "COLLECT { MATCH (e)-[:HAS_FACT]->(f) RETURN f.value } AS facts ORDER BY id",
        name=name,
    )
    return [dict(r) for r in records]


async def _decision(graph: neo4j.AsyncDriver, conversation: str, mention: str) -> dict[str, Any]:
    records, _, _ = await graph.execute_query(
        "MATCH (r:Resolution {source_id: $c, mention: $m}) "
        "RETURN r.outcome AS outcome, r.reason AS reason, r.features AS features",
        c=conversation,
        m=mention,
    )
    assert len(records) == 1, [dict(r) for r in records]
    return dict(records[0])


async def test_a_first_name_in_two_unrelated_conversations_stays_two_people(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, worker: object, workers: Workers
) -> None:
    token = admin_token.secret
    dancer = await _ingest(
        gql,
        token,
        graph,
        workers,
        _chat(
            "dance",
            [
                ("Sam", "I dance salsa every Friday at the studio."),
                ("Ines", "Nice, Sam! I live in Lisbon now."),
            ],
        ),
    )
    player = await _ingest(
        gql,
        token,
        graph,
        workers,
        _chat(
            "hoops",
            [
                ("Sam", "I play basketball on Tuesdays."),
                ("Omar", "Cool. I work at Orbital Games."),
            ],
        ),
    )
    people = await _people(graph, "Sam")
    assert len(people) == 2, people
    assert sorted(p["conversations"] for p in people) == sorted([[dancer], [player]])

    # Each lists the other as possibly the same person, with the score and the reason.
    for me, other in (people, people[::-1]):
        _, body = await gql(POSSIBLY_SAME, token=token, variables={"id": me["id"]})
        listed = body["data"]["entity"]["possiblySame"]
        assert [p["entity"]["id"] for p in listed] == [other["id"]], body
        assert listed[0]["score"] == 1.0
        assert listed[0]["rule"] == "exact"
        assert "one-word name 'sam'" in listed[0]["reason"]

    decision = await _decision(graph, player, "Sam")
    assert decision["outcome"] == "kept_apart"
    assert "from another source" in decision["reason"]
    assert json.loads(decision["features"])["kept_apart"] == 1.0
    assert await check(graph, "neo4j") == []


async def test_the_same_person_speaking_in_two_conversations_with_the_same_dog_is_one(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, worker: object, workers: Workers
) -> None:
    token = admin_token.secret
    first = await _ingest(
        gql,
        token,
        graph,
        workers,
        _chat(
            "vet",
            [
                ("Priya Natarajan", "I took my dog Biscuit to the vet today."),
                ("Leo", "Oh no, is Biscuit ok?"),
            ],
        ),
    )
    second = await _ingest(
        gql,
        token,
        graph,
        workers,
        _chat(
            "park",
            [
                ("Priya Natarajan", "Walked my dog Biscuit in the park this morning."),
                ("Maya", "Say hi to Biscuit from me!"),
            ],
        ),
    )
    people = await _people(graph, "Priya Natarajan")
    assert len(people) == 1, people
    assert sorted(people[0]["conversations"]) == sorted([first, second])
    decision = await _decision(graph, second, "Priya Natarajan")
    assert decision["outcome"] == "matched"
    assert "corroborated" in decision["reason"]
    assert "Biscuit".casefold() in decision["reason"].casefold()


async def test_a_full_name_with_nothing_else_in_common_is_kept_apart(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, worker: object, workers: Workers
) -> None:
    token = admin_token.secret
    await _ingest(
        gql,
        token,
        graph,
        workers,
        _chat("a", [("Nadia", "Jordan Blake coaches the volleyball team."), ("Kim", "Wow.")]),
    )
    second = await _ingest(
        gql,
        token,
        graph,
        workers,
        _chat("b", [("Hugo", "Jordan Blake volunteers with veterans."), ("Zoe", "Lovely.")]),
    )
    people = await _people(graph, "Jordan Blake")
    assert len(people) == 2, people
    decision = await _decision(graph, second, "Jordan Blake")
    assert decision["outcome"] == "kept_apart"
    assert "is all they share" in decision["reason"]
    _, body = await gql(POSSIBLY_SAME, token=token, variables={"id": people[0]["id"]})
    assert [p["entity"]["id"] for p in body["data"]["entity"]["possiblySame"]] == [people[1]["id"]]
