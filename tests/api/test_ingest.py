"""Ingest returns at once; a worker turns the conversation into cited knowledge, live."""

from __future__ import annotations

import asyncio
import json
import subprocess
from typing import Any

import neo4j
import websockets

from app.graph.integrity import check
from app.graph.tokens import IssuedToken, Scope, TokenStore
from tests.api.conftest import Gql, codes
from tests.conftest import Workers, wait_until

INGEST = """
mutation($input: ConversationInput!) {
  ingestConversation(input: $input) {
    created
    conversation { id title messageCount }
    job { id status stage progress }
  }
}"""

CHAT = {
    "title": "Catching up",
    "origin": "test",
    "messages": [
        {
            "speaker": "Ana Costa",
            "text": "Hi Ben! I finally started my new job, I work as a nurse now.",
            "timestamp": "2024-03-01T10:00:00Z",
            "externalId": "chat-1",
        },
        {
            "speaker": "Ben Okafor",
            "text": "Congrats Ana! My sister Maria is a nurse too, she lives in Lisbon.",
            "timestamp": "2024-03-01T10:01:00Z",
        },
        {
            "speaker": "Ana Costa",
            "text": "Nice. I live in Porto and I work at Hospital Santo António.",
            "timestamp": "2024-03-01T10:02:00Z",
        },
        {
            "speaker": "Ben Okafor",
            "text": "I'm allergic to peanuts, so no cake for me at your party.",
            "timestamp": "2024-03-01T10:03:00Z",
        },
    ],
}


async def _counts(driver: neo4j.AsyncDriver) -> dict[str, int]:
    records, _, _ = await driver.execute_query(
        "CALL { MATCH (n) RETURN count(n) AS nodes } CALL { MATCH ()-[r]->() RETURN count(r) AS rels } "
        "RETURN nodes, rels"
    )
    return dict(records[0])


async def test_ingest_returns_pending_job_and_is_idempotent(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver
) -> None:
    _, body = await gql(INGEST, token=admin_token.secret, variables={"input": CHAT})
    payload = body["data"]["ingestConversation"]
    assert payload["created"] is True
    assert payload["conversation"]["messageCount"] == 4
    assert payload["job"]["status"] == "PENDING"
    before = await _counts(graph)

    renamed = {**CHAT, "title": "Same content, other title"}
    _, body = await gql(INGEST, token=admin_token.secret, variables={"input": renamed})
    again = body["data"]["ingestConversation"]
    assert again["created"] is False
    assert again["conversation"]["id"] == payload["conversation"]["id"]
    assert again["job"]["id"] == payload["job"]["id"]
    assert await _counts(graph) == before


async def test_bad_input_names_the_message(gql: Gql, admin_token: IssuedToken) -> None:
    broken = {**CHAT, "messages": [CHAT["messages"][0], {**CHAT["messages"][1], "text": "  "}]}
    _, body = await gql(INGEST, token=admin_token.secret, variables={"input": broken})
    assert codes(body) == ["BAD_INPUT"]
    assert "messages[1].text" in body["errors"][0]["message"]

    _, body = await gql(
        INGEST, token=admin_token.secret, variables={"input": {**CHAT, "messages": []}}
    )
    assert codes(body) == ["BAD_INPUT"]

    huge = {**CHAT, "messages": [{"speaker": "A", "text": "x" * 50_001}]}
    _, body = await gql(INGEST, token=admin_token.secret, variables={"input": huge})
    assert codes(body) == ["BAD_INPUT"]
    assert "messages[0].text" in body["errors"][0]["message"]

    _, body = await gql(
        '{ conversation(id: "conv_missing") { id } job(id: "job_missing") { id } }',
        token=admin_token.secret,
    )
    assert body["data"] == {"conversation": None, "job": None}


async def _progress_events(api_url: str, token: str, job_id: str) -> list[dict[str, Any]]:
    url = api_url.replace("http://", "ws://") + "/graphql"
    events: list[dict[str, Any]] = []
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        query = "subscription($id: ID!) { jobProgress(jobId: $id) { status stage progress errorMessage } }"
        await ws.send(
            json.dumps(
                {
                    "id": "p",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": {"id": job_id}},
                }
            )
        )
        while True:
            async with asyncio.timeout(120):  # a job that never ends fails here, not by hanging
                message = json.loads(await ws.recv())
            if message["type"] == "complete":
                return events
            assert message["type"] == "next", message
            events.append(message["payload"]["data"]["jobProgress"])


async def test_job_progress_reaches_complete_and_knowledge_cites_messages(
    gql: Gql,
    admin_token: IssuedToken,
    graph: neo4j.AsyncDriver,
    api_url: str,
    worker: subprocess.Popen[bytes],
) -> None:
    _, body = await gql(INGEST, token=admin_token.secret, variables={"input": CHAT})
    payload = body["data"]["ingestConversation"]
    conv_id, job_id = payload["conversation"]["id"], payload["job"]["id"]

    events = await _progress_events(api_url, admin_token.secret, job_id)
    assert events[-1]["status"] == "COMPLETE"
    assert events[-1]["progress"] == 1.0
    assert len(events) >= 2, "the stored snapshot first, then live changes"
    progress = [e["progress"] for e in events]
    assert progress == sorted(progress), "progress never goes backwards"

    _, body = await gql(
        "query($id: ID!) { conversation(id: $id) { status jobs { id status stage attempts "
        "startedAt completedAt extractor } } }",
        token=admin_token.secret,
        variables={"id": conv_id},
    )
    conversation = body["data"]["conversation"]
    assert conversation["status"] == "COMPLETE"
    (job,) = conversation["jobs"]
    assert job["stage"] == "done"
    assert job["attempts"] == 1
    assert job["startedAt"] <= job["completedAt"]

    speakers, _, _ = await graph.execute_query(
        "MATCH (e:Entity:Person) WHERE e.name IN ['Ana Costa', 'Ben Okafor'] RETURN count(e) AS n"
    )
    assert speakers[0]["n"] == 2, "each speaker is one Person entity"
    facts, _, _ = await graph.execute_query(
        "MATCH (e:Entity)-[:HAS_FACT]->(f:Fact) OPTIONAL MATCH (f)-[:FROM]->(m:Message) "
        "RETURN f.field AS field, f.value AS value, collect(m.conversation_id) AS cited"
    )
    assert facts, "facts were extracted"
    assert all(r["cited"] == [conv_id] * len(r["cited"]) and r["cited"] for r in facts)
    relations, _, _ = await graph.execute_query(
        "MATCH (:Entity)-[r]->(:Entity) RETURN type(r) AS type, r.evidence AS evidence"
    )
    assert relations, "relations were extracted"
    message_ids, _, _ = await graph.execute_query(
        "MATCH (m:Message {conversation_id: $id}) RETURN collect(m.id) AS ids", id=conv_id
    )
    assert all(set(r["evidence"]) <= set(message_ids[0]["ids"]) for r in relations)
    chain, _, _ = await graph.execute_query(
        "MATCH (c:Conversation {id: $id})-[:HAS_MESSAGE]->(m) "
        "OPTIONAL MATCH (m)-[:NEXT]->(n) RETURN m.seq AS seq, n.seq AS next, m.speaker AS speaker, "
        "m.text AS text, m.timestamp AS ts, m.external_id AS external_id ORDER BY seq",
        id=conv_id,
    )
    assert [(r["seq"], r["next"]) for r in chain] == [(0, 1), (1, 2), (2, 3), (3, None)]
    first = chain[0]
    assert (first["speaker"], first["text"], first["external_id"]) == (
        "Ana Costa",
        CHAT["messages"][0]["text"],
        "chat-1",
    )
    assert first["ts"].to_native().isoformat() == "2024-03-01T10:00:00+00:00"
    staged, _, _ = await graph.execute_query("MATCH (s:StagedMessages) RETURN count(s) AS n")
    assert staged[0]["n"] == 0, "the staged copy is gone once messages are stored"
    assert await check(graph, "neo4j") == [], "the pipeline leaves a graph that passes `check`"
    embedded, _, _ = await graph.execute_query(
        "MATCH (m:Message {conversation_id: $id}) WHERE m.embedding IS NOT NULL RETURN count(m) AS n",
        id=conv_id,
    )
    assert embedded[0]["n"] == 4

    before = await _counts(graph)
    _, body = await gql(INGEST, token=admin_token.secret, variables={"input": CHAT})
    assert body["data"]["ingestConversation"]["created"] is False
    await wait_until(_quiet(graph, before), within=3)


def _quiet(graph: neo4j.AsyncDriver, before: dict[str, int]):  # type: ignore[no-untyped-def]
    async def unchanged() -> bool:
        return await _counts(graph) == before

    return unchanged


async def test_retry_of_a_job_that_did_not_fail_is_bad_input(
    gql: Gql, admin_token: IssuedToken
) -> None:
    _, body = await gql(INGEST, token=admin_token.secret, variables={"input": CHAT})
    job_id = body["data"]["ingestConversation"]["job"]["id"]
    _, body = await gql(
        "mutation($id: ID!) { retryJob(id: $id) { status } }",
        token=admin_token.secret,
        variables={"id": job_id},
    )
    assert codes(body) == ["BAD_INPUT"]
    assert "only a FAILED job" in body["errors"][0]["message"]


async def test_one_person_across_conversations_is_one_entity(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, workers: Workers
) -> None:
    workers.start()
    first = {
        "title": "Monday",
        "messages": [
            {"speaker": "Ben Okafor", "text": "Emma Wilson told me she moved to Lyon."},
            {"speaker": "Carla Mendes", "text": "Emma is a nurse there now, right?"},
        ],
    }
    second = {
        "title": "Friday",
        "messages": [
            {"speaker": "Emma Wilson", "text": "Hi all, I work at Hospital Edouard Herriot now."},
            {"speaker": "Ben Okafor", "text": "Great news, Emma!"},
        ],
    }
    job_ids = []
    for conversation in (first, second):
        _, body = await gql(INGEST, token=admin_token.secret, variables={"input": conversation})
        job_ids.append(body["data"]["ingestConversation"]["job"]["id"])

    async def all_complete() -> bool:
        for job_id in job_ids:
            _, body = await gql(
                "query($id: ID!) { job(id: $id) { status } }",
                token=admin_token.secret,
                variables={"id": job_id},
            )
            if body["data"]["job"]["status"] != "COMPLETE":
                return False
        return True

    await wait_until(all_complete, within=120, diagnose=workers.logs)
    records, _, _ = await graph.execute_query(
        "MATCH (e:Entity:Person) WHERE e.normalized_name IN ['emma wilson', 'ben okafor'] "
        "OPTIONAL MATCH (e)-[:MENTIONED_IN]->(m:Message) "
        "RETURN e.normalized_name AS name, count(DISTINCT m.conversation_id) AS conversations"
    )
    assert {r["name"]: r["conversations"] for r in records} == {"emma wilson": 2, "ben okafor": 2}


INGEST_FILE = """
mutation($name: String!, $content: String!) {
  ingestFile(name: $name, content: $content) {
    created
    conversation { id title messageCount }
    job { id status }
  }
}"""


async def test_a_pasted_transcript_is_parsed_on_the_server_and_queued(
    gql: Gql, admin_token: IssuedToken
) -> None:
    transcript = (
        "[09:00] Priya Raman: Morning! The Halden demo moved to Thursday.\n"
        "[09:01] Tom Weber: Thursday works. I'll tell the client.\n"
    )
    _, body = await gql(
        INGEST_FILE,
        token=admin_token.secret,
        variables={"name": "standup.txt", "content": transcript},
    )
    [payload] = body["data"]["ingestFile"]
    assert payload["created"] is True
    assert payload["conversation"]["messageCount"] == 2
    assert payload["job"]["status"] == "PENDING"
    assert payload["conversation"]["title"] == "standup"  # the file name's stem

    titled = "# Demo planning\nPriya Raman: Thursday it is.\n"
    _, body = await gql(
        INGEST_FILE, token=admin_token.secret, variables={"name": "x.txt", "content": titled}
    )
    [payload] = body["data"]["ingestFile"]
    assert payload["conversation"]["title"] == "Demo planning"
    assert payload["conversation"]["messageCount"] == 1


async def test_an_export_with_several_conversations_queues_each(
    gql: Gql, admin_token: IssuedToken
) -> None:
    export = [
        {"title": "Trip", "messages": [{"speaker": "Ana", "text": "Flights are booked for May."}]},
        {"title": "Party", "messages": [{"speaker": "Ben", "text": "Cake or pie for Saturday?"}]},
    ]
    _, body = await gql(
        INGEST_FILE,
        token=admin_token.secret,
        variables={"name": "export.json", "content": json.dumps(export)},
    )
    payloads = body["data"]["ingestFile"]
    assert [p["conversation"]["title"] for p in payloads] == ["Trip", "Party"]
    assert len({p["job"]["id"] for p in payloads}) == 2


async def test_a_file_that_does_not_parse_stores_nothing(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver
) -> None:
    before = await _counts(graph)
    for name, content in [
        ("broken.json", '{"title": "Trip", "messages": [{"speaker": "Ana"'),
        ("empty.txt", "   \n"),
        ("huge.txt", "x" * 5_000_001),
        # The second conversation breaks a limit: the first is not stored either.
        (
            "two.json",
            json.dumps(
                [
                    {"title": "Fine", "messages": [{"speaker": "Ana", "text": "All good."}]},
                    {"title": "Long", "messages": [{"speaker": "Ben", "text": "y" * 50_001}]},
                ]
            ),
        ),
    ]:
        _, body = await gql(
            INGEST_FILE, token=admin_token.secret, variables={"name": name, "content": content}
        )
        assert codes(body) == ["BAD_INPUT"], body
        assert name in body["errors"][0]["message"]
    assert await _counts(graph) == before


async def test_ingesting_a_file_needs_the_write_scope(gql: Gql, tokens: TokenStore) -> None:
    reader = await tokens.create("reader", Scope.READ)
    _, body = await gql(
        INGEST_FILE,
        token=reader.secret,
        variables={"name": "a.txt", "content": "Ana: hello there"},
    )
    assert codes(body) == ["FORBIDDEN"]
