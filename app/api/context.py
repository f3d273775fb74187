"""Per-request state handed to every resolver."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import neo4j
import redis.asyncio
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from app.auth import TokenVerifier
from app.config import Settings
from app.errors import Unavailable
from app.graph.rows import read_rows
from app.graph.tokens import ApiToken
from app.jobs.queue import JobQueue

if TYPE_CHECKING:
    from app.api.loaders import Loaders
    from app.ask.base import Answerer
    from app.embed import Embedder
    from app.search.engine import Searcher


@dataclass
class Services:
    """Long-lived clients shared by all requests of one API process."""

    settings: Settings
    driver: neo4j.AsyncDriver
    redis: redis.asyncio.Redis
    tokens: TokenVerifier
    queue: JobQueue

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
        from app.api import cache
        from app.search.engine import Searcher

        settings = self.settings
        queries = query_embedder(settings) if settings.query_int8 else self.embedder
        searcher = Searcher(queries, cache_seconds=settings.search_cache_seconds)
        cache.register(searcher)
        return searcher

    @cached_property
    def answerer(self) -> Answerer:
        """Claude when ANTHROPIC_API_KEY is set (or LIBRARIAN_ANSWERER=anthropic), else the
        offline extractive answerer."""
        settings = self.settings
        if settings.answerer_kind == "anthropic":
            import anthropic

            from app.ask.claude import ClaudeAnswerer
            from app.extract.llm import DEFAULT_MODEL

            key = settings.anthropic_api_key
            if key is None:
                raise Unavailable("LIBRARIAN_ANSWERER=anthropic needs ANTHROPIC_API_KEY")
            client = anthropic.AsyncAnthropic(api_key=key.get_secret_value())
            return ClaudeAnswerer(client, model=settings.anthropic_model or DEFAULT_MODEL)
        from app.ask.extractive import ExtractiveAnswerer

        return ExtractiveAnswerer(self.embedder)


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

        return Loaders(self.db)
