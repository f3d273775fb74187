"""Claude through Anthropic's Messages API: forced tool use for structured output, prompt
caching, streamed text.

Structured calls force one tool call (``tool_choice``) whose input schema is the response
model's; the fixed instructions carry a cache breakpoint, so after the first call of a run they
are billed at the cache-read price (once the prefix passes the model's minimum cacheable length:
1,024 tokens on Sonnet). An invalid answer is re-asked by replaying it with a ``tool_result``
that lists the problems. The SDK's own retries are off: ``app.llm.retry`` retries.

``client`` / ``async_client`` are the seam: tests pass SDK clients built on a mock transport.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import anthropic
import httpx2
import structlog
from anthropic.types import Message, MessageParam, TextBlockParam, ToolParam
from pydantic import BaseModel

from app.errors import Unavailable
from app.llm._anthropic_wire import StreamCall, classified, classify, reask_turns, tool_use_of
from app.llm.base import (
    InvalidOutput,
    StreamEnd,
    Structured,
    StructuredRequest,
    TextEvent,
    TextRequest,
    Usage,
    schema_of,
)
from app.llm.base import TextDelta as Delta
from app.llm.pricing import Prices, prices_for
from app.llm.ratelimit import NoLimit, RateLimiter, estimate_tokens
from app.llm.retry import Failure, RetryPolicy, retry_sync
from app.llm.validation import validate

__all__ = ["DEFAULT_MODEL", "AnthropicLLM", "classify"]

log = structlog.get_logger(__name__)

DEFAULT_MODEL = "claude-sonnet-4-6"
VENDOR = "Anthropic"
M = TypeVar("M", bound=BaseModel)


class AnthropicLLM:
    """Claude. ``policy`` retries structured calls; ``stream_policy`` retries a stream before
    its first delta (someone is waiting, so it gives up sooner)."""

    provider = "anthropic"

    def __init__(
        self,
        client: anthropic.Anthropic | None = None,
        async_client: anthropic.AsyncAnthropic | None = None,
        *,
        model: str = DEFAULT_MODEL,
        api_key: str | None = None,
        base_url: str | None = None,
        prices: Prices | None = None,
        limiter: RateLimiter | None = None,
        policy: RetryPolicy | None = None,
        stream_policy: RetryPolicy | None = None,
        max_reasks: int = 2,
        timeout_s: float = 120.0,
        stream_timeout_s: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if max_reasks < 0:
            raise ValueError("max_reasks must be 0 or more")
        sync_base = client or anthropic.Anthropic(api_key=api_key, base_url=base_url)
        async_base = async_client or anthropic.AsyncAnthropic(api_key=api_key, base_url=base_url)
        self._client = sync_base.with_options(max_retries=0, timeout=timeout_s)
        self._async = async_base.with_options(max_retries=0, timeout=stream_timeout_s)
        self.model = model
        self.vendor = VENDOR
        self._prices = prices or prices_for(model)
        self._limiter = limiter or NoLimit()
        self._policy = policy or RetryPolicy()
        self._stream_policy = stream_policy or RetryPolicy(
            max_attempts=3, base_s=0.5, max_s=8.0, max_retry_after_s=20.0
        )
        self._max_reasks = max_reasks
        self._sleep = sleep
        self._async_sleep = async_sleep

    # --- structured output -------------------------------------------------------------------

    def structured(self, request: StructuredRequest[M]) -> Structured[M]:
        usage = Usage()
        tool: ToolParam = {
            "name": request.tool_name,
            "description": request.tool_description,
            "input_schema": schema_of(request.response_model),
        }
        # The breakpoint on the last fixed block caches tools and system together.
        system: list[TextBlockParam] = [
            {"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}
        ]
        opening: MessageParam = {"role": "user", "content": request.user}
        messages: list[MessageParam] = [opening]
        for reask in range(self._max_reasks + 1):
            response = self._send(request, system, tool, messages, usage, reask)
            tool_use = tool_use_of(response, request.tool_name)
            value: M | None = None
            problems = [f"you did not call {request.tool_name}"]
            if tool_use is not None:
                value, problems = validate(request, tool_use.input)
            if response.stop_reason == "max_tokens":
                # A cut-off answer can still parse (as a prefix of the whole), so it is never kept.
                problems.insert(
                    0,
                    f"your output was cut off at the {request.max_tokens}-token limit; record "
                    "fewer items (leave out the least certain) and keep values short",
                )
            if value is not None and not problems:
                return Structured(value, usage)
            if reask == self._max_reasks:
                raise _invalid(request, reask, problems, usage)
            log.warning(
                "llm.reask", prompt=request.name, reask=reask + 1, problem_count=len(problems),
                **request.context,
            )  # fmt: skip
            # Only the latest failed answer is replayed: earlier ones cost tokens, help nothing.
            messages = [opening, *reask_turns(response, tool_use, request.tool_name, problems)]
        raise AssertionError("unreachable: the loop returns or raises")

    def _send(
        self,
        request: StructuredRequest[Any],
        system: list[TextBlockParam],
        tool: ToolParam,
        messages: list[MessageParam],
        usage: Usage,
        reask: int,
    ) -> Message:
        """One Messages API call, retried by the policy; adds to ``usage``."""
        estimate = estimate_tokens(request.system, request.user) + request.max_tokens
        attempts = 0

        def attempt() -> Message:
            nonlocal attempts
            attempts += 1
            self._limiter.acquire(estimate)
            started = time.perf_counter()
            response = self._client.messages.create(
                model=self.model,
                max_tokens=request.max_tokens,
                system=system,
                messages=messages,
                tools=[tool],
                tool_choice={
                    "type": "tool",
                    "name": request.tool_name,
                    "disable_parallel_tool_use": True,
                },
            )
            self._record(response, usage, estimate)
            log.info(
                "llm.call",
                provider=self.provider,
                prompt=request.name,
                model=response.model,
                attempt=attempts,
                reask=reask,
                input_tokens=response.usage.input_tokens,
                output_tokens=response.usage.output_tokens,
                cache_read_tokens=response.usage.cache_read_input_tokens or 0,
                cache_write_tokens=response.usage.cache_creation_input_tokens or 0,
                latency_ms=round((time.perf_counter() - started) * 1000),
                stop_reason=response.stop_reason,
                request_id=response._request_id,
                **request.context,
            )
            return response

        return retry_sync(
            attempt,
            classify,
            self._policy,
            vendor=self.vendor,
            what=_what(request),
            usage=usage,
            sleep=self._sleep,
            log_context={"prompt": request.name, **request.context},
        )

    def _record(self, response: Message, usage: Usage, estimate: int) -> None:
        counts = response.usage
        usage.llm_calls += 1
        usage.input_tokens += counts.input_tokens
        usage.output_tokens += counts.output_tokens
        usage.cache_read_tokens += counts.cache_read_input_tokens or 0
        usage.cache_write_tokens += counts.cache_creation_input_tokens or 0
        usage.cost_usd = self._prices.cost_usd(usage)
        self._limiter.spend(counts.input_tokens + counts.output_tokens - estimate)

    # --- streamed text -----------------------------------------------------------------------

    async def stream_text(self, request: TextRequest) -> AsyncIterator[TextEvent]:
        usage = Usage()
        policy = self._stream_policy
        estimate = estimate_tokens(request.system, request.user) + request.max_tokens
        sent = 0  # deltas yielded: once above zero, nothing is retried
        for attempt in range(1, policy.max_attempts + 1):
            call = StreamCall()
            failure: Failure | None = None
            started = time.perf_counter()
            await self._limiter.acquire_async(estimate)
            try:
                stream = await self._async.messages.create(
                    model=self.model,
                    max_tokens=request.max_tokens,
                    system=[
                        {
                            "type": "text",
                            "text": request.system,
                            "cache_control": {"type": "ephemeral"},
                        }
                    ],
                    messages=[{"role": "user", "content": request.user}],
                    stream=True,
                )
            except Exception as exc:
                failure = classified(exc)
            else:
                call.request_id = stream.response.headers.get("request-id")
                try:
                    async for event in stream:
                        text = call.observe(event)
                        if text:
                            sent += 1
                            yield Delta(text)
                    if not call.stopped:
                        failure = Failure("the stream ended before message_stop")
                except (anthropic.APIError, httpx2.TransportError) as exc:
                    failure = classified(exc)
                finally:
                    await stream.close()
                    usage.add(call.usage)
                    usage.cost_usd = self._prices.cost_usd(usage)
                    # Off the event loop: a slow Redis must not stall every request.
                    await asyncio.to_thread(
                        self._limiter.spend,
                        call.usage.input_tokens + call.usage.output_tokens - estimate,
                    )
            if failure is None:
                self._log_stream(request, call, attempt, started)
                yield StreamEnd(usage, call.stop_reason, call.model, call.request_id)
                return
            failure.request_id = failure.request_id or call.request_id
            if sent:
                log.error(
                    "llm.stream_broken", provider=self.provider, attempt=attempt,
                    deltas_sent=sent, reason=failure.reason, request_id=failure.request_id,
                )  # fmt: skip
                raise Unavailable(
                    f"{self.vendor}'s answer broke off after {sent} "
                    f"part{'s' if sent != 1 else ''} had been sent ({failure.reason})",
                    reason=failure.reason,
                    status=failure.status,
                    error_type=failure.error_type,
                    request_id=failure.request_id,
                    tokens_sent=sent,
                    usage=usage,
                ) from None
            delay = policy.next_delay(failure, attempt)
            if delay is None:
                raise failure.error(self.vendor, "answer", attempt, usage) from None
            log.warning(
                "llm.retry", vendor=self.vendor, attempt=attempt, status=failure.status,
                error=failure.reason, delay_s=round(delay, 3),
                retry_after=failure.retry_after_s is not None,
            )  # fmt: skip
            await self._async_sleep(delay)

    def _log_stream(
        self, request: TextRequest, call: StreamCall, attempt: int, started: float
    ) -> None:
        log.info(
            "llm.call",
            provider=self.provider,
            prompt=request.name,
            model=call.model or self.model,
            attempt=attempt,
            input_tokens=call.usage.input_tokens,
            output_tokens=call.usage.output_tokens,
            cache_read_tokens=call.usage.cache_read_tokens,
            cache_write_tokens=call.usage.cache_write_tokens,
            latency_ms=round((time.perf_counter() - started) * 1000),
            stop_reason=call.stop_reason,
            request_id=call.request_id,
        )

    # --- health ------------------------------------------------------------------------------

    async def ping(self) -> None:
        """The model's entry in the Models API: no tokens spent, proves key and model."""
        try:
            await self._async.models.retrieve(self.model)
        except Exception as exc:
            failure = classified(exc)
            raise failure.error(self.vendor, f"look up {self.model}", 1, Usage()) from None


def _what(request: StructuredRequest[Any]) -> str:
    return request.what or f"answer {request.name}"


def _invalid(
    request: StructuredRequest[Any], reasks: int, problems: list[str], usage: Usage
) -> InvalidOutput:
    log.warning(
        "llm.invalid_output", prompt=request.name, reasks=reasks, problem_count=len(problems),
        **request.context,
    )  # fmt: skip
    return InvalidOutput(
        f"{VENDOR}'s answer to {_what(request)} was still invalid after {reasks} re-asks: "
        + "; ".join(problems[:3]),
        problems=problems,
        usage=usage,
        **request.context,
    )
