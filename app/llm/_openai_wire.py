"""What :mod:`app.llm.openai` sends and reads, kept apart from the calling logic: the messages,
the checks an answer must pass, token counts, and how an SDK error becomes a :class:`Failure`.

Nothing here does I/O; every function is pure and takes what it needs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final, TypeVar

import openai
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel, ValidationError

from app.llm.base import Usage
from app.llm.pricing import Prices
from app.llm.retry import Failure

__all__ = [
    "MAX_PROBLEMS_SHOWN",
    "CutStream",
    "SchemaUnsupported",
    "add_usage",
    "classify",
    "count_usage",
    "json_mode_system",
    "message_tokens",
    "problems_of",
    "reask_message",
    "redact",
    "rejects_json_schema",
    "safe_context",
    "uses_max_completion_tokens",
    "vendor_name",
]

M = TypeVar("M", bound=BaseModel)

MAX_PROBLEMS_SHOWN: Final = 20
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
        error_type, message = _error_fields(exc.body)
        return Failure.from_status(
            exc.status_code,
            exc.response.headers,
            error_type=error_type,
            api_message=redact(message, api_key) if message else None,
            request_id=exc.request_id,
        )
    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError included
        return Failure.connection(exc)
    if isinstance(exc, openai.APIError) and not isinstance(exc, openai.APIResponseValidationError):
        # An error event inside a 200 stream.
        error_type, message = _error_fields(exc.body)
        return Failure.from_status(
            200,
            {},
            error_type=error_type,
            api_message=redact(message or exc.message, api_key),
        )
    return None


def _error_fields(body: object) -> tuple[str | None, str | None]:
    """(type or code, message) of an error body: OpenAI's ``{"error": {...}}`` (the SDK has
    unwrapped it), vLLM's flat object, or a bare string (some local servers)."""
    if isinstance(body, str):
        return None, body[:500]
    if not isinstance(body, dict):
        return None, None
    kind = body.get("type") or body.get("code")
    message = body.get("message")
    return (
        str(kind) if kind is not None else None,
        str(message)[:500] if message is not None else None,
    )


def rejects_json_schema(exc: openai.APIStatusError) -> bool:
    """A 400 (or 422) saying the server does not take a ``json_schema`` response format, as
    older vLLM, llama.cpp and LM Studio answer."""
    if exc.status_code not in (400, 422):
        return False
    _, message = _error_fields(exc.body)
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
    model: type[M],
    content: str | None,
    *,
    refusal: str | None,
    finish_reason: str | None,
    max_tokens: int,
) -> tuple[M | None, list[str]]:
    """The validated answer, or the problems to send back. A cut-off answer is never kept."""
    if refusal:
        return None, ["the model refused to answer; answer with the JSON object asked for"]
    if finish_reason == "length":
        return None, [
            f"the answer was cut off at the {max_tokens}-token limit; write a shorter answer "
            "that fits"
        ]
    if finish_reason == "content_filter":
        return None, ["the answer was withheld by the content filter"]
    if not content or not content.strip():
        return None, ["the answer was empty; answer with the JSON object asked for"]
    fenced = _FENCE.match(content)
    text = fenced.group("body") if fenced else content
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            f"the answer is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        # loc and msg only: the offending input may be long, or the user's own text.
        return None, [
            f"{'.'.join(str(part) for part in error['loc']) or '(root)'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False, include_context=False)
        ]


def reask_message(problems: list[str]) -> str:
    """The user message that sends the problems back (at most :data:`MAX_PROBLEMS_SHOWN`)."""
    shown = problems[:MAX_PROBLEMS_SHOWN]
    lines = [f"- {problem}" for problem in shown]
    if len(problems) > len(shown):
        lines.append(f"- ... and {len(problems) - len(shown)} more")
    return (
        "Your answer could not be used:\n"
        + "\n".join(lines)
        + "\nAnswer again with the whole corrected JSON object, and nothing else."
    )
