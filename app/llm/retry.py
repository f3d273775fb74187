"""One retry policy for every LLM call, whichever vendor and caller.

- 429, 5xx (529 overloaded included), timeouts and cut connections are retried, at most
  ``max_attempts`` requests per call, after the server's ``retry-after`` (or ``retry-after-ms``)
  when it gives one and otherwise an exponential backoff with "equal jitter".
- A ``retry-after`` longer than ``max_retry_after_s`` is not waited out by the caller: the error
  is raised at once with ``details["retry_after_s"]``, so a job queue can reschedule it.
- 401/403 fail at once as :class:`LLMAuthFailed` (``LLM_AUTH``); another 4xx as
  :class:`LLMRejected`.

SDK errors are described by :class:`Failure` and never chained onto ours (``from None``): they
hold the request, whose headers hold the key.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal, TypeVar

import structlog

from app.errors import LibrarianError
from app.llm.base import LLMAuthFailed, LLMRateLimited, LLMRejected, LLMUnavailable, Usage

__all__ = ["Failure", "RetryPolicy", "retry_after_s", "retry_async", "retry_sync", "root_cause"]

log = structlog.get_logger(__name__)
T = TypeVar("T")

# Error types a vendor may report inside a 200 stream that sending again will not fix.
_AUTH_ERROR_TYPES = frozenset({"authentication_error", "permission_error", "invalid_api_key"})
# A timeout, a conflict and a rate limit are worth another try, as both vendors' SDKs retry them.
_RETRIED_STATUSES = frozenset({408, 409, 429})
# Out of credit is not a wrong key: it is refused (LLMRejected) with the vendor's own words.
_PERMANENT_ERROR_TYPES = frozenset(
    {
        "invalid_request_error", "not_found_error", "request_too_large", "billing_error",
        "insufficient_quota", "model_not_found",
    }
)  # fmt: skip


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry (seconds)."""

    max_attempts: int = 4
    base_s: float = 1.0
    max_s: float = 30.0
    max_retry_after_s: float = 60.0
    rng: random.Random = field(
        default_factory=lambda: random.Random()  # noqa: S311 (jitter only)
    )

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def delay_s(self, attempt: int) -> float:
        """Exponential with "equal jitter": half the step is fixed, half random."""
        step = min(self.max_s, self.base_s * 2.0 ** (attempt - 1))
        return step / 2 + self.rng.uniform(0, step / 2)

    def next_delay(self, failure: Failure, attempt: int) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; None to give up."""
        if failure.kind != "retry" or attempt >= self.max_attempts:
            return None
        hinted = failure.retry_after_s
        if hinted is not None:
            return hinted if hinted <= self.max_retry_after_s else None
        return self.delay_s(attempt)


@dataclass
class Failure:
    """One failed attempt, without the SDK error that holds the request (and the key)."""

    reason: str
    kind: Literal["retry", "auth", "rejected"] = "retry"
    status: int | None = None
    error_type: str | None = None
    api_message: str | None = None
    request_id: str | None = None
    retry_after_s: float | None = None

    @classmethod
    def from_status(
        cls,
        status: int,
        headers: Mapping[str, str],
        *,
        error_type: str | None = None,
        code: str | None = None,
        api_message: str | None = None,
        request_id: str | None = None,
    ) -> Failure:
        """A refused request (HTTP status), or an error event inside a 200 stream. ``code`` is
        the specific reason where a vendor gives one beside a broad ``error_type`` (OpenAI:
        type ``invalid_request_error``, code ``invalid_api_key``)."""
        in_stream = status < 400
        reasons = {error_type, code}
        kind: Literal["retry", "auth", "rejected"]
        if status in (401, 403) or reasons & _AUTH_ERROR_TYPES:
            kind = "auth"
        elif reasons & _PERMANENT_ERROR_TYPES - {"invalid_request_error"} or (
            in_stream and "invalid_request_error" in reasons
        ):
            # Out of credit comes as a 429 from OpenAI: waiting will not top it up.
            kind = "rejected"
        elif not in_stream and status not in _RETRIED_STATUSES and status < 500:
            kind = "rejected"
        else:
            kind = "retry"
        reason = f"{error_type or 'error'} in the stream" if in_stream else f"HTTP {status}"
        return cls(
            reason,
            kind=kind,
            status=None if in_stream else status,
            error_type=error_type,
            api_message=api_message,
            request_id=request_id,
            retry_after_s=None if in_stream else retry_after_s(headers),
        )

    @classmethod
    def connection(cls, exc: BaseException) -> Failure:
        """A timeout or a cut connection: always worth another try."""
        return cls(root_cause(exc))

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or self.error_type in ("rate_limit_error", "rate_limit_exceeded")

    def error(self, vendor: str, what: str, attempts: int, usage: Usage) -> LibrarianError:
        """The error to raise for this failure, once it is not retried any more."""
        details = {
            "status": self.status,
            "error_type": self.error_type,
            "request_id": self.request_id,
            "usage": usage,
        }
        if self.kind == "auth":
            log.error(
                "llm.key_rejected", vendor=vendor, status=self.status, request_id=self.request_id
            )
            return LLMAuthFailed(
                f"the LLM key was rejected by {vendor} ({self.reason}): set a valid "
                "LIBRARIAN_LLM_API_KEY, or LIBRARIAN_LLM_PROVIDER=none to work offline",
                **details,
            )
        if self.kind == "rejected":
            return LLMRejected(
                f"{vendor} rejected the request to {what} ({self.reason}): "
                f"{self.api_message or 'no reason given'}",
                **details,
            )
        state = "rate limited" if self.rate_limited else "unavailable"
        error_type = LLMRateLimited if self.rate_limited else LLMUnavailable
        plural = "s" if attempts != 1 else ""
        return error_type(
            f"{vendor} {state} ({self.reason}) after {attempts} attempt{plural} to {what}",
            retry_after_s=self.retry_after_s,
            **details,
        )


def retry_after_s(headers: Mapping[str, str]) -> float | None:
    """The server's requested wait in seconds (``retry-after-ms``, then ``retry-after`` as
    seconds or an HTTP date); None when it gives none."""
    try:
        if "retry-after-ms" in headers:
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        if "retry-after" in headers:
            return max(0.0, float(headers["retry-after"]))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(headers.get("retry-after", ""))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def root_cause(exc: BaseException) -> str:
    """What cut the connection, named by its first cause: SDKs wrap the transport's error (a
    ``ReadError`` becomes an ``APIConnectionError``) in ways that change between versions."""
    cause, seen = exc, {id(exc)}
    while (nxt := cause.__cause__ or cause.__context__) is not None and id(nxt) not in seen:
        seen.add(id(nxt))
        cause = nxt
    name = type(cause).__name__
    return name if cause is exc else f"{type(exc).__name__}: {name}"


def retry_sync(
    attempt: Callable[[], T],
    classify: Callable[[Exception], Failure | None],
    policy: RetryPolicy,
    *,
    vendor: str,
    what: str,
    usage: Usage,
    sleep: Callable[[float], None] = time.sleep,
    log_context: Mapping[str, object] | None = None,
) -> T:
    """``attempt()`` until it returns, retrying what ``classify`` calls a retryable failure.
    An exception ``classify`` returns None for is not the vendor's and propagates as it is."""
    for number in range(1, policy.max_attempts + 1):
        try:
            return attempt()
        except Exception as exc:
            failure = classify(exc)
            if failure is None:
                raise
        delay = policy.next_delay(failure, number)
        if delay is None:
            raise failure.error(vendor, what, number, usage) from None
        _log_retry(vendor, failure, number, delay, log_context or {})
        sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")


async def retry_async(
    attempt: Callable[[], Awaitable[T]],
    classify: Callable[[Exception], Failure | None],
    policy: RetryPolicy,
    *,
    vendor: str,
    what: str,
    usage: Usage,
    sleep: Callable[[float], Awaitable[None]],
    log_context: Mapping[str, object] | None = None,
) -> T:
    """:func:`retry_sync` for coroutines."""
    for number in range(1, policy.max_attempts + 1):
        try:
            return await attempt()
        except Exception as exc:
            failure = classify(exc)
            if failure is None:
                raise
        delay = policy.next_delay(failure, number)
        if delay is None:
            raise failure.error(vendor, what, number, usage) from None
        _log_retry(vendor, failure, number, delay, log_context or {})
        await sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _log_retry(
    vendor: str, failure: Failure, attempt: int, delay: float, context: Mapping[str, object]
) -> None:
    log.warning(
        "llm.retry",
        vendor=vendor,
        attempt=attempt,
        status=failure.status,
        error=failure.reason,
        delay_s=round(delay, 3),
        retry_after=failure.retry_after_s is not None,
        **context,
    )
