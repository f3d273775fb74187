"""The LLM interface every caller uses, whatever the vendor behind it.

Two kinds of call:

- :meth:`LLM.structured`: one answer that must fit a pydantic model (extraction). The provider
  forces it through the vendor's structured-output feature (Anthropic: a forced tool call;
  OpenAI-compatible: a JSON schema, or JSON mode plus validation where the server has none),
  validates it, and re-asks with the problems when it does not fit.
- :meth:`LLM.stream_text`: free text streamed as it is written (answers).

Each call reports its :class:`Usage` (tokens and cost), and every error it raises carries
``details["usage"]``: what was spent before it failed. Errors:

- :class:`LLMAuthFailed` (``LLM_AUTH``): 401/403, the key is wrong; never retried.
- :class:`LLMRejected`: another 4xx; sending it again will not help.
- :class:`InvalidOutput`: the answer stayed invalid after every re-ask.
- :class:`app.errors.RateLimited` / :class:`app.errors.Unavailable`: 429, 5xx, timeouts and
  cut connections, once the retry policy (``app.llm.retry``) has given up.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from app.domain.usage import Usage
from app.errors import LibrarianError, RateLimited, Unavailable

__all__ = [
    "LLM",
    "InvalidOutput",
    "LLMAuthFailed",
    "LLMRateLimited",
    "LLMRejected",
    "LLMUnavailable",
    "StreamEnd",
    "Structured",
    "StructuredRequest",
    "TextDelta",
    "TextEvent",
    "TextRequest",
    "Usage",
    "no_problems",
    "schema_of",
]

M = TypeVar("M", bound=BaseModel)


class LLMAuthFailed(LibrarianError):
    """401/403: the configured key is wrong, revoked or lacks permission."""

    code = "LLM_AUTH"


class LLMUnavailable(Unavailable):
    """The LLM could not be reached (5xx, timeouts, cut connections) after every retry."""


class LLMRateLimited(RateLimited):
    """The LLM kept answering 429 (or asked for a longer wait than the caller waits out)."""


class LLMRejected(LibrarianError):
    """The vendor refused the request (a 4xx other than 429); sending it again will not help."""


class InvalidOutput(LibrarianError):
    """The model's output stayed invalid after every re-ask."""


def no_problems(_: Any) -> list[str]:
    return []


@dataclass(frozen=True)
class StructuredRequest(Generic[M]):
    """One call whose answer must validate as ``response_model``.

    ``system`` is the fixed part (instructions), byte-identical across calls so the vendor's
    prompt cache can serve it; ``user`` is what changes. ``check`` finds problems the schema
    cannot express (a citation outside the window); each one is sent back in a re-ask.
    """

    name: str  # the prompt's name and version, logged with every call
    system: str
    user: str
    response_model: type[M]
    tool_name: str
    tool_description: str
    max_tokens: int = 4096
    check: Callable[[M], list[str]] = no_problems
    what: str = ""  # what the call is for, in errors: "extract the window starting at m-01"
    context: dict[str, Any] = field(default_factory=dict)  # logged with the call (ids, never text)


@dataclass(frozen=True)
class Structured(Generic[M]):
    value: M
    usage: Usage


@dataclass(frozen=True)
class TextRequest:
    name: str
    system: str
    user: str
    max_tokens: int = 1024


@dataclass(frozen=True)
class TextDelta:
    """Text the model just wrote."""

    text: str


@dataclass(frozen=True)
class StreamEnd:
    """The stream ended normally; ``usage`` covers the whole call."""

    usage: Usage
    stop_reason: str | None
    model: str | None
    request_id: str | None


TextEvent = TextDelta | StreamEnd


class LLM(Protocol):
    """A model behind one vendor's API. ``provider`` is ``anthropic`` or ``openai``."""

    provider: str
    model: str

    def structured(self, request: StructuredRequest[M]) -> Structured[M]:
        """The validated answer to ``request`` (blocking; re-asks and retries inside)."""
        ...

    def stream_text(self, request: TextRequest) -> AsyncIterator[TextEvent]:
        """Text deltas as they arrive, then one :class:`StreamEnd`. Failures before the first
        delta are retried; after it, :class:`app.errors.Unavailable` is raised with
        ``details["tokens_sent"]``, since text already shown cannot be unsent."""
        ...

    async def ping(self) -> None:
        """The cheapest call that proves the endpoint, key and model work; raises if not."""
        ...


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with ``$ref``s inlined and titles dropped (fewer tokens)."""
    schema = model.model_json_schema()
    definitions: dict[str, Any] = schema.pop("$defs", {})
    schema.pop("description", None)  # the docstring is for developers; the tool has its own

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].rsplit("/", 1)[-1]])
            # A "title" with a string value is schema decoration; a property named title is a dict.
            return {
                k: resolve(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))
            }
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved
