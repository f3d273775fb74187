"""What :mod:`app.llm.openai` sends and reads, kept apart from the calling logic: the clients,
the messages, the checks an answer must pass, token counts, reading a stream, and how an SDK
error becomes a :class:`Failure`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

import openai
from openai import AsyncStream
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam
from pydantic import BaseModel

from app.llm.base import LLMAuthFailed, StructuredRequest, Usage
from app.llm.pricing import Prices
from app.llm.retry import Failure
from app.llm.validation import problem_listing, validate

__all__ = [
    "CutStream",
    "SchemaUnsupported",
    "StreamCall",
    "add_usage",
    "classify",
    "count_usage",
    "json_mode_system",
    "make_clients",
    "message_tokens",
    "problems_of",
    "read_answer",
    "reask_message",
    "redact",
    "rejects_json_schema",
    "safe_context",
    "uses_max_completion_tokens",
    "vendor_name",
]

M = TypeVar("M", bound=BaseModel)

OPENAI_HOST: Final = "api.openai.com"

# Names the logging and retry calls use themselves: a request context must not shadow them.
_RESERVED: Final = frozenset(
    {
        "event",
        "classify",
        "policy",
        "vendor",
        "what",
        "usage",
        "sleep",
        "attempt",
        "status",
        "error",
        "delay_s",
        "retry_after",
        "provider",
        "model",
        "prompt",
    }
)
_FENCE = re.compile(r"\A\s*```(?:json|JSON)?\s*\n(?P<body>.*?)\n?\s*```\s*\Z", re.DOTALL)


class SchemaUnsupported(Exception):
    """The server refused ``response_format`` of type ``json_schema`` (JSON mode is next)."""


class CutStream(Exception):
    """The stream ended without a ``finish_reason``: the answer may be incomplete."""


def vendor_name(host: str) -> str:
    """Who to name in messages: OpenAI itself, or the compatible server by its host."""
    if not host or host == OPENAI_HOST:
        return "OpenAI"
    return f"the OpenAI-compatible server at {host}"


def uses_max_completion_tokens(host: str) -> bool:
    """OpenAI and Azure OpenAI want ``max_completion_tokens`` (reasoning models refuse
    ``max_tokens``); other compatible servers know ``max_tokens`` best."""
    return not host or host == OPENAI_HOST or host.endswith(".openai.azure.com")


def safe_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """The request's log context without keys that would clash with the logging's own."""
    return {key: value for key, value in context.items() if key not in _RESERVED}


def redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "[redacted]") if secret and len(secret) >= 8 else text


def classify(exc: Exception, api_key: str | None = None) -> Failure | None:
    """An SDK error as a :class:`Failure`; None for anything that is not the vendor's."""
    if isinstance(exc, CutStream):
        return Failure(str(exc))
    if isinstance(exc, openai.APIStatusError):
        error_type, code, message = _error_fields(exc.body)
        return Failure.from_status(
            exc.status_code,
            exc.response.headers,
            error_type=error_type or code,
            code=code,
            api_message=redact(message, api_key) if message else None,
            request_id=exc.request_id,
        )
    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError included
        return Failure.connection(exc)
    if isinstance(exc, openai.APIError) and not isinstance(exc, openai.APIResponseValidationError):
        # An error event inside a 200 stream.
        error_type, code, message = _error_fields(exc.body)
        return Failure.from_status(
            200,
            {},
            error_type=error_type or code,
            code=code,
            api_message=redact(message or exc.message, api_key),
        )
    return None


def _error_fields(body: object) -> tuple[str | None, str | None, str | None]:
    """(type, code, message) of an error body: OpenAI's ``{"error": {...}}`` (the SDK has
    unwrapped it), vLLM's flat object, or a bare string (some local servers)."""
    if isinstance(body, str):
        return None, None, body[:500]
    if not isinstance(body, dict):
        return None, None, None
    kind, code, message = body.get("type"), body.get("code"), body.get("message")
    return (
        str(kind) if kind is not None else None,
        str(code) if code is not None else None,
        str(message)[:500] if message is not None else None,
    )


def rejects_json_schema(exc: openai.APIStatusError) -> bool:
    """A 400 (or 422) saying the server does not take a ``json_schema`` response format, as
    older vLLM, llama.cpp and LM Studio answer."""
    if exc.status_code not in (400, 422):
        return False
    _, _, message = _error_fields(exc.body)
    text = (message or str(exc.body or "")).lower()
    return "response_format" in text or "json_schema" in text


def json_mode_system(system: str, schema: Mapping[str, Any], name: str, description: str) -> str:
    """The system prompt for JSON mode: the schema the server cannot enforce, spelled out."""
    return (
        f"{system}\n\nAnswer with a single JSON object and nothing else: no prose, no code "
        f"fence. The object is `{name}` ({description}) and must fit this JSON schema:\n"
        f"{json.dumps(schema, separators=(',', ':'))}"
    )


def message_tokens(messages: Iterable[ChatCompletionMessageParam]) -> list[str]:
    """The text of each message (for the token estimate)."""
    texts: list[str] = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
    return texts


def count_usage(usage: CompletionUsage | None) -> Usage:
    """One successful response's usage; a server that reports none counts one call."""
    if usage is None:
        return Usage(llm_calls=1)
    details = usage.prompt_tokens_details
    cached = (details.cached_tokens or 0) if details is not None else 0
    return Usage(
        llm_calls=1,
        input_tokens=max(0, usage.prompt_tokens - cached),
        output_tokens=usage.completion_tokens,
        cache_read_tokens=cached,
    )


def add_usage(total: Usage, call: Usage, prices: Prices) -> None:
    total.add(call)
    total.cost_usd = prices.cost_usd(total)


def problems_of(
    request: StructuredRequest[M],
    content: str | None,
    *,
    refusal: str | None,
    finish_reason: str | None,
) -> tuple[M | None, list[str]]:
    """The validated answer, or the problems to send back. A cut-off answer is never kept."""
    if refusal:
        return None, ["the model refused to answer; answer with the JSON object asked for"]
    if finish_reason == "length":
        return None, [
            f"the answer was cut off at the {request.max_tokens}-token limit; write a shorter "
            "answer that fits"
        ]
    if finish_reason == "content_filter":
        return None, ["the answer was withheld by the content filter"]
    if not content or not content.strip():
        return None, ["the answer was empty; answer with the JSON object asked for"]
    fenced = _FENCE.match(content)
    try:
        data = json.loads(fenced.group("body") if fenced else content)
    except json.JSONDecodeError as exc:
        return None, [
            f"the answer is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ]
    value, problems = validate(request, data)
    return (value if not problems else None), problems


def reask_message(problems: list[str]) -> str:
    """The user message that sends the problems back."""
    return (
        f"Your answer could not be used:\n{problem_listing(problems)}\n"
        "Answer again with the whole corrected JSON object, and nothing else."
    )


@dataclass(eq=False)
class StreamCall:
    """One streamed response being read."""

    chunks: AsyncStream[ChatCompletionChunk]
    estimate: int
    started: float
    first: str | None = None
    finish_reason: str | None = None
    model: str | None = None
    usage: CompletionUsage | None = None
    chunks_read: int = 0
    settled: bool = False

    def __post_init__(self) -> None:
        self.request_id: str | None = self.chunks.response.headers.get("x-request-id")
        self._it = aiter(self.chunks)

    async def next_text(self) -> str | None:
        """The next text delta; None once the stream has ended."""
        while True:
            try:
                chunk = await anext(self._it)
            except StopAsyncIteration:
                return None
            self.chunks_read += 1
            if chunk.usage is not None:  # cumulative where a server sends it on every chunk
                self.usage = chunk.usage
            self.model = chunk.model or self.model
            if not chunk.choices:
                continue
            choice = chunk.choices[0]
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason
            if choice.delta.content:
                return choice.delta.content

    def ids(self) -> dict[str, Any]:
        return {"model": self.model, "request_id": self.request_id}

    def cost(self) -> Usage:
        """What this stream cost: one call once the model began answering (a server that sends
        no usage chunk reports no tokens), nothing for one refused at its first event."""
        if self.usage is None and self.chunks_read == 0:
            return Usage()
        return count_usage(self.usage)


def read_answer(
    request: StructuredRequest[M], completion: ChatCompletion
) -> tuple[M | None, list[str], str]:
    """(the valid answer or None, its problems, the answer's text to replay in a re-ask)."""
    if not completion.choices:
        return None, ["the response held no answer"], ""
    choice = completion.choices[0]
    message = choice.message
    value, problems = problems_of(
        request, message.content, refusal=message.refusal, finish_reason=choice.finish_reason
    )
    return value, problems, message.content or message.refusal or ""


def make_clients(
    client: openai.OpenAI | None,
    async_client: openai.AsyncOpenAI | None,
    api_key: str | None,
    base_url: str | None,
    timeout_s: float,
) -> tuple[openai.OpenAI, openai.AsyncOpenAI]:
    """The clients given, or built from the key and URL (or from the other client given); the
    SDK's retries off either way, since :mod:`app.llm.retry` retries."""
    if client is None or async_client is None:
        source = client or async_client
        key = api_key if api_key is not None else (source.api_key if source else None)
        url = base_url if base_url is not None else (str(source.base_url) if source else None)
        if not key and url is not None and urlsplit(url).hostname != OPENAI_HOST:
            # A local server (Ollama, vLLM, llama.cpp) takes any key; the SDK insists on one.
            # Never a stray OPENAI_API_KEY: that secret is OpenAI's, not this server's.
            key = "no-key"
        try:
            client = client or openai.OpenAI(api_key=key, base_url=url, max_retries=0)
            async_client = async_client or openai.AsyncOpenAI(
                api_key=key, base_url=url, max_retries=0
            )
        except openai.OpenAIError:
            raise LLMAuthFailed(
                "no API key for OpenAI: set LIBRARIAN_LLM_API_KEY, or LIBRARIAN_LLM_PROVIDER=none "
                "to work offline",
                usage=Usage(),
            ) from None
    return (
        client.with_options(max_retries=0, timeout=timeout_s),
        async_client.with_options(max_retries=0, timeout=timeout_s),
    )
