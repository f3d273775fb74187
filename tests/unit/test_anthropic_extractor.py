"""AnthropicExtractor against recorded-shape Messages API responses, served by a mock transport.

Only the network to Anthropic is faked: the real SDK builds every request and parses every
response, so these tests see exactly what would cross the wire.
"""

from __future__ import annotations

import json
import random
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest

from app.domain.models import WindowMessage
from app.domain.rows import relation_rows
from app.errors import RateLimited, Unavailable
from app.extract.llm import LLMExtractor
from app.extract.prompts import (
    ENTITY_TYPES,
    FACT_FIELDS,
    RELATION_LABELS,
    extract_window,
)
from app.llm.anthropic import AnthropicLLM
from app.llm.base import InvalidOutput as InvalidExtraction
from app.llm.base import LLMAuthFailed as AnthropicKeyRejected
from app.llm.base import LLMRejected as AnthropicRejected
from app.llm.pricing import Prices
from app.llm.retry import RetryPolicy

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "anthropic"
API_KEY = "sk-ant-test-0123456789-do-not-log"
T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)

CONTEXT = [WindowMessage(id="c-01", seq=0, speaker="Priya", text="My sister Ana is back!")]
WINDOW = [
    WindowMessage(
        id="m-01",
        seq=1,
        speaker="Ana",
        text="I started as a data engineer at Northwind last week.",
        timestamp=T0,
    ),
    WindowMessage(
        id="m-02",
        seq=2,
        speaker="Ben",
        text="Congrats! Is that the Lisbon office?",
        timestamp=T0 + timedelta(minutes=2),
    ),
    WindowMessage(
        id="m-03",
        seq=3,
        speaker="Ana",
        text="Yes, I live in Lisbon now. And I'm 31, not 30 like I said.",
        timestamp=T0 + timedelta(minutes=3),
    ),
    WindowMessage(id="m-04", seq=4, speaker="Ben", text="Say hi to Priya for me."),
]


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


@dataclass
class FakeAnthropic:
    """Serves queued (status, fixture, headers) replies and keeps every request it was sent."""

    replies: list[tuple[int, str | Exception, dict[str, str]]] = field(default_factory=list)
    requests: list[httpx2.Request] = field(default_factory=list)

    def reply(self, status: int, body: str | Exception, **headers: str) -> FakeAnthropic:
        self.replies.append((status, body, headers))
        return self

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.replies:
            return httpx2.Response(418, json={"type": "error", "error": {"type": "unexpected"}})
        status, body, headers = self.replies.pop(0)
        if isinstance(body, Exception):
            raise body
        headers = {"request-id": f"req_{len(self.requests):03d}", **headers}
        return httpx2.Response(status, json=fixture(body), headers=headers)

    def client(self) -> anthropic.Anthropic:
        transport = httpx2.MockTransport(self.handle)
        return anthropic.Anthropic(
            api_key=API_KEY, http_client=httpx2.Client(transport=transport), max_retries=0
        )

    def body(self, index: int) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.requests[index].content)
        return data


@pytest.fixture
def api() -> FakeAnthropic:
    return FakeAnthropic()


def extractor(api: FakeAnthropic, sleeps: list[float], **options: Any) -> LLMExtractor:
    """The extractor on Claude, with the options the old AnthropicExtractor took."""
    policy = RetryPolicy(
        max_attempts=options.pop("max_attempts", 4),
        base_s=options.pop("backoff_base_s", 1.0),
        max_s=options.pop("backoff_max_s", 30.0),
        max_retry_after_s=options.pop("max_retry_after_s", 60.0),
        rng=random.Random(7),
    )
    max_tokens = options.pop("max_tokens", 4096)
    llm = AnthropicLLM(api.client(), sleep=sleeps.append, policy=policy, **options)
    return LLMExtractor(llm, max_tokens=max_tokens)


# --- a valid answer ---------------------------------------------------------------------------


def test_valid_tool_use_becomes_an_extraction_citing_window_messages(
    api: FakeAnthropic, sleeps: list[float]
) -> None:
    api.reply(200, "message_valid")

    result = extractor(api, sleeps).extract(WINDOW, context=CONTEXT)

    extraction = result.extraction
    by_key = {e.key: e for e in extraction.entities}
    assert by_key["e1"].name == "Ana Costa"
    assert by_key["e1"].message_ids == ["m-01", "m-03"]  # the repeated citation collapses
    assert by_key["e1"].aliases == ["Ana"]
    assert by_key["e2"].type == "organization"  # normalised
    assert [(f.field, f.value, f.message_ids) for f in extraction.facts] == [
        ("employer_role", "data engineer at Northwind", ["m-01"]),
        ("age", "31", ["m-03"]),
    ]
    assert [(r.source, r.label, r.target) for r in extraction.relations] == [
        ("e1", "works_at", "e2"),
        ("e1", "lives_in", "e3"),
        ("e4", "knows_well", "e1"),  # off-vocabulary: normalised and passed to the registry
    ]
    # Dates as the model wrote them; the write stage drops a malformed one ("last spring").
    assert [(f.valid_from, f.valid_to, f.event_date) for f in extraction.facts] == [
        ("2022-09", None, None),
        (None, None, None),
    ]
    assert [(r.valid_from, r.valid_to) for r in extraction.relations] == [
        (None, None),
        ("2021", "last spring"),
        (None, None),
    ]
    keys = {"e1": "ent_ana", "e2": "ent_northwind", "e3": "ent_lisbon", "e4": "ent_ben"}
    relations, _ = relation_rows(extraction, keys, {"lives_in": "lives_in"})
    assert [(r["valid_from"], r["valid_to"]) for r in relations] == [("2021", None)]
    cited = [
        *(e.message_ids for e in extraction.entities),
        *(f.message_ids for f in extraction.facts),
        *(r.message_ids for r in extraction.relations),
    ]
    assert {i for ids in cited for i in ids} <= {m.id for m in WINDOW}
    assert sleeps == []


def test_usage_counts_tokens_and_prices_them(api: FakeAnthropic, sleeps: list[float]) -> None:
    api.reply(200, "message_valid")

    usage = extractor(api, sleeps).extract(WINDOW).usage

    assert (usage.llm_calls, usage.input_tokens, usage.output_tokens) == (1, 1250, 310)
    assert (usage.cache_write_tokens, usage.cache_read_tokens) == (1900, 0)
    # Sonnet 4.6 list prices: $3 in, $15 out, $3.75 cache write, $0.30 cache read per million.
    assert usage.cost_usd == pytest.approx((1250 * 3 + 310 * 15 + 1900 * 3.75) / 1e6)


def test_prices_are_configurable(api: FakeAnthropic, sleeps: list[float]) -> None:
    api.reply(200, "message_valid_cached")
    prices = Prices(input=1.0, output=5.0, cache_write=1.25, cache_read=0.10)

    usage = extractor(api, sleeps, prices=prices).extract(WINDOW).usage

    assert usage.cost_usd == pytest.approx((1700 * 1.0 + 200 * 5.0 + 1900 * 0.10) / 1e6)


def test_request_forces_the_tool_caches_the_system_block_and_lists_the_window(
    api: FakeAnthropic, sleeps: list[float]
) -> None:
    api.reply(200, "message_valid")

    extractor(api, sleeps, model="claude-haiku-4-5", max_tokens=2048).extract(
        WINDOW, context=CONTEXT
    )

    assert len(api.requests) == 1
    request = api.requests[0]
    assert request.url.path == "/v1/messages"
    sent_key = request.headers.get("x-api-key") or request.headers["authorization"].split()[-1]
    assert sent_key == API_KEY
    assert request.headers["x-stainless-retry-count"] == "0"
    assert request.extensions["timeout"]["read"] == 120.0  # timeout_s reaches the transport
    body = api.body(0)
    assert (body["model"], body["max_tokens"]) == ("claude-haiku-4-5", 2048)
    assert body["tool_choice"]["type"] == "tool"
    assert body["tool_choice"]["name"] == "record_extraction"
    [tool] = body["tools"]
    assert tool["name"] == "record_extraction"
    assert set(tool["input_schema"]["properties"]) == {"entities", "facts", "relations"}
    assert "$ref" not in json.dumps(tool["input_schema"])
    assert body["system"][-1]["cache_control"] == {"type": "ephemeral"}
    system = body["system"][-1]["text"]
    assert all(word in system for word in (*ENTITY_TYPES, *FACT_FIELDS, *RELATION_LABELS))
    assert "Corrections win" in system
    [user] = body["messages"]
    assert user["role"] == "user"
    content = user["content"]
    context_part, window_part = content.split("<window>")
    assert '"id": "c-01"' in context_part
    assert "c-01" not in window_part
    for message in WINDOW:
        assert f'"id": "{message.id}"' in window_part
        assert f'"speaker": "{message.speaker}"' in window_part
    assert '"time": "2024-03-04T09:00:00+00:00"' in window_part
    assert "you may cite: m-01, m-02, m-03, m-04" in window_part


def test_the_cached_prefix_is_identical_across_windows() -> None:
    first = extract_window(WINDOW[:2], CONTEXT)
    second = extract_window(WINDOW[2:], WINDOW[:2])

    assert first.system == second.system
    assert (first.tool_name, first.tool_description) == (second.tool_name, second.tool_description)
    assert first.user != second.user
    assert first.name == "extract_window.v3"


def test_one_call_per_window_of_twenty_plus_messages(
    api: FakeAnthropic, sleeps: list[float]
) -> None:
    filler = [WindowMessage(id=f"m-{i:02d}", seq=i, speaker="Ben", text="ok") for i in range(5, 25)]
    api.reply(200, "message_valid")

    usage = extractor(api, sleeps).extract([*WINDOW, *filler]).usage

    assert usage.llm_calls == 1
    assert usage.llm_calls / len([*WINDOW, *filler]) <= 1 / 20


def test_an_empty_window_costs_nothing(api: FakeAnthropic, sleeps: list[float]) -> None:
    result = extractor(api, sleeps).extract([])

    assert result.extraction.entities == []
    assert result.usage.llm_calls == 0
    assert api.requests == []


# --- invalid answers and re-asks --------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "tool_use_id", "expected_problem"),
    [
        ("message_invalid_json", "toolu_01BADJSON000000000000003", "entities: Value error"),
        ("message_invalid_schema", "toolu_01BADSCHEMA0000000000004", "facts[0].confidence"),
        ("message_cites_context", "toolu_01CONTEXT000000000000005", "'c-01' is a context message"),
    ],
)
def test_invalid_output_is_re_asked_with_the_validation_error(
    api: FakeAnthropic,
    sleeps: list[float],
    logs: list[MutableMapping[str, Any]],
    first: str,
    tool_use_id: str,
    expected_problem: str,
) -> None:
    api.reply(200, first).reply(200, "message_valid_cached")

    result = extractor(api, sleeps).extract(WINDOW, context=CONTEXT)

    assert [e.key for e in result.extraction.entities] == ["e1", "e2"]
    assert result.usage.llm_calls == 2
    assert result.usage.cache_read_tokens == 1900
    assert len(api.requests) == 2
    user, assistant, correction = api.body(1)["messages"]
    assert user == api.body(0)["messages"][0]
    assert assistant["role"] == "assistant"
    replayed = [block for block in assistant["content"] if block["type"] == "tool_use"]
    assert replayed == [
        {
            "type": "tool_use",
            "id": tool_use_id,
            "name": "record_extraction",
            "input": fixture(first)["content"][-1]["input"],
        }
    ]
    [tool_result] = correction["content"]
    assert correction["role"] == "user"
    assert tool_result["type"] == "tool_result"
    assert tool_result["tool_use_id"] == tool_use_id
    assert tool_result["is_error"] is True
    assert expected_problem in tool_result["content"]
    assert [e["event"] for e in logs if e["log_level"] == "warning"] == ["llm.reask"]


def test_semantic_problems_are_all_reported_at_once(
    api: FakeAnthropic, sleeps: list[float]
) -> None:
    api.reply(200, "message_cites_context").reply(200, "message_valid_cached")

    extractor(api, sleeps).extract(WINDOW, context=CONTEXT)

    problems = api.body(1)["messages"][2]["content"][0]["content"]
    assert "entities[1]: message id 'c-01' is a context message" in problems
    assert "facts[0]: entity 'e9' is not a key in entities" in problems
    assert "relations[0]: message id 'm-99' is not in the window" in problems


def test_truncated_output_is_re_asked_for_fewer_items(
    api: FakeAnthropic, sleeps: list[float]
) -> None:
    api.reply(200, "message_truncated").reply(200, "message_valid_cached")

    result = extractor(api, sleeps, max_tokens=4096).extract(WINDOW)

    assert result.usage.llm_calls == 2
    problems = api.body(1)["messages"][2]["content"][0]["content"]
    assert "cut off at the 4096-token limit" in problems


def test_an_answer_without_the_tool_call_is_re_asked(
    api: FakeAnthropic, sleeps: list[float]
) -> None:
    api.reply(200, "message_text_only").reply(200, "message_valid_cached")

    result = extractor(api, sleeps).extract(WINDOW)

    assert result.usage.llm_calls == 2
    _, assistant, reminder = api.body(1)["messages"]
    assert assistant["content"] == [
        {"type": "text", "text": "I could not find anything to record."}
    ]
    assert "Call record_extraction" in reminder["content"][0]["text"]


def test_an_empty_answer_is_asked_again_as_it_was(api: FakeAnthropic, sleeps: list[float]) -> None:
    api.reply(200, "message_empty").reply(200, "message_valid_cached")

    result = extractor(api, sleeps).extract(WINDOW)

    assert result.usage.llm_calls == 2
    assert api.body(1)["messages"] == api.body(0)["messages"]


@pytest.mark.parametrize("max_reasks", [0, 2])
def test_output_that_stays_invalid_fails_after_max_reasks(
    api: FakeAnthropic, sleeps: list[float], max_reasks: int
) -> None:
    for _ in range(max_reasks + 1):
        api.reply(200, "message_invalid_schema")

    with pytest.raises(InvalidExtraction) as raised:
        extractor(api, sleeps, max_reasks=max_reasks).extract(WINDOW)

    assert len(api.requests) == max_reasks + 1
    assert "window starting at message m-01" in raised.value.message
    assert f"after {max_reasks} re-asks" in raised.value.message
    assert raised.value.details["window_first_id"] == "m-01"
    assert raised.value.details["usage"].llm_calls == max_reasks + 1


# --- transient failures -----------------------------------------------------------------------


def test_429_waits_for_retry_after_then_succeeds(
    api: FakeAnthropic, sleeps: list[float], logs: list[MutableMapping[str, Any]]
) -> None:
    api.reply(429, "error_rate_limit", **{"retry-after": "3"}).reply(200, "message_valid")

    result = extractor(api, sleeps).extract(WINDOW)

    assert sleeps == [3.0]
    assert len(api.requests) == 2
    assert result.usage.llm_calls == 1  # a 429 carries no message and no tokens
    assert result.usage.input_tokens == 1250
    [retry] = [e for e in logs if e["event"] == "llm.retry"]
    assert (retry["status"], retry["delay_s"], retry["log_level"]) == (429, 3.0, "warning")


def test_without_retry_after_the_backoff_grows_with_jitter(
    api: FakeAnthropic, sleeps: list[float]
) -> None:
    for _ in range(3):
        api.reply(529, "error_overloaded")
    api.reply(200, "message_valid")

    extractor(api, sleeps, backoff_base_s=1.0, backoff_max_s=30.0).extract(WINDOW)

    assert len(sleeps) == 3
    for attempt, delay in enumerate(sleeps, start=1):
        step = 2.0 ** (attempt - 1)
        assert step / 2 <= delay <= step


def test_500_on_every_attempt_raises_unavailable(api: FakeAnthropic, sleeps: list[float]) -> None:
    for _ in range(4):
        api.reply(500, "error_api")

    with pytest.raises(Unavailable) as raised:
        extractor(api, sleeps, max_attempts=4).extract(WINDOW)

    assert len(api.requests) == 4
    assert len(sleeps) == 3
    assert "HTTP 500" in raised.value.message
    assert "after 4 attempts" in raised.value.message
    assert "m-01" in raised.value.message
    assert raised.value.details["usage"].llm_calls == 0
    assert raised.value.details["request_id"] == "req_004"
    assert raised.value.__cause__ is None


def test_429_on_every_attempt_raises_rate_limited(api: FakeAnthropic, sleeps: list[float]) -> None:
    for _ in range(2):
        api.reply(429, "error_rate_limit", **{"retry-after": "1"})

    with pytest.raises(RateLimited) as raised:
        extractor(api, sleeps, max_attempts=2).extract(WINDOW)

    assert len(api.requests) == 2
    assert sleeps == [1.0]
    assert raised.value.details["retry_after_s"] == 1.0


def test_a_retry_after_too_long_to_wait_is_handed_to_the_caller(
    api: FakeAnthropic, sleeps: list[float]
) -> None:
    api.reply(429, "error_rate_limit", **{"retry-after": "120"})

    with pytest.raises(RateLimited) as raised:
        extractor(api, sleeps, max_retry_after_s=60).extract(WINDOW)

    assert len(api.requests) == 1
    assert sleeps == []
    assert raised.value.details["retry_after_s"] == 120.0


def test_a_connection_error_is_retried(api: FakeAnthropic, sleeps: list[float]) -> None:
    api.reply(0, httpx2.ConnectError("connection refused")).reply(200, "message_valid")

    result = extractor(api, sleeps).extract(WINDOW)

    assert len(api.requests) == 2
    assert len(sleeps) == 1
    assert result.usage.llm_calls == 1


def test_timeouts_are_retried_then_reported_unavailable(
    api: FakeAnthropic, sleeps: list[float]
) -> None:
    for _ in range(3):
        api.reply(0, httpx2.ReadTimeout("timed out"))

    with pytest.raises(Unavailable) as raised:
        extractor(api, sleeps, max_attempts=3).extract(WINDOW)

    assert len(api.requests) == 3
    assert len(sleeps) == 2
    assert "ReadTimeout" in raised.value.message
    assert "after 3 attempts" in raised.value.message
    assert raised.value.details["usage"].llm_calls == 0


# --- permanent failures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body"), [(401, "error_authentication"), (403, "error_permission")]
)
def test_a_rejected_key_fails_at_once_without_revealing_it(
    api: FakeAnthropic,
    sleeps: list[float],
    logs: list[MutableMapping[str, Any]],
    status: int,
    body: str,
) -> None:
    api.reply(status, body).reply(200, "message_valid")

    with pytest.raises(AnthropicKeyRejected) as raised:
        extractor(api, sleeps).extract(WINDOW)

    assert len(api.requests) == 1
    assert sleeps == []
    assert "key was rejected by Anthropic" in str(raised.value)
    assert API_KEY not in str(raised.value)
    assert API_KEY not in repr(raised.value.details)
    assert raised.value.__cause__ is None  # the SDK error holds the request and its headers
    assert raised.value.__suppress_context__
    assert raised.value.details["request_id"] == "req_001"
    assert API_KEY not in repr(logs)


def test_a_bad_request_is_not_retried(api: FakeAnthropic, sleeps: list[float]) -> None:
    api.reply(400, "error_invalid_request").reply(200, "message_valid")

    with pytest.raises(AnthropicRejected) as raised:
        extractor(api, sleeps).extract(WINDOW)

    assert not isinstance(raised.value, AnthropicKeyRejected)
    assert len(api.requests) == 1
    assert sleeps == []
    assert "HTTP 400" in raised.value.message
    assert "prompt is too long" in raised.value.message


# --- logging ----------------------------------------------------------------------------------


def test_each_call_is_logged_with_tokens_and_latency_but_no_message_text(
    api: FakeAnthropic, sleeps: list[float], logs: list[MutableMapping[str, Any]]
) -> None:
    api.reply(200, "message_valid")

    extractor(api, sleeps).extract(WINDOW, context=CONTEXT)

    [call] = [e for e in logs if e["event"] == "llm.call"]
    assert call["log_level"] == "info"
    assert call["model"] == "claude-sonnet-4-6"
    assert call["prompt"] == "extract_window.v3"
    assert call["window_first_id"] == "m-01"
    assert (call["attempt"], call["reask"]) == (1, 0)
    assert (call["input_tokens"], call["output_tokens"]) == (1250, 310)
    assert (call["cache_write_tokens"], call["cache_read_tokens"]) == (1900, 0)
    assert call["latency_ms"] >= 0
    assert call["request_id"] == "req_001"
    logged = repr(logs)
    for message in [*CONTEXT, *WINDOW]:
        assert message.text not in logged
