"""The Starlette application: /graphql (HTTP + graphql-transport-ws), /healthz, /readyz, UI."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath

import redis.asyncio
import structlog
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import changes
from app.api.context import Services
from app.api.export import export_endpoint
from app.api.health import check_neo4j, check_redis
from app.api.schema import build_schema
from app.api.view import LibrarianGraphQL
from app.auth import AuthMiddleware, TokenVerifier, route_path
from app.changes import redis_retry
from app.config import Settings, get_settings
from app.graph.driver import create_driver
from app.graph.tokens import TokenStore
from app.jobs.broker import create_broker
from app.jobs.queue import JobQueue
from app.logging import bound, configure_logging, new_id

log = structlog.get_logger(__name__)
FRONTEND_DIST = Path(__file__).resolve().parents[1] / "frontend" / "dist"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

_LANDING = """<!doctype html><html><head><meta charset="utf-8"><title>Librarian</title></head>
<body style="font-family: system-ui; max-width: 40rem; margin: 4rem auto">
<h1>Librarian</h1><p>The API is up. Open <a href="/graphql">GraphiQL</a> and add the header
<code>{"Authorization": "Bearer &lt;token&gt;"}</code> (the token is in
<code>var/admin.token</code> after <code>make run</code>).</p></body></html>"""


class SinglePageApp(StaticFiles):
    """The built UI: its files, and its index.html for any other path without a file extension,
    so a reloaded or shared link (``/entities/ent_1``) opens in the UI's own router. A missing
    asset is still a 404."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or "." in PurePosixPath(path).name:
                raise
            return await super().get_response("index.html", scope)


class RequestIdMiddleware:
    """One request id per HTTP request or WebSocket connection, bound to every log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else new_id()
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        with bound(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                if scope["type"] == "http" and route_path(scope) not in ("/healthz", "/readyz"):
                    log.info(
                        "http.request",
                        method=scope.get("method"),
                        path=scope["path"],
                        status=status,
                        duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    )


def create_app(
    settings: Settings | None = None, *, server: bool = False, ui_dir: Path = FRONTEND_DIST
) -> Starlette:
    """The API, and the UI built into ``ui_dir`` when there is one. ``server``: this process
    serves it for good (``librarian run``, uvicorn), so the start-up may also prepare the process
    itself (see ``warm_up``)."""
    settings = settings or get_settings()
    driver = create_driver(settings)
    redis_client = redis.asyncio.Redis.from_url(
        settings.redis_url,
        socket_timeout=5,
        socket_connect_timeout=3,
        # After a Redis restart the pool's sockets are dead: reconnect and retry the command
        # (a client made by from_url otherwise gets connections that never retry).
        retry=redis_retry(),
        health_check_interval=5,
    )
    verifier = TokenVerifier(
        TokenStore(driver, settings.neo4j_database), ttl=settings.token_cache_seconds
    )
    services = Services(
        settings=settings,
        driver=driver,
        redis=redis_client,
        tokens=verifier,
        queue=JobQueue(create_broker(settings)),
    )
    graphql = LibrarianGraphQL(build_schema(settings), services)

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        neo4j, redis_ = await asyncio.gather(check_neo4j(services), check_redis(services))
        body = {"neo4j": "ok" if neo4j.ok else "down", "redis": "ok" if redis_.ok else "down"}
        return JSONResponse(body, status_code=200 if neo4j.ok and redis_.ok else 503)

    async def landing(_: Request) -> HTMLResponse:
        return HTMLResponse(_LANDING)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        log.info("api.start", neo4j=settings.neo4j_uri, redis=settings.redis_url)
        listener = asyncio.create_task(changes.listen(redis_client, services.caches.clear_all))
        warming = asyncio.create_task(warm_up(services, freeze=server))
        try:
            yield
        finally:
            warming.cancel()
            listener.cancel()
            for task in (warming, listener):
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await redis_client.aclose()
            await driver.close()
            log.info("api.stop")

    routes: list[Route | WebSocketRoute | Mount] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/export/{kind}", export_endpoint(services), methods=["GET"]),
        WebSocketRoute("/graphql", graphql),
    ]
    if (ui_dir / "index.html").exists():
        routes.append(Mount("/", SinglePageApp(directory=ui_dir, html=True), name="ui"))
    else:
        routes.append(Route("/", landing))

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(AuthMiddleware, verifier=verifier, protected=("/graphql", "/export/")),
        ],
    )
    app.state.services = services  # the process's clients and caches, e.g. for a test's wipe
    return app


def app_factory() -> Starlette:
    """Entry point for ``uvicorn --factory app.asgi:app_factory``."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings, server=True)


async def warm_up(services: Services, *, freeze: bool) -> None:
    """Load the embedding model now, not in the first search (about 0.5 s), without holding
    up the start. Then, with ``freeze``, move every object built so far (the schema, the model's
    session, imported modules) out of the cyclic garbage collector's generations, so full
    collections no longer walk them. One paired run suggested it shortens search's slowest
    responses; a second was even (docs/benchmarks.md). Objects in flight at that moment are
    never collected if they later form garbage cycles: a one-off, small cost."""
    try:
        await asyncio.to_thread(services.searcher.embedder.embed, ["warm up"])
    except Exception:
        # Not fatal here: the first search will report it with its own error code.
        log.exception("api.warm_up_failed")
    if freeze:
        gc.collect()
        gc.freeze()
