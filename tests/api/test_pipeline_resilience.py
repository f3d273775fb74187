"""Nothing accepted is lost: a killed worker, a Redis outage and failures all end well."""

from __future__ import annotations

import neo4j

from app.graph.integrity import check
from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql
from tests.conftest import Services, Workers, wait_until
from tests.llm_servers import FakeOpenAI

INGEST = """
mutation($input: ConversationInput!) {
  ingestConversation(input: $input) { conversation { id } job { id status } }
}"""
JOB = "query($id: ID!) { job(id: $id) { status stage progress attempts errorMessage } }"
FAST = {
    "LIBRARIAN_RECONCILE_EVERY_SECONDS": "0.5",
    "LIBRARIAN_RECONCILE_PENDING_GRACE_SECONDS": "30",
}

PEOPLE = ["Ana Costa", "Ben Okafor", "Carla Mendes", "Dev Patel"]
CITIES = ["Porto", "Lisbon", "Lyon", "Berlin", "Madrid"]


def conversation(title: str, n: int) -> dict[str, object]:
    messages = []
    for i in range(n):
        speaker = PEOPLE[i % len(PEOPLE)]
        other = PEOPLE[(i + 1) % len(PEOPLE)]
        city = CITIES[i % len(CITIES)]
        text = [
            f"I live in {city} now and I work as a nurse.",
            f"My sister {other.split()[0]} moved to {city} last year.",
            f"{other} works at Acme Corp with me, we are colleagues.",
            f"Message {i}: I'm allergic to peanuts, remember that for the party.",
        ][i % 4]
        messages.append({"speaker": speaker, "text": text})
    return {"title": title, "origin": "test", "messages": messages}


async def _job(gql: Gql, token: str, job_id: str) -> dict[str, object]:
    _, body = await gql(JOB, token=token, variables={"id": job_id})
    job: dict[str, object] = body["data"]["job"]
    return job


async def _no_duplicates(graph: neo4j.AsyncDriver) -> None:
    records, _, _ = await graph.execute_query(
        "MATCH (e:Entity) WITH e.type AS t, e.normalized_name AS n, count(*) AS c WHERE c > 1 "
        "RETURN count(*) AS dup_entities"
    )
    assert records[0]["dup_entities"] == 0
    records, _, _ = await graph.execute_query(
        "MATCH (e:Entity)-[h:HAS_FACT]->(f:Fact) WITH e, f, count(h) AS c WHERE c > 1 "
        "RETURN count(*) AS dup_links"
    )
    assert records[0]["dup_links"] == 0
    records, _, _ = await graph.execute_query(
        "MATCH (:Entity)-[r]->(:Entity) WITH r.id AS id, count(*) AS c WHERE c > 1 "
        "RETURN count(*) AS dup_relations"
    )
    assert records[0]["dup_relations"] == 0
    records, _, _ = await graph.execute_query(
        "MATCH (f:Fact)-[r:FROM]->(m:Message) WITH f, m, count(r) AS c WHERE c > 1 "
        "RETURN count(*) AS dup_citations"
    )
    assert records[0]["dup_citations"] == 0


async def test_sigkill_mid_job_then_restart_completes_without_duplicates(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, workers: Workers
) -> None:
    slow = {**FAST, "LIBRARIAN_JOB_LEASE_SECONDS": "3", "LIBRARIAN_EXTRACT_WINDOW": "4"}
    first = workers.start(**slow)
    _, body = await gql(
        INGEST, token=admin_token.secret, variables={"input": conversation("long", 240)}
    )
    job_id = body["data"]["ingestConversation"]["job"]["id"]

    async def extracting() -> bool:
        job = await _job(gql, admin_token.secret, job_id)
        return job["status"] == "RUNNING" and job["stage"] == "extract"

    await wait_until(extracting, within=90, interval=0.05, diagnose=workers.logs)
    Workers.kill(first)  # SIGKILL: no clean-up, the lease is left to expire
    assert (await _job(gql, admin_token.secret, job_id))["status"] == "RUNNING"

    workers.start(**slow)

    async def complete() -> bool:
        return (await _job(gql, admin_token.secret, job_id))["status"] == "COMPLETE"

    await wait_until(complete, within=180, diagnose=workers.logs)
    job = await _job(gql, admin_token.secret, job_id)
    assert job["attempts"] == 2, "the second worker took over the expired lease"
    await _no_duplicates(graph)
    assert await check(graph, "neo4j") == []


async def test_ingest_while_redis_is_down_completes_after_it_returns(
    gql: Gql, admin_token: IssuedToken, services: Services, workers: Workers
) -> None:
    workers.start(**FAST)
    services.stop_redis()
    try:
        status, body = await gql(
            INGEST, token=admin_token.secret, variables={"input": conversation("offline", 12)}
        )
        assert status == 200, body
        job_id = body["data"]["ingestConversation"]["job"]["id"]
        assert body["data"]["ingestConversation"]["job"]["status"] == "PENDING"
    finally:
        services.start_redis()

    async def complete() -> bool:
        return (await _job(gql, admin_token.secret, job_id))["status"] == "COMPLETE"

    await wait_until(complete, within=120, diagnose=workers.logs)


async def test_failing_job_ends_failed_with_its_error_and_can_be_retried(
    gql: Gql, admin_token: IssuedToken, workers: Workers
) -> None:
    # An OpenAI-compatible server on loopback that refuses every extraction (HTTP 400): the
    # job retries (a refusal may be the model's mood) and fails once its attempts are spent.
    # (An unreachable LLM is waited for instead: tests/api/test_llm_providers.py.)
    with FakeOpenAI(key="sk-test-refused-0123456789", model="gpt-4.1-mini").running() as fake:
        fake.fail("extract", 400)
        workers.start(
            **fake.worker_env(
                **FAST, LIBRARIAN_JOB_MAX_ATTEMPTS="2", LIBRARIAN_JOB_RETRY_BACKOFF_SECONDS="0.1"
            )
        )
        _, body = await gql(
            INGEST, token=admin_token.secret, variables={"input": conversation("doomed", 6)}
        )
        job_id = body["data"]["ingestConversation"]["job"]["id"]

        async def failed() -> bool:
            return (await _job(gql, admin_token.secret, job_id))["status"] == "FAILED"

        await wait_until(failed, within=150, diagnose=workers.logs)
        job = await _job(gql, admin_token.secret, job_id)
        assert job["attempts"] == 2
        assert job["stage"] == "extract"
        assert "extract" in str(job["errorMessage"])
        assert "HTTP 400" in str(job["errorMessage"])
        assert len(fake.of_kind("extract")) == 2  # one request per attempt: a 400 is not re-sent

    _, body = await gql(
        "mutation($id: ID!) { retryJob(id: $id) { status attempts } }",
        token=admin_token.secret,
        variables={"id": job_id},
    )
    assert body["data"]["retryJob"] == {"status": "PENDING", "attempts": 0}
