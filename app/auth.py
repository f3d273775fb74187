"""Bearer-token authentication for HTTP and WebSocket callers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import neo4j
import structlog
from cachetools import TTLCache
from starlette.types import ASGIApp, Receive, Scope, Send

from app.graph.tokens import ApiToken, TokenStore, hash_secret

log = structlog.get_logger(__name__)


def bearer_secret(value: str | None) -> str | None:
    """The secret of an ``Authorization: Bearer <secret>`` value, else None."""
    if not value:
        return None
    scheme, _, secret = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


class TokenVerifier:
    """Verifies secrets against the token store, trusting a positive answer for ``ttl`` seconds.

    The short cache keeps one Neo4j round trip off every request; a revocation made through this
    process is forgotten at once, one made elsewhere takes effect within ``ttl``.
    """

    def __init__(self, store: TokenStore, ttl: float) -> None:
        self.store = store
        self._cache: TTLCache[str, ApiToken] | None = (
            TTLCache(maxsize=4096, ttl=ttl) if ttl > 0 else None
        )

    async def verify(self, secret: str | None) -> ApiToken | None:
        if not secret:
            return None
        key = hash_secret(secret)
        if self._cache is not None and (hit := self._cache.get(key)) is not None:
            return hit
        token = await self.store.verify(secret)
        if token is not None and self._cache is not None:
            self._cache[key] = token
        return token

    def forget(self, token_id: str) -> None:
        if self._cache is None:
            return
        for key, token in list(self._cache.items()):
            if token.id == token_id:
                self._cache.pop(key, None)


def _error_body(code: str, message: str) -> bytes:
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()


class AuthMiddleware:
    """Requires a valid bearer token on every HTTP request under ``protected`` prefixes.

    The GraphiQL page itself (a browser GET asking for HTML, without a query) stays open: it
    holds no data, and the token goes into its headers editor. WebSocket connections
    authenticate in ``connection_init`` instead (see the GraphQL view).
    """

    def __init__(self, app: ASGIApp, verifier: TokenVerifier, protected: tuple[str, ...]) -> None:
        self.app = app
        self.verifier = verifier
        self.protected = protected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not route_path(scope).startswith(self.protected):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if _is_graphiql_page(scope, headers):
            await self.app(scope, receive, send)
            return
        try:
            token = await self.verifier.verify(bearer_secret(headers.get("authorization")))
        except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired, OSError):
            log.warning("auth.store_unavailable", exc_info=True)
            await _send_json(
                send, 503, _error_body("UNAVAILABLE", "The token store is unreachable; retry.")
            )
            return
        if token is None:
            await _send_json(
                send,
                401,
                _error_body("UNAUTHENTICATED", "A valid API token is required (Bearer)."),
                extra=[(b"www-authenticate", b'Bearer realm="librarian"')],
            )
            return
        scope.setdefault("state", {})["principal"] = token
        structlog.contextvars.bind_contextvars(token_id=token.id)
        await self.app(scope, receive, send)


def route_path(scope: Scope) -> str:
    """The path the router matches: without the ``root_path`` a server was started with
    (``--root-path``, behind a proxy's prefix), which ASGI servers keep at the front of
    ``path``. Checking the raw path would let ``/prefix/export/…`` through unauthenticated."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _headers(scope: Scope) -> Mapping[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _is_graphiql_page(scope: Scope, headers: Mapping[str, str]) -> bool:
    return (
        route_path(scope) == "/graphql"
        and scope["method"] == "GET"
        and "text/html" in headers.get("accept", "")
        and b"query=" not in scope.get("query_string", b"")
    )


async def _send_json(
    send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
