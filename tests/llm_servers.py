"""Fake LLM vendors on loopback, for end-to-end tests of the real stack.

Only the vendor is faked, at the HTTP layer: the worker and the API reach these servers with
the real SDKs, through the settings a user would set (``LIBRARIAN_LLM_BASE_URL`` and the rest).
Each server speaks its vendor's wire format, in the shapes the vendor sends:

- :class:`FakeOpenAI`: Chat Completions (``POST /v1/chat/completions``, JSON, and with
  ``stream: true`` SSE chunks ending in a usage chunk and ``[DONE]``) and
  ``GET /v1/models/{id}``; the key comes as ``Authorization: Bearer``.
- :class:`FakeAnthropic`: Messages (``POST /v1/messages``: a forced ``tool_use`` for a
  structured call, an SSE event stream for a streamed one) and ``GET /v1/models/{id}``; the
  key comes as ``x-api-key`` or (as the 2.x SDK sends it) ``Authorization: Bearer``.

Like the real thing, a server refuses a wrong key (401), a model it does not serve (404) and a
malformed request (400), and bills prompt caching: a long fixed prefix seen before is read
from the cache. It answers an extraction from the user turn alone (the window's messages and
the ids it may cite), and an answer from the numbered passages, citing [1]. It records every
request and what it billed for it, and can be told to fail (``fail``) as an outage would.
Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import uvicorn
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from app.localstack import free_port

__all__ = [
    "PRICES",
    "Billed",
    "Exchange",
    "FakeAnthropic",
    "FakeOpenAI",
    "FakeVendor",
    "answer_for",
    "extraction_for",
    "serving",
]

#: US dollars per million tokens, set for each fake model through LIBRARIAN_LLM_PRICES.
PRICES: dict[str, float] = {"input": 2.0, "output": 8.0, "cache_read": 0.2, "cache_write": 2.5}

_CHARS_PER_TOKEN = 4
_CACHEABLE_MIN_TOKENS = 1024  # below this, neither vendor caches a prefix


def tokens(text: str) -> int:
    """A tokenizer's count, near enough: about four characters a token."""
    return max(1, len(text) // _CHARS_PER_TOKEN)


# --- what a model would answer ---------------------------------------------------------------

_CITABLE = re.compile(r"^Window message ids you may cite: (.+)$", re.MULTILINE)
_WINDOW = re.compile(r"^<window>\n(.*?)\n</window>$", re.MULTILINE | re.DOTALL)
_OCCUPATION = re.compile(r"\bI work as an? ([a-z]+(?: [a-z]+)?)\b")
_SINCE = re.compile(r"\bsince (\d{4})\b")
_PASSAGE = re.compile(r"^\[(\d+)\] ([^,]+), [^\n]*?: (.*)$", re.MULTILINE)


def extraction_for(user: str) -> dict[str, Any]:
    """The ``record_extraction`` input a model would write for this window: the first speaker
    as a person (with the occupation they state, if they do), the second speaker likewise, and
    the two as colleagues; every item cites window messages only."""
    cited = _CITABLE.search(user)
    block = _WINDOW.search(user)
    if cited is None or block is None:
        return {"entities": [], "facts": [], "relations": []}
    citable = {part.strip() for part in cited.group(1).split(",")}
    window = [json.loads(line) for line in block.group(1).splitlines() if line.strip()]
    window = [m for m in window if m["id"] in citable]
    speakers = list(dict.fromkeys(m["speaker"] for m in window))[:2]
    entities, facts = [], []
    for n, speaker in enumerate(speakers, 1):
        said = [m for m in window if m["speaker"] == speaker]
        entities.append(
            {
                "key": f"e{n}",
                "name": speaker,
                "type": "person",
                "aliases": [],
                "message_ids": [m["id"] for m in said],
            }
        )
        for message in said:
            if match := _OCCUPATION.search(message["text"]):
                facts.append(
                    {
                        "entity": f"e{n}",
                        "field": "occupation",
                        "value": match.group(1),
                        "confidence": 0.95,
                        "message_ids": [message["id"]],
                        # "since 2021": when it starts to hold, as a partial ISO date.
                        **(
                            {"valid_from": since.group(1)}
                            if (since := _SINCE.search(message["text"]))
                            else {}
                        ),
                    }
                )
                break
    relations = []
    if len(speakers) == 2:
        relations.append(
            {
                "source": "e1",
                "target": "e2",
                "label": "colleague_of",
                "confidence": 0.9,
                "message_ids": [window[0]["id"]],
            }
        )
    return {"entities": entities, "facts": facts, "relations": relations}


def answer_for(user: str) -> str:
    """An answer from the first passage, citing it, with the follow-up block the prompt asks
    for (``app.ask.prompts``)."""
    passage = _PASSAGE.search(user)
    if passage is None:
        return (
            "<not_found/>The conversations don't say.\n<follow_ups>\nWho said what?\n</follow_ups>"
        )
    speaker, text = passage.group(2), passage.group(3)
    excerpt = " ".join(text.split()[:8]).rstrip(".,;:!?")
    return (
        f'{speaker} said "{excerpt}" [1].\n\n'
        f"<follow_ups>\nWhat else did {speaker} say?\nWho works with {speaker}?\n</follow_ups>"
    )


def chunks_of(text: str, size: int = 9) -> list[str]:
    """The text as a model streams it: small pieces, tags split across them."""
    return [text[i : i + size] for i in range(0, len(text), size)]


# --- what was asked and billed ---------------------------------------------------------------


@dataclass(frozen=True)
class Billed:
    """What one response reported it cost, in Librarian's terms: ``input_tokens`` is the input
    not read from the cache."""

    input_tokens: int
    output_tokens: int
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    @property
    def all_input_tokens(self) -> int:
        """Every input token the model read: uncached, cache reads and cache writes."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens

    def cost_usd(self, prices: Mapping[str, float] = PRICES) -> float:
        return (
            self.input_tokens * prices["input"]
            + self.output_tokens * prices["output"]
            + self.cache_read_tokens * prices.get("cache_read", 0.0)
            + self.cache_write_tokens * prices.get("cache_write", 0.0)
        ) / 1_000_000


@dataclass(frozen=True)
class Exchange:
    """One request the server got and how it answered."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: dict[str, Any] | None
    kind: str  # extract, answer or models
    status: int
    billed: Billed | None = None  # None when nothing was billed (a refusal, a models lookup)
    reply: str | None = None  # the text streamed, for an answer


@dataclass
class _Outage:
    status: int
    left: int | None  # None: until recover()
    retry_after_ms: int | None


# --- serving ---------------------------------------------------------------------------------


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own handlers
        pass


@contextlib.contextmanager
def serving(app: ASGIApp, *, lifespan: Literal["auto", "on", "off"] = "auto") -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port, in a background thread; yields its
    base URL and stops it on exit."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan=lifespan)
    server = _ThreadedServer(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# --- the vendors -----------------------------------------------------------------------------


class FakeVendor:
    """What both fakes share: the key and model they serve, the log, the outages."""

    provider: ClassVar[str]

    def __init__(self, *, key: str, model: str) -> None:
        self.key = key
        self.model = model
        self.url = ""  # the server's root, once started
        self._lock = threading.Lock()
        self._exchanges: list[Exchange] = []
        self._outages: dict[str, _Outage] = {}
        self._cached: set[str] = set()  # prompt prefixes in the vendor's cache

    # --- control, from the test ----------------------------------------------------------

    @contextlib.contextmanager
    def running(self) -> Iterator[FakeVendor]:
        with serving(Starlette(routes=self.routes()), lifespan="off") as url:
            self.url = url
            yield self

    def fail(
        self, kind: str, status: int, *, times: int | None = None, retry_after_ms: int | None = None
    ) -> None:
        """Answer the next ``times`` requests of ``kind`` (extract, answer, models) with
        ``status`` (every one until :meth:`recover` when None), as an outage would."""
        with self._lock:
            self._outages[kind] = _Outage(status, times, retry_after_ms)

    def recover(self) -> None:
        with self._lock:
            self._outages.clear()

    @property
    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    def of_kind(self, kind: str) -> list[Exchange]:
        return [x for x in self.exchanges if x.kind == kind]

    def billed(self, kind: str) -> list[Billed]:
        return [x.billed for x in self.of_kind(kind) if x.billed is not None]

    def key_of(self, exchange: Exchange) -> str | None:
        """The key a request carried."""
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        """What LIBRARIAN_LLM_BASE_URL is set to."""
        raise NotImplementedError

    def worker_env(self, **overrides: str) -> dict[str, str]:
        """A worker's environment for this vendor (extraction through it)."""
        env = {
            "LIBRARIAN_LLM_PROVIDER": self.provider,
            "LIBRARIAN_LLM_MODEL": self.model,
            "LIBRARIAN_LLM_API_KEY": self.key,
            "LIBRARIAN_LLM_BASE_URL": self.base_url,
            "LIBRARIAN_LLM_PRICES": json.dumps({self.model: PRICES}),
            "LIBRARIAN_EXTRACTOR": "llm",
            "LIBRARIAN_ANSWERER": "llm",
            "NO_PROXY": "127.0.0.1,localhost",  # loopback never goes through a proxy
        }
        return {**env, **overrides}

    def settings_update(self) -> dict[str, Any]:
        """The same, as a ``Settings.model_copy(update=...)`` for an in-process app."""
        return {
            "llm_provider": self.provider,
            "llm_model": self.model,
            "llm_api_key": SecretStr(self.key),
            "llm_base_url": self.base_url,
            "llm_prices": {self.model: PRICES},
            "extractor": "llm",
            "answerer": "llm",
        }

    # --- inside the server ---------------------------------------------------------------

    def routes(self) -> list[Route]:
        raise NotImplementedError

    def _outage(self, kind: str) -> _Outage | None:
        with self._lock:
            outage = self._outages.get(kind)
            if outage is None:
                return None
            if outage.left is not None:
                outage.left -= 1
                if outage.left <= 0:
                    del self._outages[kind]
            return outage

    def _cache(self, prefix: str, prefix_tokens: int) -> tuple[int, int]:
        """(cache reads, cache writes) for a cacheable prefix: written the first time,
        read after."""
        if prefix_tokens < _CACHEABLE_MIN_TOKENS:
            return 0, 0
        with self._lock:
            if prefix in self._cached:
                return prefix_tokens, 0
            self._cached.add(prefix)
            return 0, prefix_tokens

    def _record(self, request: Request, body: dict[str, Any] | None, **fields: Any) -> None:
        exchange = Exchange(
            method=request.method,
            path=request.url.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            **fields,
        )
        with self._lock:
            self._exchanges.append(exchange)

    @staticmethod
    async def _json(request: Request) -> dict[str, Any] | None:
        try:
            body = await request.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None


class FakeOpenAI(FakeVendor):
    """An OpenAI-compatible Chat Completions server (reached at ``{url}/v1``)."""

    provider = "openai"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def key_of(self, exchange: Exchange) -> str | None:
        auth = exchange.headers.get("authorization", "")
        return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None

    def routes(self) -> list[Route]:
        return [
            Route("/v1/chat/completions", self._completions, methods=["POST"]),
            Route("/v1/models/{model:path}", self._model, methods=["GET"]),
        ]

    @staticmethod
    def _error(
        status: int, message: str, kind: str, code: str | None, headers: Mapping[str, str] = {}
    ) -> JSONResponse:
        body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
        return JSONResponse(
            body, status, headers={"x-request-id": f"req_{uuid.uuid4().hex}", **headers}
        )

    def _refusal(self, request: Request, kind: str, model: str | None) -> JSONResponse | None:
        """The error the real server would answer with, if any."""
        auth = request.headers.get("authorization", "")
        if auth != f"Bearer {self.key}":
            given = auth.removeprefix("Bearer ")
            # OpenAI masks all but the key's ends; this fake quotes it whole (worse), so a
            # leak of the vendor's message into a Job would show.
            return self._error(
                401,
                f"Incorrect API key provided: {given}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                "invalid_request_error",
                "invalid_api_key",
            )
        outage = self._outage(kind)
        if outage is not None:
            headers = {}
            if outage.retry_after_ms is not None:
                headers["retry-after-ms"] = str(outage.retry_after_ms)
            return self._error(
                outage.status,
                "The server is overloaded or not ready yet.",
                "server_error",
                None,
                headers,
            )
        if model is not None and model != self.model:
            return self._error(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
            )
        return None

    async def _model(self, request: Request) -> Response:
        model = request.path_params["model"]
        refused = self._refusal(request, "models", model)
        status = refused.status_code if refused else 200
        self._record(request, None, kind="models", status=status)
        if refused is not None:
            return refused
        return JSONResponse(
            {"id": model, "object": "model", "created": 1744316542, "owned_by": "system"}
        )

    async def _completions(self, request: Request) -> Response:
        body = await self._json(request)
        stream = bool(body and body.get("stream"))
        kind = "answer" if stream else "extract"
        if body is None or not isinstance(body.get("messages"), list) or not body.get("model"):
            self._record(request, body, kind=kind, status=400)
            return self._error(
                400, "'messages' and 'model' are required", "invalid_request_error", None
            )
        refused = self._refusal(request, kind, body["model"])
        if refused is not None:
            self._record(request, body, kind=kind, status=refused.status_code)
            return refused
        system = "".join(m["content"] for m in body["messages"] if m["role"] == "system")
        user = "".join(m["content"] for m in body["messages"] if m["role"] == "user")
        schema = json.dumps(body.get("response_format") or {})
        prompt_tokens = tokens(system) + tokens(schema) + tokens(user) + 3 * len(body["messages"])
        # OpenAI caches the longest prefix seen before, in steps of 128 tokens past 1,024.
        prefix_tokens = tokens(system) + tokens(schema)
        read, _ = self._cache(system + schema, prefix_tokens)
        cached = (read // 128) * 128
        request_id = f"req_{uuid.uuid4().hex}"
        created = int(time.time())
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:29]}"
        if stream:
            text = answer_for(user)
            billed = Billed(prompt_tokens - cached, tokens(text), cache_read_tokens=cached)
            self._record(request, body, kind=kind, status=200, billed=billed, reply=text)
            return StreamingResponse(
                self._stream(text, completion_id, created, prompt_tokens, cached),
                media_type="text/event-stream",
                headers={"x-request-id": request_id, "openai-processing-ms": "212"},
            )
        content = json.dumps(extraction_for(user), ensure_ascii=False)
        billed = Billed(prompt_tokens - cached, tokens(content), cache_read_tokens=cached)
        self._record(request, body, kind=kind, status=200, billed=billed)
        return JSONResponse(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": self.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": content,
                            "refusal": None,
                            "annotations": [],
                        },
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": self._usage(prompt_tokens, cached, billed.output_tokens),
                "service_tier": "default",
                "system_fingerprint": "fp_fake0001",
            },
            headers={"x-request-id": request_id, "openai-processing-ms": "1830"},
        )

    @staticmethod
    def _usage(prompt_tokens: int, cached: int, completion_tokens: int) -> dict[str, Any]:
        return {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    async def _stream(
        self, text: str, completion_id: str, created: int, prompt_tokens: int, cached: int
    ) -> AsyncIterator[bytes]:
        def chunk(choices: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> bytes:
            data = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": self.model,
                "service_tier": "default",
                "system_fingerprint": "fp_fake0001",
                "choices": choices,
                "usage": usage,
            }
            return f"data: {json.dumps(data)}\n\n".encode()

        def delta(content: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"index": 0, "delta": content, "logprobs": None, "finish_reason": finish}

        yield chunk([delta({"role": "assistant", "content": "", "refusal": None})])
        for piece in chunks_of(text):
            await asyncio.sleep(0.003)
            yield chunk([delta({"content": piece})])
        yield chunk([delta({}, "stop")])
        yield chunk([], self._usage(prompt_tokens, cached, tokens(text)))
        yield b"data: [DONE]\n\n"


class FakeAnthropic(FakeVendor):
    """Anthropic's Messages API (reached at ``{url}``: the SDK adds ``/v1/messages``)."""

    provider = "anthropic"

    @property
    def base_url(self) -> str:
        return self.url

    def key_of(self, exchange: Exchange) -> str | None:
        return _anthropic_key(exchange.headers)

    def routes(self) -> list[Route]:
        return [
            Route("/v1/messages", self._messages, methods=["POST"]),
            Route("/v1/models/{model:path}", self._model, methods=["GET"]),
        ]

    _ERROR_TYPES: ClassVar[dict[int, str]] = {
        400: "invalid_request_error",
        401: "authentication_error",
        403: "permission_error",
        404: "not_found_error",
        429: "rate_limit_error",
        500: "api_error",
        503: "overloaded_error",
        529: "overloaded_error",
    }

    def _error(self, status: int, message: str, headers: Mapping[str, str] = {}) -> JSONResponse:
        body = {
            "type": "error",
            "error": {"type": self._ERROR_TYPES.get(status, "api_error"), "message": message},
        }
        return JSONResponse(body, status, headers={"request-id": _request_id(), **headers})

    def _refusal(self, request: Request, kind: str, model: str | None) -> JSONResponse | None:
        if "anthropic-version" not in request.headers:
            return self._error(400, "anthropic-version: header is required")
        if _anthropic_key(request.headers) != self.key:
            return self._error(401, "invalid x-api-key")
        outage = self._outage(kind)
        if outage is not None:
            headers = {}
            if outage.retry_after_ms is not None:
                headers["retry-after-ms"] = str(outage.retry_after_ms)
            return self._error(outage.status, "Overloaded", headers)
        if model is not None and model != self.model:
            return self._error(404, f"model: {model}")
        return None

    async def _model(self, request: Request) -> Response:
        model = request.path_params["model"]
        refused = self._refusal(request, "models", model)
        self._record(request, None, kind="models", status=refused.status_code if refused else 200)
        if refused is not None:
            return refused
        return JSONResponse(
            {
                "type": "model",
                "id": model,
                "display_name": "Fake Claude",
                "created_at": "2025-05-14T00:00:00Z",
            }
        )

    async def _messages(self, request: Request) -> Response:
        body = await self._json(request)
        stream = bool(body and body.get("stream"))
        kind = "answer" if stream else "extract"
        if (
            body is None
            or not body.get("model")
            or not isinstance(body.get("max_tokens"), int)
            or not isinstance(body.get("messages"), list)
        ):
            self._record(request, body, kind=kind, status=400)
            return self._error(400, "model, max_tokens and messages are required")
        refused = self._refusal(request, kind, body["model"])
        if refused is not None:
            self._record(request, body, kind=kind, status=refused.status_code)
            return refused
        system_blocks = body.get("system") or []
        if isinstance(system_blocks, str):
            system_blocks = [{"type": "text", "text": system_blocks}]
        system = "".join(block["text"] for block in system_blocks)
        tools = json.dumps(body.get("tools") or [])
        user = _user_text(body["messages"])
        # Tools and system come first in the prompt; a breakpoint on the system caches both.
        prefix_tokens = tokens(tools) + tokens(system)
        breakpoint_set = any("cache_control" in block for block in system_blocks)
        read, written = self._cache(tools + system, prefix_tokens) if breakpoint_set else (0, 0)
        uncached = tokens(user) + 8 + (0 if read or written else prefix_tokens)
        if stream:
            text = answer_for(user)
            billed = Billed(uncached, tokens(text), read, written)
            self._record(request, body, kind=kind, status=200, billed=billed, reply=text)
            return StreamingResponse(
                self._stream(text, billed),
                media_type="text/event-stream",
                headers={"request-id": _request_id()},
            )
        choice = body.get("tool_choice") or {}
        tool_name = choice.get("name") if choice.get("type") == "tool" else None
        if tool_name is None or tool_name not in [t["name"] for t in body.get("tools", [])]:
            self._record(request, body, kind=kind, status=400)
            return self._error(400, "tool_choice: a tool of tools must be named")
        tool_input = extraction_for(user)
        billed = Billed(uncached, tokens(json.dumps(tool_input)) + 40, read, written)
        self._record(request, body, kind=kind, status=200, billed=billed)
        return JSONResponse(
            {
                "id": f"msg_{uuid.uuid4().hex[:24]}",
                "type": "message",
                "role": "assistant",
                "model": self.model,
                "content": [
                    {
                        "type": "tool_use",
                        "id": f"toolu_{uuid.uuid4().hex[:24]}",
                        "name": tool_name,
                        "input": tool_input,
                    }
                ],
                "stop_reason": "tool_use",
                "stop_sequence": None,
                "usage": self._usage(billed),
            },
            headers={"request-id": _request_id()},
        )

    @staticmethod
    def _usage(billed: Billed, output_tokens: int | None = None) -> dict[str, Any]:
        return {
            "input_tokens": billed.input_tokens,
            "cache_creation_input_tokens": billed.cache_write_tokens,
            "cache_read_input_tokens": billed.cache_read_tokens,
            "output_tokens": billed.output_tokens if output_tokens is None else output_tokens,
            "service_tier": "standard",
        }

    async def _stream(self, text: str, billed: Billed) -> AsyncIterator[bytes]:
        def event(name: str, data: dict[str, Any]) -> bytes:
            return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()

        message: dict[str, Any] = {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": self._usage(billed, output_tokens=1),
        }
        yield event("message_start", {"type": "message_start", "message": message})
        yield event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        )
        yield event("ping", {"type": "ping"})
        for piece in chunks_of(text):
            await asyncio.sleep(0.003)
            yield event(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": piece},
                },
            )
        yield event("content_block_stop", {"type": "content_block_stop", "index": 0})
        yield event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": billed.output_tokens},
            },
        )
        yield event("message_stop", {"type": "message_stop"})


def _user_text(messages: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for message in messages:
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts += [b.get("text", "") for b in content if isinstance(b, dict)]
    return "\n".join(parts)


def _anthropic_key(headers: Mapping[str, str]) -> str | None:
    """The key a request carries: ``x-api-key``, or (as SDKs since 2.x send it)
    ``Authorization: Bearer``."""
    if key := headers.get("x-api-key"):
        return key
    auth = headers.get("authorization", "")
    return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None


def _request_id() -> str:
    return f"req_011C{uuid.uuid4().hex[:20]}"
