"""Per-request state handed to every resolver."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

import neo4j
import redis.asyncio
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from app.api.cache import Caches
from app.auth import TokenVerifier
from app.config import Settings
from app.errors import Unavailable
from app.graph.resolution import HeldLock, graph_write_lock
from app.graph.rows import read_rows
from app.graph.tokens import ApiToken
from app.jobs.queue import JobQueue

if TYPE_CHECKING:
    from app.api.loaders import Loaders
    from app.ask.base import Answerer
    from app.embed import Embedder
    from app.llm.base import LLM
    from app.search.engine import Searcher


#: How long a correction made through the API waits for the write lock (s).
API_LOCK_WAIT_SECONDS: Final = 30.0


@dataclass
class Services:
    """Long-lived clients shared by all requests of one API process."""

    settings: Settings
    driver: neo4j.AsyncDriver
    redis: redis.asyncio.Redis
    tokens: TokenVerifier
    queue: JobQueue
    caches: Caches = field(default_factory=Caches)

    def write_lock(self) -> AbstractAsyncContextManager[HeldLock]:
        """The resolve-and-write lock (adr/0009) for a correction made through the API, so a
        job never writes between a merge or label change and its commit."""
        settings = self.settings
        return graph_write_lock(
            self.redis,
            ttl=settings.resolve_lock_ttl_seconds,
            wait=min(settings.resolve_lock_wait_seconds, API_LOCK_WAIT_SECONDS),
        )

    async def changed(self, reason: str) -> None:
        """After a write made by this process: clear its caches, then tell the others."""
        await self.caches.changed(self.redis, reason)

    @cached_property
    def embedder(self) -> Embedder:
        """The full embedding model, which every stored vector comes from. Here the offline
        answerer's (it ranks sentences by it); loads on first use, about half a second."""
        from app.embed import create_embedder

        s = self.settings
        return create_embedder(s.embedder, s.embedding_dim, threads=s.embed_threads or None)

    @cached_property
    def searcher(self) -> Searcher:
        """Built on first use: the query embedder loads then (about half a second; the first
        time, its int8 copy is built, about 4 s more)."""
        from app.search.engine import Searcher

        settings = self.settings
        queries = query_embedder(settings) if settings.query_int8 else self.embedder
        searcher = Searcher(queries, cache_seconds=settings.search_cache_seconds)
        self.caches.register(searcher)
        return searcher

    @cached_property
    def llm(self) -> LLM | None:
        """The configured LLM (LIBRARIAN_LLM_PROVIDER and its key), or None offline."""
        from app.llm.factory import create_llm

        return create_llm(self.settings)

    @cached_property
    def answerer(self) -> Answerer:
        """The LLM when one is configured, falling back to the offline extractive answerer
        while it cannot be reached; else the extractive answerer alone."""
        from app.ask.extractive import ExtractiveAnswerer

        offline = ExtractiveAnswerer(self.embedder)
        if self.settings.answerer_kind != "llm":
            return offline
        from app.ask.fallback import FallbackAnswerer
        from app.ask.llm import LLMAnswerer

        llm = self.llm
        if llm is None:
            raise Unavailable("LIBRARIAN_ANSWERER=llm needs LIBRARIAN_LLM_PROVIDER and its key")
        return FallbackAnswerer(LLMAnswerer(llm), offline)


def query_embedder(settings: Settings) -> Embedder:
    """What search embeds queries with: the int8 copy of the local model, kept under
    ``data_dir/models`` (LIBRARIAN_QUERY_INT8=false: the full model). About three times faster;
    on the golden questions it ranks within one question of the full model (ADR 0010). The
    offline answerer keeps the full model: its answers moved more (87 against 90 of 94 given)."""
    from app.embed import create_embedder

    return create_embedder(
        settings.embedder,
        settings.embedding_dim,
        threads=settings.embed_threads or None,
        int8_dir=settings.data_dir / "models" if settings.query_int8 else None,
    )


class Db:
    """Neo4j reads for one request, counted.

    The count is a diagnostic: it is reported as ``extensions.queries`` in each GraphQL
    response, so a client (or a test) sees when a query shape costs one round trip per item.
    """

    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database
        self.queries = 0

    async def read(self, cypher: str, **params: Any) -> list[Mapping[str, Any]]:
        """Run one read-only statement (routed to a reader) and return its rows."""
        self.queries += 1
        return await read_rows(self._driver, self._database, cypher, params)


@dataclass
class Context:
    services: Services
    request: Request | WebSocket
    response: Response | WebSocket | None
    principal: ApiToken | None = None
    # graphql-transport-ws stores the connection_init payload here.
    connection_params: dict[str, Any] = field(default_factory=dict)

    @property
    def database(self) -> str:
        return self.services.settings.neo4j_database

    @cached_property
    def db(self) -> Db:
        return Db(self.services.driver, self.database)

    def fresh_state(self) -> None:
        """Forget the read counter and DataLoaders: a WebSocket's context lives as long as the
        socket, so an operation that reads (ask) starts its own, instead of reusing rows
        cached by an earlier operation on the same socket."""
        self.__dict__.pop("db", None)
        self.__dict__.pop("loaders", None)

    @cached_property
    def loaders(self) -> Loaders:
        """DataLoaders of this request (one batch per field level, cached per request)."""
        from app.api.loaders import Loaders  # loaders build on Db: imported late, no cycle

        return Loaders(self.db, self.services.caches.entities)
