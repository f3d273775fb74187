"""The one retry policy: what is worth another try, how long to wait, and what is said."""

from __future__ import annotations

import random

import pytest

from app.domain.usage import Usage
from app.errors import RateLimited, Unavailable
from app.llm.base import LLMAuthFailed, LLMRejected
from app.llm.retry import Failure, RetryPolicy, retry_after_s, retry_sync


@pytest.mark.parametrize(
    ("status", "error_type", "code", "kind"),
    [
        (429, "rate_limit_error", None, "retry"),
        (529, "overloaded_error", None, "retry"),
        (500, None, None, "retry"),
        (408, None, None, "retry"),
        (409, None, None, "retry"),
        (401, "authentication_error", None, "auth"),
        (403, "permission_error", None, "auth"),
        (400, "invalid_request_error", "invalid_api_key", "auth"),  # OpenAI's code
        (429, "insufficient_quota", "insufficient_quota", "rejected"),  # out of credit
        (404, "not_found_error", None, "rejected"),
        (400, "invalid_request_error", None, "rejected"),
        (200, "overloaded_error", None, "retry"),  # an error event inside a stream
        (200, "invalid_request_error", None, "rejected"),
    ],
)
def test_each_answer_is_classified(
    status: int, error_type: str | None, code: str | None, kind: str
) -> None:
    assert Failure.from_status(status, {}, error_type=error_type, code=code).kind == kind


def test_retry_after_is_read_in_milliseconds_seconds_or_as_a_date() -> None:
    assert retry_after_s({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_s({"retry-after": "7"}) == 7.0
    assert retry_after_s({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # past
    assert retry_after_s({}) is None


def _policy(**options: float) -> RetryPolicy:
    return RetryPolicy(rng=random.Random(3), **options)  # type: ignore[arg-type]


def test_backoff_doubles_within_its_cap_and_a_long_retry_after_gives_up() -> None:
    policy = _policy(max_attempts=6, base_s=1.0, max_s=4.0, max_retry_after_s=30.0)
    delays = [policy.delay_s(n) for n in range(1, 6)]
    assert 0.5 <= delays[0] <= 1.0
    assert all(2.0 <= d <= 4.0 for d in delays[2:])  # capped at max_s, half of it fixed
    waited = Failure("HTTP 429", status=429, retry_after_s=12.0)
    assert policy.next_delay(waited, 1) == 12.0
    too_long = Failure("HTTP 429", status=429, retry_after_s=120.0)
    assert policy.next_delay(too_long, 1) is None


class Boom(Exception):
    def __init__(self, failure: Failure) -> None:
        self.failure = failure


def _run(failures: list[Failure], policy: RetryPolicy) -> tuple[object, list[float]]:
    sleeps: list[float] = []
    queue = list(failures)

    def attempt() -> str:
        if queue:
            raise Boom(queue.pop(0))
        return "ok"

    result = retry_sync(
        attempt,
        lambda exc: exc.failure if isinstance(exc, Boom) else None,
        policy,
        vendor="OpenAI",
        what="extract the window starting at message m-01",
        usage=Usage(),
        sleep=sleeps.append,
        log_context={"usage": "a context key the logging must not take as its own"},
    )
    return result, sleeps


def test_retryable_failures_are_retried_then_succeed() -> None:
    result, sleeps = _run([Failure("HTTP 503", status=503)] * 2, _policy(max_attempts=3))
    assert result == "ok"
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    ("failure", "error", "text"),
    [
        (Failure("HTTP 503", status=503), Unavailable, "OpenAI unavailable (HTTP 503) after 2"),
        (Failure("HTTP 429", status=429), RateLimited, "OpenAI rate limited (HTTP 429) after 2"),
        (Failure("HTTP 400", kind="rejected", status=400), LLMRejected, "OpenAI rejected"),
    ],
)
def test_what_is_raised_says_who_what_and_why(
    failure: Failure, error: type[Exception], text: str
) -> None:
    with pytest.raises(error) as raised:
        _run([failure] * 5, _policy(max_attempts=2))
    assert text in str(raised.value)
    assert "extract the window starting at message m-01" in str(raised.value)


def test_a_rejected_key_is_not_retried_and_says_which_setting_to_fix() -> None:
    with pytest.raises(LLMAuthFailed) as raised:
        _run([Failure("HTTP 401", kind="auth", status=401)] * 5, _policy(max_attempts=4))
    assert raised.value.code == "LLM_AUTH"
    assert "rejected by OpenAI (HTTP 401)" in str(raised.value)
    assert "LIBRARIAN_LLM_API_KEY" in str(raised.value)
