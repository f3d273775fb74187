"""Claude as an answerer: one streamed Messages API call, citations checked, follow-ups split off.

The answer streams as the model writes it: each text delta becomes a :class:`Token` as soon as
it is safe to show. Two things are held back from the tokens:

- the ``<follow_ups>`` block after the answer (its tag may arrive split across deltas, so a
  delta's tail that could still become the tag waits for the next delta, and nothing more);
- the ``<not_found/>`` marker the model starts an answer with when the passages do not answer
  the question (it sets ``Answer.found`` to False).

The answer is trimmed as it streams: leading whitespace is never sent, and trailing whitespace
waits until more text follows it, so the tokens joined are exactly ``Answer.text``.

Retries follow :class:`app.extract.llm.AnthropicExtractor`: SDK retries off,
429, 5xx (529 overloaded included), connection errors and errors the stream reports are retried
here with ``retry-after`` or backoff with jitter, but only while no token has been yielded:
once the asker has seen part of an answer, a failure raises :class:`Unavailable`, because
tokens already sent cannot be unsent. SDK errors are never chained onto ours (``from None``):
they hold the request, whose headers hold the key.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import anthropic
import httpx2
import structlog
from anthropic.types import (
    RawContentBlockDeltaEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    RawMessageStopEvent,
    RawMessageStreamEvent,
    TextDelta,
)

from app.ask.base import (
    MAX_FOLLOW_UPS,
    NOTHING_FOUND,
    Answer,
    AnswerEvent,
    EntityHint,
    Passage,
    Token,
    entity_follow_ups,
)
from app.ask.prompts import (
    FOLLOW_UPS_CLOSE,
    FOLLOW_UPS_OPEN,
    NOT_FOUND_MARKER,
    AnswerPrompt,
    answer_question,
)
from app.errors import LibrarianError, RateLimited, Unavailable
from app.extract.base import Usage
from app.extract.llm import (
    DEFAULT_MODEL,
    AnthropicKeyRejected,
    AnthropicRejected,
    Backoff,
    Prices,
    retry_after_s,
)

__all__ = ["ClaudeAnswerer"]

log = structlog.get_logger(__name__)

"""The answer when there are no passages, or when the model wrote no answer text."""

_NOT_FOUND_MARKERS = (NOT_FOUND_MARKER, "<not_found />")
_MARKERS = (FOLLOW_UPS_OPEN, *_NOT_FOUND_MARKERS)
_LONGEST_MARKER = max(len(m) for m in _MARKERS)

# [3], [1, 3], [1,3]; [1][2] is two matches.
_CITATION = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s*")


# Error types a stream's ``error`` event can carry that sending again will not fix.
_KEY_ERROR_TYPES = frozenset({"authentication_error", "permission_error"})
_PERMANENT_ERROR_TYPES = frozenset(
    {"invalid_request_error", "not_found_error", "request_too_large", "billing_error"}
)


class ClaudeAnswerer:
    """Answers with Claude from the numbered passages alone, streaming tokens as they arrive.

    ``client`` is the seam: tests pass an ``anthropic.AsyncAnthropic`` built on a mock
    transport. Without one, the SDK reads ``ANTHROPIC_API_KEY``. At most ``max_attempts``
    requests are made per answer, and only before the first token is yielded. A ``retry-after``
    longer than ``max_retry_after_s`` is not waited out (someone is waiting for the answer): the
    error is raised at once with ``details["retry_after_s"]``. Every error raised carries
    ``details["usage"]``: the tokens and cost spent before it failed.
    """

    name = "anthropic"

    def __init__(
        self,
        client: anthropic.AsyncAnthropic | None = None,
        *,
        model: str = DEFAULT_MODEL,
        max_tokens: int = 1024,
        max_attempts: int = 3,
        prices: Prices | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        timeout_s: float = 60.0,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 8.0,
        max_retry_after_s: float = 20.0,
        rng: random.Random | None = None,
    ) -> None:
        if max_attempts < 1 or max_tokens < 1:
            raise ValueError("need max_attempts >= 1 and max_tokens >= 1")
        base = client if client is not None else anthropic.AsyncAnthropic()
        self._client = base.with_options(max_retries=0, timeout=timeout_s)
        self.model = model
        self._max_tokens = max_tokens
        self._max_attempts = max_attempts
        self._prices = prices or Prices()
        self._sleep = sleep
        self._backoff = Backoff(
            backoff_base_s,
            backoff_max_s,
            max_retry_after_s,
            rng or random.Random(),  # noqa: S311 (jitter only; nothing secret depends on it)
        )

    async def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint] = (),
    ) -> AsyncIterator[AnswerEvent]:
        usage = Usage()
        if not passages:
            yield Token(NOTHING_FOUND)
            yield Answer(
                text=NOTHING_FOUND,
                cited=[],
                follow_ups=entity_follow_ups(entities),
                found=False,
                answerer=self.name,
                usage=usage,
            )
            return

        prompt = answer_question(question, passages, entities)
        sent = 0  # tokens yielded: once above zero, nothing is retried
        for attempt in range(1, self._max_attempts + 1):
            call = _Call()
            splitter = _Splitter()
            failure: _Failure | None = None
            started = time.perf_counter()
            try:
                stream = await self._open(prompt)
            except anthropic.APIStatusError as exc:
                failure = _Failure.from_status_error(exc)
            except anthropic.APIConnectionError as exc:
                failure = _Failure(_connection_lost(exc))
            else:
                call.request_id = stream.response.headers.get("request-id")
                try:
                    async for event in stream:
                        piece = splitter.feed(call.observe(event))
                        if piece:
                            sent += 1
                            yield Token(piece)
                    if not call.stopped:
                        failure = _Failure("the stream ended before message_stop")
                    else:
                        piece = splitter.finish()
                        if piece:
                            sent += 1
                            yield Token(piece)
                except anthropic.APIStatusError as exc:
                    failure = _Failure.from_status_error(exc)
                except (anthropic.APIConnectionError, httpx2.TransportError) as exc:
                    failure = _Failure(_connection_lost(exc))
                finally:
                    await stream.close()
                    usage.add(call.usage)
                    usage.cost_usd = self._prices.cost_usd(usage)

            if failure is None:
                self._log_call(prompt, call, attempt, started)
                break
            failure.request_id = failure.request_id or call.request_id
            if sent:
                log.error(
                    "ask.anthropic.stream_broken",
                    attempt=attempt,
                    tokens_sent=sent,
                    reason=failure.describe(),
                    request_id=failure.request_id,
                )
                raise Unavailable(
                    f"Claude's answer broke off after {sent} token{'s' if sent != 1 else ''} "
                    f"had been sent ({failure.describe()}); the answer shown is incomplete, "
                    "ask again",
                    status=failure.status,
                    error_type=failure.error_type,
                    request_id=failure.request_id,
                    tokens_sent=sent,
                    usage=usage,
                ) from None
            permanent = _permanent_error(failure, usage)
            if permanent is not None:
                raise permanent from None
            if attempt == self._max_attempts or (
                failure.retry_after_s is not None
                and failure.retry_after_s > self._backoff.max_retry_after_s
            ):
                raise _exhausted(failure, attempt, usage) from None
            delay = (
                failure.retry_after_s
                if failure.retry_after_s is not None
                else self._backoff.delay_s(attempt)
            )
            log.warning(
                "ask.anthropic.retry",
                attempt=attempt,
                status=failure.status,
                error=failure.describe(),
                delay_s=round(delay, 3),
                retry_after=failure.retry_after_s is not None,
            )
            await self._sleep(delay)

        if not splitter.text:
            # Nothing was sent (no text means no token), so the answer can still be chosen.
            log.warning(
                "ask.anthropic.empty_answer",
                stop_reason=call.stop_reason,
                request_id=call.request_id,
            )
            yield Token(NOTHING_FOUND)
            yield Answer(
                text=NOTHING_FOUND,
                cited=[],
                follow_ups=_follow_ups(splitter.follow_ups or "", entities),
                found=False,
                answerer=self.name,
                usage=usage,
            )
            return
        yield self._finish(splitter, call, passages, entities, usage)

    async def _open(self, prompt: AnswerPrompt) -> anthropic.AsyncStream[RawMessageStreamEvent]:
        return await self._client.messages.create(
            model=self.model,
            max_tokens=self._max_tokens,
            system=prompt.system,
            messages=[{"role": "user", "content": prompt.user}],
            stream=True,
        )

    def _finish(
        self,
        splitter: _Splitter,
        call: _Call,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint],
        usage: Usage,
    ) -> Answer:
        """The closing :class:`Answer` for what was streamed (its tokens are already sent)."""
        text = splitter.text
        cited, dropped = _citations(text, {p.number for p in passages})
        if dropped:
            log.warning(
                "ask.citations_dropped",
                dropped=dropped,
                passages=len(passages),
                request_id=call.request_id,
            )
        found = not splitter.not_found
        if splitter.not_found and cited:
            # The model said "not found" and cited anyway: the citations are in the text the
            # asker saw, so the answer is treated as found rather than hiding what it cites.
            log.warning("ask.not_found_with_citations", cited=cited, request_id=call.request_id)
            found = True
        follow_ups = _follow_ups(splitter.follow_ups or "", entities)
        return Answer(
            text=text,
            cited=cited,
            follow_ups=follow_ups,
            found=found,
            answerer=self.name,
            usage=usage,
        )

    def _log_call(self, prompt: AnswerPrompt, call: _Call, attempt: int, started: float) -> None:
        log.info(
            "ask.anthropic.call",
            prompt=prompt.name,
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
        if call.stop_reason not in ("end_turn", "stop_sequence"):
            log.warning(
                "ask.anthropic.answer_cut_short",
                stop_reason=call.stop_reason,
                request_id=call.request_id,
            )


@dataclass
class _Call:
    """What one streamed response reported: its usage (cumulative counts), model, stop."""

    usage: Usage = field(default_factory=Usage)
    model: str | None = None
    request_id: str | None = None
    stop_reason: str | None = None
    stopped: bool = False

    def observe(self, event: RawMessageStreamEvent) -> str:
        """Records ``event``; returns the text it adds to the answer ("" for none)."""
        if isinstance(event, RawContentBlockDeltaEvent):
            return event.delta.text if isinstance(event.delta, TextDelta) else ""
        if isinstance(event, RawMessageStartEvent):
            start = event.message.usage
            self.model = event.message.model
            self.usage.llm_calls = 1
            self.usage.input_tokens = start.input_tokens
            self.usage.output_tokens = start.output_tokens
            self.usage.cache_read_tokens = start.cache_read_input_tokens or 0
            self.usage.cache_write_tokens = start.cache_creation_input_tokens or 0
        elif isinstance(event, RawMessageDeltaEvent):
            # message_delta counts are cumulative; absent ones keep message_start's values.
            delta = event.usage
            self.usage.output_tokens = delta.output_tokens
            if delta.input_tokens is not None:
                self.usage.input_tokens = delta.input_tokens
            if delta.cache_read_input_tokens is not None:
                self.usage.cache_read_tokens = delta.cache_read_input_tokens
            if delta.cache_creation_input_tokens is not None:
                self.usage.cache_write_tokens = delta.cache_creation_input_tokens
            self.stop_reason = event.delta.stop_reason or self.stop_reason
        elif isinstance(event, RawMessageStopEvent):
            self.stopped = True
        return ""


@dataclass
class _Failure:
    """One failed attempt, described without the SDK error (which holds the request)."""

    reason: str
    kind: str = "retry"  # "retry", "key" (401/403) or "rejected" (other 4xx)
    status: int | None = None
    error_type: str | None = None
    api_message: str | None = None
    request_id: str | None = None
    retry_after_s: float | None = None

    @classmethod
    def from_status_error(cls, exc: anthropic.APIStatusError) -> _Failure:
        in_stream = exc.status_code < 400  # an ``error`` event in a 200 stream
        status = None if in_stream else exc.status_code
        error_type = exc.type
        if status in (401, 403) or error_type in _KEY_ERROR_TYPES:
            kind = "key"
        elif (status is not None and status != 429 and status < 500) or (
            in_stream and error_type in _PERMANENT_ERROR_TYPES
        ):
            kind = "rejected"
        else:
            kind = "retry"
        reason = f"{error_type or 'error'} in the stream" if in_stream else f"HTTP {status}"
        return cls(
            reason,
            kind=kind,
            status=status,
            error_type=error_type,
            api_message=exc.api_message,
            request_id=exc.request_id,
            retry_after_s=None if in_stream else retry_after_s(exc),
        )

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or self.error_type == "rate_limit_error"

    def describe(self) -> str:
        return self.reason


def _connection_lost(exc: BaseException) -> str:
    """What cut the connection, named by its first cause: SDKs wrap the transport's error
    (a ``ReadError`` becomes an ``APIConnectionError``) in ways that change between versions."""
    cause = exc
    seen = {id(exc)}
    while (cause.__cause__ or cause.__context__) is not None:
        nxt = cause.__cause__ or cause.__context__
        assert nxt is not None
        if id(nxt) in seen:
            break
        seen.add(id(nxt))
        cause = nxt
    name = type(cause).__name__
    return name if cause is exc else f"{type(exc).__name__}: {name}"


def _permanent_error(failure: _Failure, usage: Usage) -> LibrarianError | None:
    """The error to raise at once for a failure that sending again will not fix, else None."""
    if failure.kind == "key":
        log.error(
            "ask.anthropic.key_rejected", status=failure.status, request_id=failure.request_id
        )
        return AnthropicKeyRejected(
            f"ANTHROPIC_API_KEY rejected by Anthropic ({failure.describe()}): set a valid "
            "key, or unset it to answer without Claude",
            status=failure.status,
            request_id=failure.request_id,
            usage=usage,
        )
    if failure.kind == "rejected":
        return AnthropicRejected(
            f"Anthropic rejected the answer request ({failure.describe()}): "
            f"{failure.api_message or 'no reason given'}",
            status=failure.status,
            error_type=failure.error_type,
            request_id=failure.request_id,
            usage=usage,
        )
    return None


def _exhausted(failure: _Failure, attempts: int, usage: Usage) -> LibrarianError:
    kind = "rate limited" if failure.rate_limited else "unavailable"
    text = (
        f"Anthropic {kind} ({failure.describe()}) after {attempts} "
        f"attempt{'s' if attempts != 1 else ''} to answer"
    )
    error_type = RateLimited if failure.rate_limited else Unavailable
    return error_type(
        text,
        status=failure.status,
        error_type=failure.error_type,
        retry_after_s=failure.retry_after_s,
        request_id=failure.request_id,
        usage=usage,
    )


class _Splitter:
    """Splits streamed text into the answer, released as soon as it is safe, and the rest.

    ``feed`` returns the text that may be shown now: never a marker, never a tail that could
    still grow into one, never leading whitespace, and trailing whitespace only once more text
    follows it. Everything from ``<follow_ups>`` on is kept in ``follow_ups``.
    """

    def __init__(self) -> None:
        self._pending = ""  # received, not yet released: a possible marker, or trailing spaces
        self._parts: list[str] = []
        self.follow_ups: str | None = None  # None until the <follow_ups> tag is seen
        self.not_found = False

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def feed(self, delta: str) -> str:
        if self.follow_ups is not None:
            self.follow_ups += delta
            return ""
        if not delta:
            return ""
        pending = self._pending + delta
        for marker in _NOT_FOUND_MARKERS:
            if marker in pending:
                self.not_found = True
                pending = pending.replace(marker, "")
        cut = pending.find(FOLLOW_UPS_OPEN)
        if cut >= 0:
            self.follow_ups = pending[cut + len(FOLLOW_UPS_OPEN) :]
            return self._release(pending[:cut], final=True)
        hold = _possible_marker_length(pending)
        return self._release(pending[: len(pending) - hold], rest=pending[len(pending) - hold :])

    def finish(self) -> str:
        """The held text that never became a marker, at the end of the stream."""
        if self.follow_ups is not None:
            return ""
        return self._release(self._pending, final=True)

    def _release(self, ready: str, *, rest: str = "", final: bool = False) -> str:
        if not self._parts:
            ready = ready.lstrip()
        shown = ready.rstrip()
        self._pending = ("" if final else ready[len(shown) :]) + rest
        if shown:
            self._parts.append(shown)
        return shown


def _possible_marker_length(text: str) -> int:
    """The length of the longest tail of ``text`` that a marker starts with (0 for none)."""
    for length in range(min(len(text), _LONGEST_MARKER - 1), 0, -1):
        tail = text[-length:]
        if any(marker.startswith(tail) for marker in _MARKERS):
            return length
    return 0


def _citations(text: str, numbers: set[int]) -> tuple[list[int], list[int]]:
    """The passage numbers ``text`` cites, in order of first citation, and those it cites but
    were not given (each once)."""
    cited: list[int] = []
    dropped: list[int] = []
    for match in _CITATION.finditer(text):
        for part in match.group(1).split(","):
            number = int(part)
            kept = cited if number in numbers else dropped
            if number not in kept:
                kept.append(number)
    return cited, dropped


def _follow_ups(block: str, entities: Sequence[EntityHint]) -> list[str]:
    """Up to three questions from the follow-up block, topped up from the entities."""
    questions: list[str] = []
    seen: set[str] = set()
    for line in block.split(FOLLOW_UPS_CLOSE, 1)[0].splitlines():
        question = " ".join(_CITATION.sub("", _BULLET.sub("", line)).split())
        if question and question.casefold() not in seen:
            seen.add(question.casefold())
            questions.append(question)
    if len(questions) >= 2:
        return questions[:MAX_FOLLOW_UPS]
    fallback = [q for q in entity_follow_ups(entities) if q.casefold() not in seen]
    if not questions:
        return fallback[:MAX_FOLLOW_UPS]
    return [*questions, *fallback][:2]
