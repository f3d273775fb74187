"""OpenAI, or any server that speaks its Chat Completions API (Azure OpenAI, Ollama, vLLM,
LM Studio, llama.cpp's server), behind the :class:`app.llm.base.LLM` interface.

- :meth:`OpenAILLM.structured` asks for a JSON schema (``response_format`` ``json_schema``,
  not strict: strict mode refuses common schema features). A server that refuses that format
  (older vLLM, llama.cpp, LM Studio answer 400) is asked in JSON mode instead, with the schema
  in the system prompt, from then on. Either way the answer is validated here and re-asked
  with its problems; an answer cut off at the token limit is never kept.
- :meth:`OpenAILLM.stream_text` streams text deltas, then one :class:`StreamEnd`.
- :meth:`OpenAILLM.ping` proves endpoint, key and model with the cheapest call there is.

The SDK's own retries are off: every request goes through :mod:`app.llm.retry`, and through
the rate limiter first. SDK errors are never chained onto ours: they hold the request, whose
headers hold the key.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar

import openai
import structlog
from openai import omit
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from openai.types.chat.completion_create_params import ResponseFormat
from pydantic import BaseModel

from app.errors import Unavailable
from app.llm import _openai_wire as wire
from app.llm.base import (
    InvalidOutput,
    StreamEnd,
    Structured,
    StructuredRequest,
    TextDelta,
    TextEvent,
    TextRequest,
    Usage,
    schema_of,
)
from app.llm.pricing import Prices, prices_for
from app.llm.ratelimit import NoLimit, RateLimiter, estimate_tokens
from app.llm.retry import Failure, RetryPolicy, retry_async, retry_sync
from app.llm.validation import MAX_PROBLEMS_SHOWN

__all__ = ["DEFAULT_STREAM_POLICY", "OpenAILLM"]

log = structlog.get_logger(__name__)
M = TypeVar("M", bound=BaseModel)

DEFAULT_STREAM_POLICY = RetryPolicy(max_attempts=3, base_s=0.5, max_s=8, max_retry_after_s=20)
_PING_FALLBACK_STATUSES = frozenset({404, 405, 501})  # no GET /models/{id} on this server


class OpenAILLM:
    """A model behind an OpenAI-compatible Chat Completions endpoint.

    ``client``/``async_client`` are used as given (tests pass ones over a mock transport);
    without them they are built from ``api_key`` and ``base_url`` (a local server needs no key).
    """

    provider = "openai"

    def __init__(
        self,
        client: openai.OpenAI | None = None,
        async_client: openai.AsyncOpenAI | None = None,
        *,
        model: str,
        api_key: str | None = None,
        base_url: str | None = None,
        prices: Prices | None = None,
        limiter: RateLimiter | None = None,
        policy: RetryPolicy | None = None,
        stream_policy: RetryPolicy | None = None,
        max_reasks: int = 2,
        timeout_s: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if max_reasks < 0:
            raise ValueError("max_reasks must be 0 or more")
        self.model = model
        self._client, self._async = wire.make_clients(
            client, async_client, api_key, base_url, timeout_s
        )
        host = self._client.base_url.host
        self.vendor = wire.vendor_name(host)
        self._completion_tokens = wire.uses_max_completion_tokens(host)
        self._secret = api_key or self._client.api_key
        self._prices = prices if prices is not None else prices_for(model)
        self._limiter: RateLimiter = limiter if limiter is not None else NoLimit()
        self._policy = policy if policy is not None else RetryPolicy()
        self._stream_policy = stream_policy if stream_policy is not None else DEFAULT_STREAM_POLICY
        self._max_reasks = max_reasks
        self._sleep = sleep
        self._async_sleep = async_sleep
        self._json_mode = False  # set for good once the server refuses a json_schema format

    @property
    def json_mode(self) -> bool:
        """True once this server was found not to take a JSON schema (JSON mode is used)."""
        return self._json_mode

    # --- structured answers -------------------------------------------------------------------

    def structured(self, request: StructuredRequest[M]) -> Structured[M]:
        usage = Usage()
        schema = schema_of(request.response_model)
        history: list[ChatCompletionMessageParam] = []
        reasks = 0
        while True:
            try:
                completion = self._complete(request, schema, history, usage)
            except wire.SchemaUnsupported:
                self._use_json_mode()
                continue
            value, problems, answer = wire.read_answer(request, completion)
            if value is not None:
                return Structured(value, usage)
            log.warning(
                "llm.invalid_output",
                provider=self.provider,
                model=self.model,
                prompt=request.name,
                reask=reasks,
                problems=problems[:MAX_PROBLEMS_SHOWN],
                request_id=completion._request_id,
            )
            if reasks >= self._max_reasks:
                break
            reasks += 1
            history.append({"role": "assistant", "content": answer or "(no answer)"})
            history.append({"role": "user", "content": wire.reask_message(problems)})
        plural = "s" if reasks != 1 else ""
        raise InvalidOutput(
            f"{self.vendor}'s answer to {_what(request)} was still invalid after {reasks} "
            f"re-ask{plural}: " + "; ".join(problems[:3]),
            **{
                **request.context,
                "problems": problems,
                "usage": usage,
                "request_id": completion._request_id,
            },
        )

    def _complete(
        self,
        request: StructuredRequest[M],
        schema: dict[str, Any],
        history: list[ChatCompletionMessageParam],
        usage: Usage,
    ) -> ChatCompletion:
        """One answer (retried per the policy), its usage added to ``usage``."""
        json_mode = self._json_mode
        system = (
            wire.json_mode_system(
                request.system, schema, request.tool_name, request.tool_description
            )
            if json_mode
            else request.system
        )
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": system},
            {"role": "user", "content": request.user},
            *history,
        ]
        response_format: ResponseFormat = (
            {"type": "json_object"}
            if json_mode
            else {
                "type": "json_schema",
                "json_schema": {
                    "name": request.tool_name,
                    "description": request.tool_description,
                    "schema": schema,
                    "strict": False,
                },
            }
        )
        estimate = estimate_tokens(*wire.message_tokens(messages)) + request.max_tokens
        started = time.perf_counter()

        def attempt() -> ChatCompletion:
            nonlocal started
            self._limiter.acquire(estimate)
            started = time.perf_counter()
            try:
                return self._client.chat.completions.create(
                    model=self.model,
                    messages=messages,
                    response_format=response_format,
                    max_tokens=omit if self._completion_tokens else request.max_tokens,
                    max_completion_tokens=request.max_tokens if self._completion_tokens else omit,
                )
            except openai.APIStatusError as exc:
                if not json_mode and wire.rejects_json_schema(exc):
                    raise wire.SchemaUnsupported from None
                raise

        completion = retry_sync(
            attempt,
            self._classify,
            self._policy,
            vendor=self.vendor,
            what=_what(request),
            usage=usage,
            sleep=self._sleep,
            log_context={"prompt": request.name, **request.context},
        )
        call = wire.count_usage(completion.usage)
        self._spend(estimate, call)
        wire.add_usage(usage, call, self._prices)
        choice = completion.choices[0] if completion.choices else None
        self._log_call(
            request.name,
            call,
            started,
            {
                "model": completion.model,
                "finish_reason": choice.finish_reason if choice else None,
                "request_id": completion._request_id,
                "json_mode": json_mode,
            },
            request.context,
        )
        return completion

    def _use_json_mode(self) -> None:
        if not self._json_mode:
            self._json_mode = True
            log.warning(
                "llm.json_mode_fallback",
                provider=self.provider,
                vendor=self.vendor,
                model=self.model,
                reason="the server refused response_format json_schema",
            )

    # --- streamed text ------------------------------------------------------------------------

    async def stream_text(self, request: TextRequest) -> AsyncIterator[TextEvent]:
        usage = Usage()
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": request.system},
            {"role": "user", "content": request.user},
        ]
        estimate = estimate_tokens(request.system, request.user) + request.max_tokens

        async def attempt() -> wire.StreamCall:
            await self._limiter.acquire_async(estimate)
            started = time.perf_counter()
            chunks = await self._async.chat.completions.create(
                model=self.model,
                messages=messages,
                stream=True,
                stream_options={"include_usage": True},
                max_tokens=omit if self._completion_tokens else request.max_tokens,
                max_completion_tokens=request.max_tokens if self._completion_tokens else omit,
            )
            call = wire.StreamCall(chunks, estimate, started)
            try:
                call.first = await call.next_text()
                if call.first is None and call.finish_reason is None:
                    raise wire.CutStream("the stream ended before a finish_reason")
            except BaseException:
                await self._settle(call, usage)
                raise
            return call

        call = await retry_async(
            attempt,
            self._classify,
            self._stream_policy,
            vendor=self.vendor,
            what=f"answer {request.name}",
            usage=usage,
            sleep=self._async_sleep,
            log_context={"prompt": request.name},
        )
        sent = 0
        try:
            text = call.first
            while text is not None:
                sent += 1
                yield TextDelta(text)
                try:
                    text = await call.next_text()
                except Exception as exc:
                    failure = self._classify(exc)
                    if failure is None:
                        raise
                    if call.finish_reason is None:
                        raise await self._broken(failure, call, sent, usage) from None
                    # Only the usage chunk was lost: the answer itself is whole.
                    log.warning("llm.stream_tail_lost", error=failure.reason, **call.ids())
                    break
            if call.finish_reason is None:
                cut = Failure("the stream ended before a finish_reason")
                raise await self._broken(cut, call, sent, usage)
            await self._settle(call, usage)
            self._log_call(
                request.name,
                call.cost(),
                call.started,
                {
                    "model": call.model,
                    "finish_reason": call.finish_reason,
                    "request_id": call.request_id,
                    "deltas": sent,
                },
            )
            yield StreamEnd(usage, call.finish_reason, call.model, call.request_id)
        finally:
            await self._settle(call, usage)

    async def _settle(self, call: wire.StreamCall, usage: Usage) -> None:
        """Close the stream and count what it cost (once)."""
        if call.settled:
            return
        call.settled = True
        await call.chunks.close()
        if call.usage is None:
            log.debug("llm.stream_without_usage", provider=self.provider, **call.ids())
        counted = call.cost()
        extra = counted.input_tokens + counted.cache_read_tokens + counted.output_tokens
        if extra - call.estimate > 0:
            await asyncio.to_thread(self._limiter.spend, extra - call.estimate)
        wire.add_usage(usage, counted, self._prices)

    async def _broken(
        self, failure: Failure, call: wire.StreamCall, sent: int, usage: Usage
    ) -> Unavailable:
        """The error for a stream that failed after ``sent`` deltas were shown."""
        await self._settle(call, usage)
        log.error(
            "llm.stream_broken",
            provider=self.provider,
            tokens_sent=sent,
            error=failure.reason,
            **call.ids(),
        )
        plural = "s" if sent != 1 else ""
        return Unavailable(
            f"{self.vendor}'s answer broke off after {sent} delta{plural} had been sent "
            f"({failure.reason}); the answer shown is incomplete, ask again",
            status=failure.status,
            error_type=failure.error_type,
            request_id=failure.request_id or call.request_id,
            tokens_sent=sent,
            usage=usage,
        )

    # --- health -------------------------------------------------------------------------------

    async def ping(self) -> None:
        async def attempt() -> None:
            try:
                await self._async.models.retrieve(self.model)
            except openai.APIStatusError as exc:
                if exc.status_code not in _PING_FALLBACK_STATUSES:
                    raise
                log.info("llm.ping_fallback", vendor=self.vendor, status=exc.status_code)
                await self._async.chat.completions.create(
                    model=self.model,
                    messages=[{"role": "user", "content": "ping"}],
                    max_tokens=omit if self._completion_tokens else 1,
                    max_completion_tokens=1 if self._completion_tokens else omit,
                )

        await retry_async(
            attempt,
            self._classify,
            RetryPolicy(max_attempts=1),
            vendor=self.vendor,
            what=f"reach the model {self.model}",
            usage=Usage(),
            sleep=self._async_sleep,
        )

    # --- shared -------------------------------------------------------------------------------

    def _classify(self, exc: Exception) -> Failure | None:
        return wire.classify(exc, self._secret)

    def _spend(self, estimate: int, call: Usage) -> None:
        actual = call.input_tokens + call.cache_read_tokens + call.output_tokens
        if actual > estimate:
            self._limiter.spend(actual - estimate)

    def _log_call(
        self,
        prompt: str,
        call: Usage,
        started: float,
        fields: Mapping[str, object],
        context: Mapping[str, Any] | None = None,
    ) -> None:
        """``llm.call``: ids and counts only, never message text and never the key."""
        log.info(
            "llm.call",
            **{
                **wire.safe_context(context or {}),
                **fields,
                "provider": self.provider,
                "model": fields.get("model") or self.model,
                "prompt": prompt,
                "input_tokens": call.input_tokens,
                "output_tokens": call.output_tokens,
                "cache_read_tokens": call.cache_read_tokens,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )


def _what(request: StructuredRequest[Any]) -> str:
    """What the call is for, as errors say it."""
    return request.what or f"answer {request.name}"
