"""Claude as an extractor: forced tool use, validated output, re-asks, backoff, prompt caching.

Cost: the pipeline calls :meth:`AnthropicExtractor.extract` once per window of ~20-40 messages,
and each window costs one Messages API call when nothing is re-asked or retried, so LLM calls
per message stay at or below 1/20. A re-ask (invalid output) adds one call; a retried 429/5xx
adds an HTTP request but no tokens and no ``llm_calls``. The fixed instructions and tool schema
carry a cache breakpoint, so after the first window they are billed at the cache-read price
(once the prefix passes the model's minimum cacheable length: 1,024 tokens on Sonnet).

Labels outside the closed vocabulary are *not* errors: they are normalised to snake_case and
passed through, because the label registry (pipeline step 4) maps raw labels to canonical ones
anyway, and re-asking over a label would spend a call on what the registry does for free.
Structural problems — schema violations, citations outside the window, keys that name no
entity — are errors and are re-asked.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import anthropic
import structlog
from anthropic.types import (
    ContentBlockParam,
    Message,
    MessageParam,
    TextBlock,
    TextBlockParam,
    ToolUseBlock,
)
from pydantic import ValidationError

from app.domain.models import Extraction, WindowMessage
from app.errors import LibrarianError, RateLimited, Unavailable
from app.extract.base import ExtractResult, Usage
from app.extract.prompts import ExtractionResponse, Prompt, extract_window

__all__ = [
    "DEFAULT_MODEL",
    "AnthropicExtractor",
    "AnthropicKeyRejected",
    "AnthropicRejected",
    "Backoff",
    "InvalidExtraction",
    "Prices",
]

log = structlog.get_logger(__name__)

DEFAULT_MODEL = "claude-sonnet-4-6"

_MAX_PROBLEMS_SHOWN = 20  # bounds the re-ask's tokens when the output is wrong everywhere


@dataclass(frozen=True)
class Prices:
    """US dollars per million tokens. The defaults are Claude Sonnet 4.6's list prices."""

    input: float = 3.00
    output: float = 15.00
    cache_write: float = 3.75  # 5-minute ephemeral cache
    cache_read: float = 0.30

    def cost_usd(self, usage: Usage) -> float:
        return (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_write_tokens * self.cache_write
            + usage.cache_read_tokens * self.cache_read
        ) / 1_000_000


@dataclass(frozen=True)
class Backoff:
    """How long to wait before retrying a call to Anthropic (seconds). A ``retry-after`` longer
    than ``max_retry_after_s`` is not waited out by the caller."""

    base_s: float
    max_s: float
    max_retry_after_s: float
    rng: random.Random

    def delay_s(self, attempt: int) -> float:
        """Exponential with "equal jitter": half the step is fixed, half random."""
        step = min(self.max_s, self.base_s * 2.0 ** (attempt - 1))
        return step / 2 + self.rng.uniform(0, step / 2)


class AnthropicRejected(LibrarianError):
    """Anthropic refused the request (a 4xx other than 429); sending it again will not help."""


class AnthropicKeyRejected(AnthropicRejected):
    """401/403: the configured key is wrong, revoked or lacks permission."""


class InvalidExtraction(LibrarianError):
    """The model's output stayed invalid after every re-ask."""


class AnthropicExtractor:
    """Extracts with Claude through one forced ``record_extraction`` tool call per window.

    ``client`` is the seam: tests pass an ``anthropic.Anthropic`` built on a mock transport.
    Without one, the SDK reads ``ANTHROPIC_API_KEY``. The SDK's own retries are switched off:
    this class retries 429, 5xx (529 overloaded included) and connection errors itself, at most
    ``max_attempts`` requests per call, sleeping ``retry-after`` when the response says so and
    otherwise an exponential backoff with jitter. Every error raised from :meth:`extract` carries
    ``details["usage"]``: the tokens and cost spent before it failed. SDK errors are never
    chained onto ours (``from None``): they hold the request, whose headers hold the key;
    ``details`` keeps the status and Anthropic's request id instead.
    """

    name = "anthropic"

    def __init__(
        self,
        client: anthropic.Anthropic | None = None,
        *,
        model: str = DEFAULT_MODEL,
        max_tokens: int = 4096,
        max_reasks: int = 2,
        max_attempts: int = 4,
        prices: Prices | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout_s: float = 120.0,
        backoff_base_s: float = 1.0,
        backoff_max_s: float = 30.0,
        max_retry_after_s: float = 60.0,
        rng: random.Random | None = None,
    ) -> None:
        """``max_retry_after_s``: a ``retry-after`` longer than this (seconds) is not waited
        out here; the error is raised at once with ``details["retry_after_s"]`` for the job
        queue to reschedule."""
        if max_attempts < 1 or max_reasks < 0 or max_tokens < 1:
            raise ValueError("need max_attempts >= 1, max_reasks >= 0 and max_tokens >= 1")
        base = client if client is not None else anthropic.Anthropic()
        self._client = base.with_options(max_retries=0, timeout=timeout_s)
        self.model = model
        self._max_tokens = max_tokens
        self._max_reasks = max_reasks
        self._max_attempts = max_attempts
        self._prices = prices or Prices()
        self._sleep = sleep
        self._backoff = Backoff(
            backoff_base_s,
            backoff_max_s,
            max_retry_after_s,
            rng or random.Random(),  # noqa: S311 (jitter only; nothing secret depends on it)
        )

    def extract(
        self, window: Sequence[WindowMessage], *, context: Sequence[WindowMessage] = ()
    ) -> ExtractResult:
        usage = Usage()
        if not window:
            return ExtractResult(Extraction(), usage)
        prompt = extract_window(window, context)
        first_id = window[0].id
        window_ids = [m.id for m in window]
        context_ids = [m.id for m in context]
        opening: MessageParam = {"role": "user", "content": prompt.user}
        messages: list[MessageParam] = [opening]

        for reask in range(self._max_reasks + 1):
            response = self._send(prompt, messages, usage, first_id=first_id, reask=reask)
            tool_use = _tool_use(response, prompt.tool["name"])
            parsed, problems = None, [f"you did not call {prompt.tool['name']}"]
            if tool_use is not None:
                parsed, problems = _parse(prompt, tool_use.input, window_ids, context_ids)
            if response.stop_reason == "max_tokens":
                # A cut-off answer can still parse (as a prefix of the whole), so it is never kept.
                problems.insert(
                    0,
                    f"your output was cut off at the {self._max_tokens}-token limit; record "
                    "fewer items (leave out the least certain) and keep values short",
                )
            if parsed is not None and not problems:
                off_vocabulary = parsed.off_vocabulary()
                if off_vocabulary:
                    log.info(
                        "extract.off_vocabulary", window_first_id=first_id, labels=off_vocabulary
                    )
                return ExtractResult(parsed.to_extraction(), usage)
            if reask == self._max_reasks:
                log.warning(
                    "anthropic.invalid_output",
                    window_first_id=first_id,
                    reasks=reask,
                    problem_count=len(problems),
                )
                raise InvalidExtraction(
                    f"Claude's extraction for the window starting at message {first_id} was "
                    f"still invalid after {reask} re-asks: " + "; ".join(problems[:3]),
                    window_first_id=first_id,
                    problems=problems,
                    usage=usage,
                )
            log.warning(
                "anthropic.reask",
                window_first_id=first_id,
                reask=reask + 1,
                problem_count=len(problems),
            )
            log.debug("anthropic.reask_problems", window_first_id=first_id, problems=problems)
            # Only the latest failed answer is replayed: the window stays the same, and earlier
            # wrong answers would cost tokens without helping.
            messages = [opening, *_reask_turns(response, tool_use, problems)]
        raise AssertionError("unreachable: the loop returns or raises")

    def _send(
        self,
        prompt: Prompt[ExtractionResponse],
        messages: list[MessageParam],
        usage: Usage,
        *,
        first_id: str,
        reask: int,
    ) -> Message:
        """One Messages API call, retried on 429/5xx/connection errors; adds to ``usage``."""
        failure: anthropic.APIError | None = None
        for attempt in range(1, self._max_attempts + 1):
            started = time.perf_counter()
            try:
                response = self._client.messages.create(
                    model=self.model,
                    max_tokens=self._max_tokens,
                    system=prompt.system,
                    messages=messages,
                    tools=[prompt.tool],
                    tool_choice={
                        "type": "tool",
                        "name": prompt.tool["name"],
                        "disable_parallel_tool_use": True,
                    },
                )
            except anthropic.APIStatusError as exc:
                if exc.status_code in (401, 403):
                    log.error(
                        "anthropic.key_rejected", status=exc.status_code, request_id=exc.request_id
                    )
                    raise AnthropicKeyRejected(
                        f"ANTHROPIC_API_KEY rejected by Anthropic (HTTP {exc.status_code}): "
                        "set a valid key, or unset it to use the local extractor",
                        status=exc.status_code,
                        request_id=exc.request_id,
                        usage=usage,
                    ) from None
                if exc.status_code != 429 and exc.status_code < 500:
                    raise AnthropicRejected(
                        f"Anthropic rejected the extraction request for the window starting at "
                        f"message {first_id} (HTTP {exc.status_code}): "
                        f"{exc.api_message or 'no reason given'}",
                        status=exc.status_code,
                        request_id=exc.request_id,
                        usage=usage,
                    ) from None
                failure = exc
            except anthropic.APIConnectionError as exc:
                failure = exc
            else:
                self._record(response, usage)
                log.info(
                    "anthropic.call",
                    prompt=prompt.name,
                    model=response.model,
                    window_first_id=first_id,
                    attempt=attempt,
                    reask=reask,
                    input_tokens=response.usage.input_tokens,
                    output_tokens=response.usage.output_tokens,
                    cache_read_tokens=response.usage.cache_read_input_tokens or 0,
                    cache_write_tokens=response.usage.cache_creation_input_tokens or 0,
                    latency_ms=round((time.perf_counter() - started) * 1000),
                    stop_reason=response.stop_reason,
                    request_id=response._request_id,
                )
                return response

            status = failure.status_code if isinstance(failure, anthropic.APIStatusError) else None
            hinted = retry_after_s(failure)
            if attempt == self._max_attempts or (
                hinted is not None and hinted > self._backoff.max_retry_after_s
            ):
                break
            delay = hinted if hinted is not None else self._backoff.delay_s(attempt)
            log.warning(
                "anthropic.retry",
                window_first_id=first_id,
                attempt=attempt,
                status=status,
                error=type(failure).__name__,
                delay_s=round(delay, 3),
                retry_after=hinted is not None,
            )
            self._sleep(delay)

        assert failure is not None
        raise _exhausted(failure, attempt, first_id, usage) from None

    def _record(self, response: Message, usage: Usage) -> None:
        usage.llm_calls += 1
        usage.input_tokens += response.usage.input_tokens
        usage.output_tokens += response.usage.output_tokens
        usage.cache_read_tokens += response.usage.cache_read_input_tokens or 0
        usage.cache_write_tokens += response.usage.cache_creation_input_tokens or 0
        usage.cost_usd = self._prices.cost_usd(usage)


def _tool_use(response: Message, tool_name: str) -> ToolUseBlock | None:
    for block in response.content:
        if isinstance(block, ToolUseBlock) and block.name == tool_name:
            return block
    return None


def _parse(
    prompt: Prompt[ExtractionResponse],
    tool_input: object,
    window_ids: list[str],
    context_ids: list[str],
) -> tuple[ExtractionResponse | None, list[str]]:
    try:
        parsed = prompt.response_model.model_validate(tool_input)
    except ValidationError as exc:
        return None, [_describe(error["loc"], error["msg"]) for error in exc.errors()]
    return parsed, parsed.problems(window_ids, context_ids)


def _describe(loc: tuple[int | str, ...], message: str) -> str:
    # Pydantic's own text is used, never the offending input: that may quote message text.
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    return f"{where.lstrip('.') or 'input'}: {message}"


def _reask_turns(
    response: Message, tool_use: ToolUseBlock | None, problems: list[str]
) -> list[MessageParam]:
    """The failed answer and the correction that follows it."""
    shown = problems[:_MAX_PROBLEMS_SHOWN]
    if len(problems) > len(shown):
        shown.append(f"... and {len(problems) - len(shown)} more")
    listing = "\n".join(f"- {problem}" for problem in shown)
    texts: list[ContentBlockParam] = [
        {"type": "text", "text": block.text}
        for block in response.content
        if isinstance(block, TextBlock) and block.text.strip()
    ]
    if tool_use is None:
        if not texts:  # an empty assistant turn is not accepted; the forced tool_choice stands
            return []
        reminder: TextBlockParam = {
            "type": "text",
            "text": f"Problems:\n{listing}\nCall record_extraction with the extraction.",
        }
        return [{"role": "assistant", "content": texts}, {"role": "user", "content": [reminder]}]
    replayed: ContentBlockParam = {
        "type": "tool_use",
        "id": tool_use.id,
        "name": tool_use.name,
        "input": tool_use.input,
    }
    return [
        {"role": "assistant", "content": [*texts, replayed]},
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": tool_use.id,
                    "is_error": True,
                    "content": (
                        f"The {tool_use.name} input was invalid:\n{listing}\n"
                        f"Call {tool_use.name} again with the whole corrected extraction."
                    ),
                }
            ],
        },
    ]


def retry_after_s(failure: anthropic.APIError) -> float | None:
    """The server's requested wait in seconds (``retry-after-ms``, then ``retry-after``)."""
    if not isinstance(failure, anthropic.APIStatusError):
        return None
    headers = failure.response.headers
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


def _exhausted(
    failure: anthropic.APIError, attempts: int, first_id: str, usage: Usage
) -> LibrarianError:
    status = failure.status_code if isinstance(failure, anthropic.APIStatusError) else None
    hinted = retry_after_s(failure)
    kind = "rate limited" if status == 429 else "unavailable"
    text = (
        f"Anthropic {kind} ({f'HTTP {status}' if status else type(failure).__name__}) after "
        f"{attempts} attempt{'s' if attempts != 1 else ''} for the window starting at message "
        f"{first_id}"
    )
    error_type = RateLimited if status == 429 else Unavailable
    request_id = failure.request_id if isinstance(failure, anthropic.APIStatusError) else None
    return error_type(text, status=status, retry_after_s=hinted, request_id=request_id, usage=usage)
