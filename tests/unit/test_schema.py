"""The exported SDL matches the code, and the schema enforces its limits and error codes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import pytest
import redis.asyncio
import structlog

from app.api.context import Context, Services
from app.api.schema import build_schema
from app.auth import TokenVerifier
from app.config import Settings
from app.graph.tokens import ApiToken, Scope, TokenStore
from app.jobs.broker import create_broker
from app.jobs.queue import JobQueue

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_graphql_matches_the_code() -> None:
    exported = build_schema().as_str() + "\n"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == exported, (
        "schema.graphql drifted from the code: run `.venv/bin/librarian schema`"
    )


def _context(scope: Scope, settings: Settings) -> Context:
    # A driver and a Redis client aimed at a closed port: nothing answers there.
    driver = neo4j.AsyncGraphDatabase.driver(
        "bolt://127.0.0.1:9",
        auth=("neo4j", "x"),
        connection_timeout=0.5,
        max_transaction_retry_time=0,
    )
    services = Services(
        settings=settings,
        driver=driver,
        redis=redis.asyncio.Redis(port=9, socket_connect_timeout=0.5),
        tokens=TokenVerifier(TokenStore(driver, "neo4j"), ttl=0),
        queue=JobQueue(create_broker(settings)),
    )
    principal = ApiToken(
        id="t1", name="t", scope=scope, created_at=datetime.now(UTC), revoked_at=None
    )
    return Context(services=services, request=None, response=None, principal=principal)  # type: ignore[arg-type]


async def _run(query: str, ctx: Context, settings: Settings) -> Any:
    return await build_schema(settings).execute(query, context_value=ctx)


async def test_depth_limit_rejects_deep_queries() -> None:
    settings = Settings(graphql_max_depth=1)  # depth counts from 0 at the root field
    result = await _run("{ health { neo4j { ok } } }", _context(Scope.READ, settings), settings)
    assert result.data is None
    assert [e.extensions["code"] for e in result.errors] == ["BAD_INPUT"]
    assert "depth" in result.errors[0].message


async def test_a_repeated_operation_is_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation is the largest CPU cost of a small operation; a document seen before (with the
    schema's own limits) is served from the cache, so the depth limit still holds but costs
    nothing the second time."""
    import strawberry.schema.schema as strawberry_schema

    calls: list[str] = []
    real = strawberry_schema.validate

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append("validate")
        return real(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    settings = Settings()
    schema = build_schema(settings)
    # A document no other test uses, so the process-wide cache cannot already hold it.
    query = f"{{ {'v' + uuid.uuid4().hex}: __typename }}"
    for _ in range(3):
        result = await schema.execute(query, context_value=_context(Scope.READ, settings))
        assert result.errors is None
    assert calls == ["validate"]
    # The cache never lets a document through a schema whose limits refuse it: validated (and
    # cached) under default limits first, it is still refused by a tighter schema, every time.
    deep = f"{{ {'d' + uuid.uuid4().hex}: health {{ neo4j {{ ok }} }} }}"
    result = await schema.execute(deep, context_value=_context(Scope.READ, settings))
    assert not any(e.extensions["code"] == "BAD_INPUT" for e in result.errors or [])
    tight = Settings(graphql_max_depth=1)
    tight_schema = build_schema(tight)
    for _ in range(2):
        result = await tight_schema.execute(deep, context_value=_context(Scope.READ, tight))
        assert [e.extensions["code"] for e in result.errors] == ["BAD_INPUT"]
        assert "depth" in result.errors[0].message


async def test_unreachable_database_is_unavailable_and_masked() -> None:
    settings = Settings()
    with structlog.contextvars.bound_contextvars(request_id="rid-unit-1"):
        result = await _run("{ apiTokens { id } }", _context(Scope.ADMIN, settings), settings)
    error = result.errors[0]
    assert error.extensions["code"] == "UNAVAILABLE"
    assert error.extensions["requestId"] == "rid-unit-1"
    assert "127.0.0.1:9" not in error.message, "internal details stay in the log"


async def test_health_reports_down_services_instead_of_failing() -> None:
    settings = Settings()
    result = await _run(
        "{ health { neo4j { ok error } redis { ok } worker { ok lastHeartbeat } } }",
        _context(Scope.READ, settings),
        settings,
    )
    assert result.errors is None
    health = result.data["health"]
    assert health["neo4j"]["ok"] is False
    assert health["redis"]["ok"] is False
    assert health["worker"] == {"ok": False, "lastHeartbeat": None}


async def test_scope_gate_without_principal_is_unauthenticated() -> None:
    settings = Settings()
    ctx = _context(Scope.READ, settings)
    ctx.principal = None
    result = await _run("{ health { redis { ok } } }", ctx, settings)
    assert [e.extensions["code"] for e in result.errors] == ["UNAUTHENTICATED"]


async def test_subscription_errors_get_codes_and_are_masked() -> None:
    settings = Settings()
    ctx = _context(Scope.READ, settings)
    stream = await build_schema(settings).subscribe(
        'subscription { jobProgress(jobId: "job_x") { status } }', context_value=ctx
    )
    results = [r async for r in stream]  # type: ignore[union-attr]
    (error,) = results[-1].errors
    assert error.extensions["code"] == "UNAVAILABLE"
    assert ":9" not in error.message, "no host or port reaches the client"
