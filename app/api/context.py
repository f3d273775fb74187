"""Per-request state handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import neo4j
import redis.asyncio
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from app.auth import TokenVerifier
from app.config import Settings
from app.graph.tokens import ApiToken
from app.jobs.queue import JobQueue


@dataclass
class Services:
    """Long-lived clients shared by all requests of one API process."""

    settings: Settings
    driver: neo4j.AsyncDriver
    redis: redis.asyncio.Redis
    tokens: TokenVerifier
    queue: JobQueue


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
