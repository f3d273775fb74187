"""The Strawberry ASGI view: builds the Context and authenticates WebSocket connections."""

from __future__ import annotations

from typing import Any

import structlog
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from app.api.context import Context, Services
from app.auth import bearer_secret
from app.logging import new_id

log = structlog.get_logger(__name__)


class LibrarianGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any, services: Services) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allow_queries_via_get=False,
        )
        self.services = services

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        principal = request.scope.get("state", {}).get("principal")
        return Context(
            services=self.services, request=request, response=response, principal=principal
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        raw = params.get("Authorization") or params.get("authorization")
        token = await self.services.tokens.verify(
            bearer_secret(raw if isinstance(raw, str) else None)
        )
        if token is None:
            log.info("ws.rejected", reason="invalid or missing token")
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
        context.principal = token
        structlog.contextvars.bind_contextvars(token_id=token.id, ws_connection_id=new_id())
        return None
