"""Schema extensions: the scope gate, stable error codes and error logging."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import neo4j
import redis
import structlog
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType

from app.errors import LibrarianError
from app.graph.tokens import Scope

log = structlog.get_logger(__name__)

_UNAVAILABLE = (
    neo4j.exceptions.ServiceUnavailable,
    neo4j.exceptions.SessionExpired,
    redis.ConnectionError,
    redis.TimeoutError,
    ConnectionError,
    TimeoutError,
)


def _request_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("request_id")
    return str(value) if value is not None else None


def _error(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class ScopeGate(SchemaExtension):
    """Queries and subscriptions need the read scope, mutations the write scope.

    Authentication itself happens before GraphQL (HTTP middleware, WebSocket connection_init);
    this gate is the second line, and where a too-small scope becomes FORBIDDEN.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context.context
        needed = (
            Scope.WRITE
            if self.execution_context.operation_type == OperationType.MUTATION
            else Scope.READ
        )
        principal = getattr(ctx, "principal", None)
        if principal is None:
            self.execution_context.result = GraphQLExecutionResult(
                data=None, errors=[_error("UNAUTHENTICATED", "A valid API token is required.")]
            )
        elif not principal.scope.allows(needed):
            self.execution_context.result = GraphQLExecutionResult(
                data=None,
                errors=[
                    _error(
                        "FORBIDDEN",
                        f"This operation needs the {needed.value} scope; "
                        f"the token has {principal.scope.value}.",
                    )
                ],
            )
        yield


def classify(error: GraphQLError) -> tuple[str, str]:
    """The stable code and the client-safe message for ``error``."""
    original = error.original_error
    existing = (error.extensions or {}).get("code")
    if isinstance(original, LibrarianError):
        return original.code, original.message
    if original is None:
        # Syntax, validation, limits and variable coercion: the caller's request is at fault.
        return (str(existing) if existing else "BAD_INPUT"), error.message
    if existing:  # e.g. a permission class that set its own code
        return str(existing), error.message
    rid = _request_id()
    suffix = f" (request id {rid})" if rid else ""
    if isinstance(original, _UNAVAILABLE):
        return "UNAVAILABLE", "A backing service is unavailable; try again shortly" + suffix
    return "INTERNAL", "Internal error" + suffix


class ErrorCodes(SchemaExtension):
    """Gives every error a stable ``extensions.code`` and masks unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        self._rewrite_result(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Subscriptions send each result before ``on_operation`` ends: rewrite them here."""
        self._rewrite_result(result)
        yield

    def _rewrite_result(self, result: object) -> None:
        if isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
            result.errors = [self._rewrite(e) for e in result.errors]

    @staticmethod
    def _rewrite(error: GraphQLError) -> GraphQLError:
        code, message = classify(error)
        extensions: dict[str, Any] = {**(error.extensions or {}), "code": code}
        if rid := _request_id():
            extensions["requestId"] = rid
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )


class QueryCount(SchemaExtension):
    """Reports the Neo4j reads an operation made through ``context.db`` as
    ``extensions.queries``: a diagnostic for N+1 shapes, not a stable API."""

    def get_results(self) -> dict[str, Any]:
        db = getattr(self.execution_context.context, "db", None)
        return {"queries": db.queries} if db is not None else {}


class LibrarianSchema(Schema):
    """Logs each error once, with its request id, before it is rewritten for the client."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        operation = execution_context.operation_name if execution_context else None
        for error in errors:
            code, _ = classify(error)
            if code in ("INTERNAL", "UNAVAILABLE"):
                log.error(
                    "graphql.error",
                    code=code,
                    operation=operation,
                    path=error.path,
                    error=repr(error.original_error),
                    exc_info=error.original_error,
                )
            else:
                log.info(
                    "graphql.rejected",
                    code=code,
                    operation=operation,
                    path=error.path,
                    message=error.message,
                )
