"""The LLM providers end to end: a real worker and a real API, the real SDKs, Neo4j and Redis,
with only the vendor faked, at the HTTP layer, on loopback (``tests/llm_servers.py``).

Each test runs against an OpenAI-compatible server and against Anthropic's Messages API:
extraction through a worker started with the provider's settings, ``ask`` through an API built
with them, and what happens when the vendor is down or refuses the key.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import neo4j
import pytest
import redis.asyncio

from app.asgi import create_app
from app.config import Settings
from app.embed import Embedder, create_embedder
from app.extract.factory import create_extractor
from app.graph.tokens import IssuedToken
from app.jobs.broker import create_broker
from app.jobs.queue import JobQueue
from app.jobs.runner import JobRunner, PipelineDeps
from app.llm.retry import RetryPolicy
from tests.api.conftest import Gql, subscribe
from tests.conftest import Services, Workers, wait_until
from tests.llm_servers import FakeAnthropic, FakeOpenAI, FakeVendor, serving

KEYS = {"openai": "sk-test-e2e-5f1c0a9d7b3e4f21", "anthropic": "sk-ant-test-e2e-8c2d4e6f0a1b3c5d"}
MODELS = {"openai": "fake-gpt-e2e", "anthropic": "fake-claude-e2e"}
FAKES: dict[str, type[FakeVendor]] = {"openai": FakeOpenAI, "anthropic": FakeAnthropic}

INGEST = """
mutation($input: ConversationInput!) {
  ingestConversation(input: $input) { conversation { id } job { id status } }
}"""
JOB = """query($id: ID!) { job(id: $id) {
  status stage attempts errorMessage extractor llmCalls inputTokens outputTokens costUsd
} }"""
MESSAGE_IDS = """query($id: ID!) {
  conversation(id: $id) { messages(first: 100) { edges { node { id } } } }
}"""
ENTITY = """query($name: String!) { entities(nameContains: $name) { edges { node {
  name type
  facts { edges { node { field value extractor validFrom saidFirst } } }
  relations { edges { node { label evidence source { name } target { name } } } }
} } } }"""
ASK = """subscription($q: String!) { ask(question: $q) {
  __typename
  ... on AskToken { text }
  ... on AskAnswer { text found answerer notice followUps llmCalls inputTokens outputTokens
    costUsd citations { number message { id speaker text } } }
} }"""

ANA, BEN = "Ana Costa", "Ben Okafor"
_ANA_SAYS = [
    "The tide charts for Thursday look good for sampling.",
    "Remember the octopus tank needs new filters before Friday.",
    "I moved the plankton samples to the cold room.",
    "Can you check the booking page for the school visit?",
]
_BEN_SAYS = [
    "Sure, I'll look at the booking page after lunch.",
    "The ticket scanner crashed again this morning.",
    "I pushed a fix for the visitor counter.",
    "The school visit is confirmed for the 14th.",
]


@pytest.fixture(params=sorted(FAKES))
def vendor(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeVendor]:
    """A fake vendor on a free loopback port, serving its key and model."""
    provider: str = request.param
    # The SDKs built in this process (an API's) honour proxy settings: loopback bypasses them.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with FAKES[provider](key=KEYS[provider], model=MODELS[provider]).running() as fake:
        yield fake


@pytest.fixture(scope="module")
def embedder(services: Services) -> Embedder:
    s = services.settings
    return create_embedder(s.embedder, s.embedding_dim)


def conversation(title: str, n: int) -> dict[str, Any]:
    """Ana and Ben, colleagues at an aquarium, taking turns; each says once what they do."""
    messages = []
    for i in range(n):
        if i % 2 == 0:
            text = (
                "I work as a marine biologist at the Porto aquarium since 2021."
                if i == 0
                else _ANA_SAYS[(i // 2) % 4]
            )
            messages.append({"speaker": ANA, "text": text})
        else:
            text = (
                "I work as a software engineer on the aquarium's ticketing."
                if i == 1
                else _BEN_SAYS[(i // 2) % 4]
            )
            messages.append({"speaker": BEN, "text": text})
    return {"title": title, "origin": "test", "messages": messages}


async def _ingest(gql: Gql, token: str, title: str, n: int) -> tuple[str, str]:
    """(conversation id, job id) of a conversation ingested over GraphQL."""
    _, body = await gql(INGEST, token=token, variables={"input": conversation(title, n)})
    assert "errors" not in body, body
    payload = body["data"]["ingestConversation"]
    return payload["conversation"]["id"], payload["job"]["id"]


async def _job(gql: Gql, token: str, job_id: str) -> dict[str, Any]:
    _, body = await gql(JOB, token=token, variables={"id": job_id})
    assert "errors" not in body, body
    job: dict[str, Any] = body["data"]["job"]
    return job


async def _finished(
    gql: Gql, token: str, job_id: str, workers: Workers, within: float = 90
) -> dict[str, Any]:
    async def done() -> bool:
        return (await _job(gql, token, job_id))["status"] in ("COMPLETE", "FAILED")

    await wait_until(done, within=within, diagnose=workers.logs)
    return await _job(gql, token, job_id)


async def _message_ids(gql: Gql, token: str, conversation_id: str) -> set[str]:
    _, body = await gql(MESSAGE_IDS, token=token, variables={"id": conversation_id})
    edges = body["data"]["conversation"]["messages"]["edges"]
    return {e["node"]["id"] for e in edges}


def _model_of(body: dict[str, Any] | None, path: str) -> str:
    """The model a request asked for (a models lookup names it in its path)."""
    return str(body["model"]) if body else path.rsplit("/", 1)[-1]


# --- extraction through a worker ---------------------------------------------------------------


async def test_a_worker_extracts_through_the_vendor_and_counts_what_it_cost(
    vendor: FakeVendor, gql: Gql, admin_token: IssuedToken, workers: Workers
) -> None:
    token = admin_token.secret
    workers.start(**vendor.worker_env())
    n = 48
    conversation_id, job_id = await _ingest(gql, token, f"aquarium {vendor.provider}", n)

    job = await _finished(gql, token, job_id, workers)

    assert job["status"] == "COMPLETE", (job, workers.logs())
    assert job["extractor"] == vendor.provider
    assert job["attempts"] == 1
    # One call a window of 30: nothing refused, retried or re-asked.
    windows = math.ceil(n / 30)
    calls = vendor.of_kind("extract")
    assert [c.status for c in calls] == [200] * windows
    assert job["llmCalls"] == windows
    assert job["llmCalls"] / n <= 1 / 20
    billed = vendor.billed("extract")
    assert job["inputTokens"] == sum(b.all_input_tokens for b in billed)
    assert job["outputTokens"] == sum(b.output_tokens for b in billed)
    assert job["costUsd"] == pytest.approx(sum(b.cost_usd() for b in billed), rel=1e-9)
    assert billed[0].cache_read_tokens == 0
    assert billed[-1].cache_read_tokens > 0, "the fixed prompt was served from the cache"
    # Every request carried the configured key and asked for the configured model.
    assert vendor.exchanges
    for exchange in vendor.exchanges:
        assert vendor.key_of(exchange) == vendor.key
        assert _model_of(exchange.body, exchange.path) == vendor.model

    # What the vendor answered is in the graph, as the vendor's.
    ids = await _message_ids(gql, token, conversation_id)
    assert len(ids) == n
    _, body = await gql(ENTITY, token=token, variables={"name": ANA})
    (ana,) = [e["node"] for e in body["data"]["entities"]["edges"]]
    assert (ana["name"], ana["type"]) == (ANA, "person")
    facts = [f["node"] for f in ana["facts"]["edges"]]
    occupations = [f for f in facts if f["field"] == "occupation"]
    assert [(f["value"], f["extractor"]) for f in occupations] == [
        ("marine biologist", vendor.provider)
    ]
    # The date the vendor gave ("since 2021") reached the graph; these messages have no time.
    assert (occupations[0]["validFrom"], occupations[0]["saidFirst"]) == ("2021", None)
    relations = [r["node"] for r in ana["relations"]["edges"]]
    colleagues = [r for r in relations if r["label"] == "colleague_of"]
    assert colleagues, relations
    for relation in colleagues:
        assert {relation["source"]["name"], relation["target"]["name"]} == {ANA, BEN}
        assert relation["evidence"]
        assert set(relation["evidence"]) <= ids
    _, body = await gql(ENTITY, token=token, variables={"name": BEN})
    (ben,) = [e["node"] for e in body["data"]["entities"]["edges"]]
    assert {
        "field": "occupation",
        "value": "software engineer",
        "extractor": vendor.provider,
        "validFrom": None,
    } in [
        {k: f["node"][k] for k in ("field", "value", "extractor", "validFrom")}
        for f in ben["facts"]["edges"]
    ]


async def test_while_the_vendor_is_down_the_job_waits_then_completes(
    vendor: FakeVendor, gql: Gql, admin_token: IssuedToken, workers: Workers
) -> None:
    token = admin_token.secret
    attempts = RetryPolicy().max_attempts  # requests per call before a provider gives up
    down_for = 2 * attempts + 1  # two whole runs of the job, and the first try of a third
    vendor.fail("extract", 503, times=down_for, retry_after_ms=10)
    workers.start(
        **vendor.worker_env(
            LIBRARIAN_LLM_UNAVAILABLE_RETRY_SECONDS="0.5",
            # Were a wait to use up an attempt, the job would fail on the second run.
            LIBRARIAN_JOB_MAX_ATTEMPTS="1",
        )
    )
    _, job_id = await _ingest(gql, token, f"outage {vendor.provider}", 8)

    seen: list[dict[str, Any]] = []

    async def done() -> bool:
        seen.append(await _job(gql, token, job_id))
        return seen[-1]["status"] in ("COMPLETE", "FAILED")

    await wait_until(done, within=60, interval=0.05, diagnose=workers.logs)

    waiting = [
        job
        for job in seen
        if job["status"] == "PENDING"
        and (job["errorMessage"] or "").startswith("Waiting for the LLM")
    ]
    assert waiting, [(j["status"], j["errorMessage"]) for j in seen]
    assert "503" in waiting[0]["errorMessage"]
    job = seen[-1]
    assert job["status"] == "COMPLETE", (job, workers.logs())
    assert job["attempts"] == 1, "the waits used up no attempt"
    assert job["errorMessage"] is None
    statuses = [c.status for c in vendor.of_kind("extract")]
    assert statuses == [503] * down_for + [200]
    billed = vendor.billed("extract")
    assert job["llmCalls"] == 1, "a refused request is not a call"
    assert job["inputTokens"] == sum(b.all_input_tokens for b in billed)
    assert job["costUsd"] == pytest.approx(sum(b.cost_usd() for b in billed), rel=1e-9)


async def test_a_rejected_key_fails_the_job_at_once_and_is_never_shown(
    vendor: FakeVendor, gql: Gql, admin_token: IssuedToken, workers: Workers
) -> None:
    token = admin_token.secret
    wrong = f"{vendor.key}-revoked-7e41"
    workers.start(**vendor.worker_env(LIBRARIAN_LLM_API_KEY=wrong))
    _, job_id = await _ingest(gql, token, f"wrong key {vendor.provider}", 8)

    job = await _finished(gql, token, job_id, workers)

    assert job["status"] == "FAILED", (job, workers.logs())
    assert job["attempts"] == 1, "a rejected key is not tried again"
    message = job["errorMessage"]
    assert "key was rejected" in message
    assert wrong not in message
    assert vendor.key not in message
    assert vendor.key[-12:] not in message
    calls = vendor.of_kind("extract")
    assert [c.status for c in calls] == [401], "a 401 is never retried"
    assert vendor.key_of(calls[0]) == wrong
    assert job["llmCalls"] == 0
    assert job["costUsd"] == 0


# --- ask through an API built with the provider's settings -------------------------------------


async def _prepare_for_ask(
    vendor: FakeVendor,
    services: Services,
    driver: neo4j.AsyncDriver,
    embedder: Embedder,
    gql: Gql,
    token: str,
) -> tuple[Settings, set[str]]:
    """The provider's settings, and the message ids of a conversation ingested over GraphQL
    and processed here by the real pipeline (extracted through the vendor)."""
    settings = services.settings.model_copy(update=vendor.settings_update())
    conversation_id, job_id = await _ingest(gql, token, f"ask {vendor.provider}", 12)
    client = redis.asyncio.Redis.from_url(settings.redis_url)
    try:
        deps = PipelineDeps(
            settings=settings,
            driver=driver,
            redis=client,
            queue=JobQueue(create_broker(settings)),
            embedder=embedder,
            extractor=create_extractor(settings),
        )
        job = await JobRunner(deps).run(job_id)
    finally:
        await client.aclose()
    assert job is not None
    assert job.status.value == "complete", job.error_message
    return settings, await _message_ids(gql, token, conversation_id)


async def _ask(api_url: str, token: str, question: str) -> list[dict[str, Any]]:
    """The events of one ``ask``, none of them an error."""
    payloads = await subscribe(api_url, token, ASK, {"q": question})
    assert all("errors" not in p for p in payloads), payloads
    return [p["data"]["ask"] for p in payloads]


QUESTION = "What does Ana Costa do at the aquarium?"


async def test_ask_streams_the_vendors_answer_with_its_citations_and_cost(
    vendor: FakeVendor,
    services: Services,
    graph: neo4j.AsyncDriver,
    embedder: Embedder,
    gql: Gql,
    admin_token: IssuedToken,
) -> None:
    token = admin_token.secret
    settings, ids = await _prepare_for_ask(vendor, services, graph, embedder, gql, token)

    with serving(create_app(settings), lifespan="on") as url:
        events = await _ask(url, token, QUESTION)

    *tokens, answer = events
    assert answer["__typename"] == "AskAnswer"
    assert all(t["__typename"] == "AskToken" for t in tokens)
    assert len(tokens) > 1, "the answer arrives in pieces, as the vendor streams it"
    assert "".join(t["text"] for t in tokens) == answer["text"]
    assert answer["answerer"] == vendor.provider
    assert answer["notice"] is None
    assert answer["found"] is True
    (call,) = vendor.of_kind("answer")
    assert call.status == 200
    assert call.body is not None
    assert call.body["stream"] is True
    assert vendor.key_of(call) == vendor.key
    assert call.body["model"] == vendor.model
    assert QUESTION in json.dumps(call.body)
    assert call.reply is not None
    said, follow_ups = call.reply.split("<follow_ups>")
    assert answer["text"] == said.strip()
    assert answer["followUps"] == follow_ups.replace("</follow_ups>", "").strip().splitlines()
    # [1] is the first passage: a real message of the conversation, by the speaker named.
    assert [c["number"] for c in answer["citations"]] == [1]
    cited = answer["citations"][0]["message"]
    assert cited["id"] in ids
    assert answer["text"].startswith(f'{cited["speaker"]} said "')
    billed = call.billed
    assert billed is not None
    assert answer["llmCalls"] == 1
    assert answer["inputTokens"] == billed.all_input_tokens
    assert answer["outputTokens"] == billed.output_tokens
    assert answer["costUsd"] == pytest.approx(billed.cost_usd(), rel=1e-9)


async def test_ask_while_the_vendor_is_down_answers_offline_and_says_so(
    vendor: FakeVendor,
    services: Services,
    graph: neo4j.AsyncDriver,
    embedder: Embedder,
    gql: Gql,
    admin_token: IssuedToken,
) -> None:
    token = admin_token.secret
    settings, ids = await _prepare_for_ask(vendor, services, graph, embedder, gql, token)
    vendor.fail("answer", 503, retry_after_ms=10)

    with serving(create_app(settings), lifespan="on") as url:
        events = await _ask(url, token, QUESTION)

    *tokens, answer = events
    assert answer["__typename"] == "AskAnswer"
    assert "".join(t["text"] for t in tokens) == answer["text"]
    assert answer["answerer"] == "extractive"
    assert answer["notice"] is not None
    assert "could not answer" in answer["notice"]
    assert vendor.key not in answer["notice"]
    assert answer["found"] is True
    assert answer["citations"]
    assert {c["message"]["id"] for c in answer["citations"]} <= ids
    assert answer["llmCalls"] == 0
    assert answer["costUsd"] == 0
    refused = vendor.of_kind("answer")
    assert refused, "the vendor was asked first"
    assert {c.status for c in refused} == {503}
