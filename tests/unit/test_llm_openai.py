"""OpenAILLM against recorded-shape Chat Completions responses, served by a mock transport.

Only the network is faked: the real ``openai`` SDK builds every request and parses every
response (JSON bodies and SSE streams), so these tests see exactly what would cross the wire.
Nothing leaves the process.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import httpx2
import openai
import pytest
from pydantic import BaseModel, Field

from app.domain.models import WindowMessage
from app.domain.rows import fact_rows, relation_rows
from app.errors import RateLimited, Unavailable
from app.extract.llm import LLMExtractor
from app.llm.base import (
    InvalidOutput,
    LLMAuthFailed,
    LLMRejected,
    StreamEnd,
    StructuredRequest,
    TextDelta,
    TextEvent,
    TextRequest,
)
from app.llm.openai import OpenAILLM
from app.llm.ratelimit import estimate_tokens
from app.llm.retry import RetryPolicy

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "openai"
API_KEY = "sk-test-0123456789abcdefghijklmnopqrstuv-never-log-me"
LOCAL = "http://localhost:8080/v1"

SYSTEM = "You record facts people state about themselves. Cite the message ids."
USER = "m-01 Ana: I started as a data engineer at Northwind.\nm-03 Ana: I live in Lisbon now."
DELTAS = [
    "Ana works",
    " as a data engineer",
    " at Northwind",
    " [1], and she",
    " lives in Lisbon [2].",
]


class Fact(BaseModel):
    subject: str
    predicate: Literal["works_at", "lives_in"]
    object: str
    message_ids: list[str] = Field(min_length=1)


class Facts(BaseModel):
    facts: list[Fact]


def request(**options: Any) -> StructuredRequest[Facts]:
    options.setdefault("max_tokens", 1024)
    return StructuredRequest(
        name="extract_facts_v1",
        system=SYSTEM,
        user=USER,
        response_model=Facts,
        tool_name="record_facts",
        tool_description="Record the facts stated in the messages.",
        context={"job_id": "job-7", "window": 3},
        **options,
    )


TEXT = TextRequest(
    name="answer_v1", system="Answer from the passages.", user="Where does Ana work?"
)


def body_of(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Reply:
    status: int
    body: bytes | Exception
    headers: dict[str, str]
    fail_after: int | None = None


@dataclass
class FakeServer:
    """Serves queued replies to the SDK and keeps every request it was sent."""

    replies: list[Reply] = field(default_factory=list)
    requests: list[httpx2.Request] = field(default_factory=list)

    def json(self, status: int, name: str, headers: dict[str, str] | None = None) -> FakeServer:
        content_type = {"content-type": "application/json"}
        self.replies.append(
            Reply(status, body_of(f"{name}.json"), {**content_type, **(headers or {})})
        )
        return self

    def sse(self, body: str | bytes, fail_after: int | None = None) -> FakeServer:
        data = body_of(f"{body}.sse") if isinstance(body, str) else body
        self.replies.append(Reply(200, data, {"content-type": "text/event-stream"}, fail_after))
        return self

    def fail(self, exc: Exception) -> FakeServer:
        self.replies.append(Reply(0, exc, {}))
        return self

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.replies:
            return httpx2.Response(418, json={"error": {"message": "no reply queued"}})
        reply = self.replies.pop(0)
        if isinstance(reply.body, Exception):
            raise reply.body
        headers = {"x-request-id": f"req_{len(self.requests):03d}", **reply.headers}
        if reply.fail_after is None:
            return httpx2.Response(reply.status, content=reply.body, headers=headers)
        return httpx2.Response(
            reply.status, content=_cut(reply.body, reply.fail_after), headers=headers
        )

    def llm(self, base_url: str | None = None, **options: Any) -> OpenAILLM:
        transport = httpx2.MockTransport(self.handle)
        client = openai.OpenAI(
            api_key=API_KEY, base_url=base_url, http_client=httpx2.Client(transport=transport)
        )
        async_client = openai.AsyncOpenAI(
            api_key=API_KEY, base_url=base_url, http_client=httpx2.AsyncClient(transport=transport)
        )
        options.setdefault("model", "gpt-4.1")
        return OpenAILLM(client, async_client, **options)

    def body(self, index: int) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.requests[index].content)
        return data


async def _cut(body: bytes, fail_after: int) -> AsyncIterator[bytes]:
    yield body[:fail_after]
    raise httpx2.ReadError("connection reset by peer")


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


def llm(server: FakeServer, sleeps: list[float], **options: Any) -> OpenAILLM:
    async def async_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    options.setdefault("policy", RetryPolicy(rng=random.Random(7)))
    options.setdefault(
        "stream_policy", RetryPolicy(max_attempts=3, base_s=0.5, max_s=8, rng=random.Random(7))
    )
    return server.llm(sleep=sleeps.append, async_sleep=async_sleep, **options)


async def collect(model: OpenAILLM, into: list[TextEvent], text: TextRequest = TEXT) -> None:
    async for event in model.stream_text(text):
        into.append(event)


def events_named(logs: list[MutableMapping[str, Any]], name: str) -> list[MutableMapping[str, Any]]:
    return [entry for entry in logs if entry["event"] == name]


# --- structured answers -----------------------------------------------------------------------


def test_a_valid_answer_is_parsed_with_its_usage_and_cost(
    server: FakeServer, sleeps: list[float], logs: list[MutableMapping[str, Any]]
) -> None:
    server.json(200, "chat_valid")

    result = llm(server, sleeps).structured(request())

    assert [(f.predicate, f.object) for f in result.value.facts] == [
        ("works_at", "Northwind"),
        ("lives_in", "Lisbon"),
    ]
    usage = result.usage
    assert (usage.llm_calls, usage.input_tokens, usage.cache_read_tokens) == (1, 93, 1024)
    assert usage.output_tokens == 46
    assert usage.cost_usd == pytest.approx((93 * 2.00 + 46 * 8.00 + 1024 * 0.50) / 1e6)
    assert sleeps == []
    call = events_named(logs, "llm.call")[0]
    assert call["job_id"] == "job-7"
    assert call["prompt"] == "extract_facts_v1"
    assert call["request_id"] == "req_001"
    assert call["finish_reason"] == "stop"
    assert SYSTEM not in repr(logs)
    assert "Northwind" not in repr(logs)


def test_the_request_asks_for_the_json_schema(server: FakeServer, sleeps: list[float]) -> None:
    server.json(200, "chat_valid")

    llm(server, sleeps).structured(request())

    sent = server.body(0)
    assert server.requests[0].url.path == "/v1/chat/completions"
    assert sent["model"] == "gpt-4.1"
    assert sent["messages"] == [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": USER},
    ]
    schema = sent["response_format"]["json_schema"]
    assert sent["response_format"]["type"] == "json_schema"
    assert (schema["name"], schema["strict"]) == ("record_facts", False)
    assert schema["description"] == "Record the facts stated in the messages."
    fact = schema["schema"]["properties"]["facts"]["items"]
    assert fact["properties"]["predicate"]["enum"] == ["works_at", "lives_in"]
    assert sent["max_completion_tokens"] == 1024
    assert "max_tokens" not in sent


def test_invalid_json_is_re_asked_with_its_problem(server: FakeServer, sleeps: list[float]) -> None:
    server.json(200, "chat_invalid_json").json(200, "chat_valid")

    result = llm(server, sleeps).structured(request())

    assert len(result.value.facts) == 2
    assert len(server.requests) == 2
    assert result.usage.llm_calls == 2
    assert result.usage.input_tokens == 1117 + 93
    assert result.usage.output_tokens == 52 + 46
    replay, reask = server.body(1)["messages"][2:]
    assert replay["role"] == "assistant"
    assert replay["content"].startswith("Here are the facts I found:")
    assert reask["role"] == "user"
    assert "not valid JSON" in reask["content"]


def test_an_answer_that_stays_invalid_raises_after_the_last_re_ask(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.json(200, "chat_invalid_schema").json(200, "chat_invalid_schema")

    with pytest.raises(InvalidOutput) as raised:
        llm(server, sleeps, max_reasks=1).structured(request(what="extract the window at m-01"))

    assert len(server.requests) == 2
    assert raised.value.message.startswith(
        "OpenAI's answer to extract the window at m-01 was still invalid after 1 re-ask: "
    )
    assert raised.value.details["job_id"] == "job-7"
    problems = raised.value.details["problems"]
    assert "facts[0].predicate: Input should be 'works_at' or 'lives_in'" in problems
    assert "facts[0].message_ids: Field required" in problems
    assert raised.value.details["usage"].llm_calls == 2
    reask = server.body(1)["messages"][-1]["content"]
    assert "facts[0].message_ids: Field required" in reask
    # Problems name where and what, never the offending value.
    assert "is_secretly_dating" not in reask
    assert "is_secretly_dating" not in repr(raised.value.details)


def test_an_answer_cut_off_at_the_token_limit_is_re_asked(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.json(200, "chat_truncated").json(200, "chat_valid")

    result = llm(server, sleeps).structured(request())

    assert len(result.value.facts) == 2
    reask = server.body(1)["messages"][-1]["content"]
    assert "cut off at the 1024-token limit" in reask


def test_a_problem_found_by_check_is_re_asked(server: FakeServer, sleeps: list[float]) -> None:
    server.json(200, "chat_valid").json(200, "chat_valid")
    seen: list[int] = []

    def check(facts: Facts) -> list[str]:
        seen.append(len(facts.facts))
        return ["m-03 is outside the window"] if len(seen) == 1 else []

    result = llm(server, sleeps).structured(request(check=check))

    assert seen == [2, 2]
    assert result.usage.llm_calls == 2
    assert "- m-03 is outside the window" in server.body(1)["messages"][-1]["content"]


def test_a_refusal_counts_as_a_problem(server: FakeServer, sleeps: list[float]) -> None:
    server.json(200, "chat_refusal").json(200, "chat_refusal")

    with pytest.raises(InvalidOutput) as raised:
        llm(server, sleeps, max_reasks=1).structured(request())

    assert "refused" in raised.value.details["problems"][0]


def test_a_server_without_json_schema_falls_back_to_json_mode_once(
    server: FakeServer, sleeps: list[float], logs: list[MutableMapping[str, Any]]
) -> None:
    server.json(400, "error_json_schema_unsupported").json(200, "chat_valid_local")
    server.json(200, "chat_valid_local")
    model = llm(server, sleeps, base_url=LOCAL, model="qwen2.5-7b-instruct")

    first = model.structured(request())
    second = model.structured(request())

    assert len(first.value.facts) == len(second.value.facts) == 2  # fenced JSON is read too
    assert [server.body(i)["response_format"]["type"] for i in range(3)] == [
        "json_schema",
        "json_object",
        "json_object",
    ]
    system = server.body(1)["messages"][0]["content"]
    assert system.startswith(SYSTEM)
    assert '"predicate":{"enum":["works_at","lives_in"]' in system
    assert server.body(1)["max_tokens"] == 1024  # a local server's own parameter
    assert first.usage.llm_calls == 1
    assert first.usage.cost_usd == 0.0  # a local model has no price
    assert len(events_named(logs, "llm.json_mode_fallback")) == 1
    assert model.json_mode


def test_another_4xx_is_rejected_without_a_retry(server: FakeServer, sleeps: list[float]) -> None:
    server.json(404, "error_model_not_found")

    with pytest.raises(LLMRejected) as raised:
        llm(server, sleeps, model="gpt-4.1-typo").structured(request())

    assert len(server.requests) == 1
    assert "does not exist" in raised.value.message


# --- retries ----------------------------------------------------------------------------------


def test_429_waits_exactly_the_retry_after_then_succeeds(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.json(429, "error_rate_limit", {"retry-after": "2"}).json(200, "chat_valid")

    result = llm(server, sleeps).structured(request())

    assert sleeps == [2.0]
    assert len(server.requests) == 2
    assert result.usage.llm_calls == 1


def test_a_retry_after_too_long_to_wait_is_handed_to_the_caller(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.json(429, "error_rate_limit", {"retry-after": "120"})

    with pytest.raises(RateLimited) as raised:
        llm(server, sleeps).structured(request())

    assert raised.value.details["retry_after_s"] == 120.0
    assert len(server.requests) == 1
    assert sleeps == []


def test_5xx_backs_off_then_succeeds(server: FakeServer, sleeps: list[float]) -> None:
    server.json(500, "error_server").json(503, "error_server").json(200, "chat_valid")

    result = llm(server, sleeps).structured(request())

    assert len(server.requests) == 3
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0  # equal jitter around base_s 1.0
    assert 1.0 <= sleeps[1] <= 2.0
    assert result.usage.llm_calls == 1


@pytest.mark.parametrize("status", [401, 403])
def test_a_rejected_key_fails_at_once_without_revealing_it(
    server: FakeServer, sleeps: list[float], logs: list[MutableMapping[str, Any]], status: int
) -> None:
    server.json(status, "error_authentication")

    with pytest.raises(LLMAuthFailed) as raised:
        llm(server, sleeps).structured(request())

    error = raised.value
    assert error.code == "LLM_AUTH"
    assert len(server.requests) == 1
    assert sleeps == []
    assert error.details["status"] == status
    assert error.__cause__ is None  # the SDK error holds the request, and its headers the key
    assert API_KEY not in error.message
    assert API_KEY not in repr(error.details)
    assert API_KEY not in repr(logs)


def test_timeouts_are_retried_then_reported_unavailable(
    server: FakeServer, sleeps: list[float]
) -> None:
    for _ in range(4):
        server.fail(httpx2.ReadTimeout("timed out"))

    with pytest.raises(Unavailable) as raised:
        llm(server, sleeps).structured(request())

    assert len(server.requests) == 4
    assert len(sleeps) == 3
    assert "ReadTimeout" in raised.value.message
    assert "after 4 attempts" in raised.value.message
    assert raised.value.details["usage"].llm_calls == 0


def test_the_rate_limiter_is_asked_before_each_request(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.json(500, "error_server").json(200, "chat_valid")
    limiter = RecordingLimiter()

    llm(server, sleeps, limiter=limiter).structured(request(max_tokens=100))

    estimate = estimate_tokens(SYSTEM, USER) + 100
    assert limiter.acquired == [estimate, estimate]
    assert limiter.spent == [1117 + 46 - estimate]


@dataclass
class RecordingLimiter:
    acquired: list[int] = field(default_factory=list)
    spent: list[int] = field(default_factory=list)

    def acquire(self, tokens: int) -> float:
        self.acquired.append(tokens)
        return 0.0

    async def acquire_async(self, tokens: int) -> float:
        self.acquired.append(tokens)
        return 0.0

    def spend(self, tokens: int) -> None:
        self.spent.append(tokens)


# --- streamed text ----------------------------------------------------------------------------


async def test_a_streamed_answer_yields_its_deltas_then_the_usage(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.sse("stream_answer")
    events: list[TextEvent] = []

    await collect(llm(server, sleeps), events)

    *deltas, end = events
    assert [d.text for d in deltas if isinstance(d, TextDelta)] == DELTAS
    assert isinstance(end, StreamEnd)
    assert (end.stop_reason, end.model, end.request_id) == ("stop", "gpt-4.1-2025-04-14", "req_001")
    usage = end.usage
    assert (usage.llm_calls, usage.input_tokens, usage.cache_read_tokens) == (1, 160, 1152)
    assert usage.output_tokens == 27
    assert usage.cost_usd == pytest.approx((160 * 2.00 + 27 * 8.00 + 1152 * 0.50) / 1e6)
    sent = server.body(0)
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}
    assert sent["max_completion_tokens"] == 1024


async def test_a_stream_cut_after_some_deltas_raises_unavailable_without_a_retry(
    server: FakeServer, sleeps: list[float]
) -> None:
    body = body_of("stream_answer.sse")
    server.sse(body, fail_after=body.index(b' [1], and she"')).sse("stream_answer")
    events: list[TextEvent] = []

    with pytest.raises(Unavailable) as raised:
        await collect(llm(server, sleeps), events)

    assert [e.text for e in events if isinstance(e, TextDelta)] == DELTAS[:3]
    assert len(server.requests) == 1
    assert sleeps == []
    error = raised.value
    assert "broke off after 3 deltas" in error.message
    assert "ReadError" in error.message
    assert error.details["tokens_sent"] == 3
    assert error.details["usage"].llm_calls == 1
    assert error.__cause__ is None


async def test_a_stream_that_ends_without_a_finish_reason_is_not_a_whole_answer(
    server: FakeServer, sleeps: list[float]
) -> None:
    body = body_of("stream_answer.sse")
    server.sse(body[: body.index(b"data: ", body.index(b" at Northwind"))])
    events: list[TextEvent] = []

    with pytest.raises(Unavailable) as raised:
        await collect(llm(server, sleeps), events)

    assert not any(isinstance(e, StreamEnd) for e in events)
    assert "finish_reason" in raised.value.message


async def test_a_stream_failing_before_any_delta_is_retried(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.json(500, "error_server").sse("stream_error_at_start").sse("stream_answer")
    events: list[TextEvent] = []

    await collect(llm(server, sleeps), events)

    assert len(server.requests) == 3
    assert len(sleeps) == 2
    assert [e.text for e in events if isinstance(e, TextDelta)] == DELTAS
    end = events[-1]
    assert isinstance(end, StreamEnd)
    assert end.request_id == "req_003"
    assert end.usage.output_tokens == 27
    assert end.usage.llm_calls == 1  # neither the 500 nor the error event was an answer


async def test_a_server_that_sends_no_usage_counts_one_call(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.sse("stream_no_usage")
    events: list[TextEvent] = []

    await collect(
        llm(server, sleeps, base_url="http://localhost:11434/v1", model="llama3.1:8b"), events
    )

    assert [e.text for e in events if isinstance(e, TextDelta)] == [
        "Ana works at",
        " Northwind [1].",
    ]
    end = events[-1]
    assert isinstance(end, StreamEnd)
    assert end.stop_reason == "stop"
    assert (end.usage.llm_calls, end.usage.input_tokens, end.usage.output_tokens) == (1, 0, 0)
    assert server.body(0)["max_tokens"] == 1024


async def test_a_stream_refused_for_the_key_is_not_retried(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.json(401, "error_authentication")

    with pytest.raises(LLMAuthFailed):
        await collect(llm(server, sleeps), [])

    assert len(server.requests) == 1


# --- ping -------------------------------------------------------------------------------------


async def test_ping_reads_the_model(server: FakeServer, sleeps: list[float]) -> None:
    server.json(200, "model")

    await llm(server, sleeps).ping()

    assert len(server.requests) == 1
    assert server.requests[0].method == "GET"
    assert server.requests[0].url.path == "/v1/models/gpt-4.1"


async def test_ping_with_a_rejected_key_raises_llm_auth(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.json(401, "error_authentication")

    with pytest.raises(LLMAuthFailed) as raised:
        await llm(server, sleeps).ping()

    assert raised.value.code == "LLM_AUTH"
    assert len(server.requests) == 1
    assert API_KEY not in raised.value.message


async def test_ping_falls_back_to_a_one_token_completion(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.json(404, "error_not_found_local").json(200, "chat_valid_local")

    await llm(server, sleeps, base_url="http://localhost:8000/v1", model="qwen2.5-7b").ping()

    assert [r.method for r in server.requests] == ["GET", "POST"]
    assert server.body(1)["max_tokens"] == 1


async def test_ping_tries_once(server: FakeServer, sleeps: list[float]) -> None:
    server.json(503, "error_server").json(200, "model")

    with pytest.raises(Unavailable) as raised:
        await llm(server, sleeps).ping()

    assert len(server.requests) == 1
    assert sleeps == []
    assert raised.value.message.startswith("OpenAI unavailable (HTTP 503)")


# --- construction -----------------------------------------------------------------------------


def test_a_compatible_server_is_named_by_its_host(server: FakeServer, sleeps: list[float]) -> None:
    server.json(500, "error_server")

    with pytest.raises(Unavailable) as raised:
        llm(server, sleeps, base_url=LOCAL, policy=RetryPolicy(max_attempts=1)).structured(
            request()
        )

    assert "the OpenAI-compatible server at localhost" in raised.value.message


def test_a_local_server_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)

    model = OpenAILLM(model="llama3.1:8b", base_url="http://localhost:11434/v1")

    assert model.vendor == "the OpenAI-compatible server at localhost"


def test_openai_without_a_key_is_an_auth_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)

    with pytest.raises(LLMAuthFailed):
        OpenAILLM(model="gpt-4.1")


# --- extraction with dates ---------------------------------------------------------------------


def test_an_extraction_answer_carries_its_dates_to_the_rows(
    server: FakeServer, sleeps: list[float], logs: list[MutableMapping[str, Any]]
) -> None:
    server.json(200, "chat_extraction_dated")
    sent = datetime(2024, 3, 10, 9, 30, tzinfo=UTC)
    window = [
        WindowMessage(id="m-01", seq=1, speaker="Ana", text=USER.splitlines()[0], timestamp=sent),
        WindowMessage(id="m-03", seq=3, speaker="Ana", text=USER.splitlines()[1], timestamp=sent),
    ]

    extraction = LLMExtractor(llm(server, sleeps)).extract(window).extraction

    assert (
        server.body(0)["messages"][1]["content"].count('"time": "2024-03-10T09:30:00+00:00"') == 2
    )
    keys = {"e1": "ent_ana", "e2": "ent_northwind", "e3": "ent_lisbon", "e4": "ent_porto"}
    facts, _ = fact_rows(
        extraction, keys, {"employer_role": "employer_role", "birthday": "birthday"}
    )
    assert [(f["value"], f["valid_from"], f["event_date"]) for f in facts] == [
        ("data engineer at Northwind", "2022-09", None),
        ("1993-06-02", None, "1993-06-02"),
    ]
    relations, _ = relation_rows(extraction, keys, {"lives_in": "lives_in"})
    by_target = {r["target_id"]: (r["valid_from"], r["valid_to"]) for r in relations}
    # "Feb 2024" is not a partial ISO date: dropped, with a warning that does not quote it.
    assert by_target == {"ent_lisbon": ("2024-02", None), "ent_porto": (None, None)}
    dropped = events_named(logs, "extract.date_dropped")
    assert [(d["kind"], d["field"]) for d in dropped] == [("relation", "valid_to")]
    assert "Feb 2024" not in repr(logs)
