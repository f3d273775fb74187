"""``health``: is each part of the stack up, and which Neo4j answers."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import cast

import strawberry
import structlog

from app.api.context import Services
from app.errors import LibrarianError
from app.graph.driver import server_info
from app.jobs.heartbeat import last_heartbeat

log = structlog.get_logger(__name__)
_CHECK_TIMEOUT_S = 3.0
LLM_CHECK_TIMEOUT_S = 10.0


@strawberry.type
class Neo4jHealth:
    ok: bool
    version: str | None = None
    edition: str | None = None
    error: str | None = None


@strawberry.type
class RedisHealth:
    ok: bool
    version: str | None = None
    error: str | None = None


@strawberry.type
class WorkerHealth:
    ok: bool
    last_heartbeat: datetime | None = None


@strawberry.type(description="The LLM behind extraction and answers, checked about once a minute.")
class LlmHealth:
    provider: str = strawberry.field(description="none (offline), anthropic or openai.")
    model: str | None
    ok: bool = strawberry.field(description="True offline; else whether the last check passed.")
    latency_ms: float | None = None
    error: str | None = None
    extractor: str = strawberry.field(description="Who extracts: local, anthropic or openai.")
    answerer: str = strawberry.field(description="Who answers: extractive, anthropic or openai.")
    checked_at: datetime | None = None


@strawberry.type
class Health:
    neo4j: Neo4jHealth
    redis: RedisHealth
    worker: WorkerHealth
    llm: LlmHealth


async def check_neo4j(services: Services) -> Neo4jHealth:
    try:
        info = await asyncio.wait_for(server_info(services.driver), _CHECK_TIMEOUT_S)
    except Exception as exc:  # a health probe reports every failure instead of raising
        log.warning("health.neo4j_down", error=repr(exc))
        return Neo4jHealth(ok=False, error=type(exc).__name__)
    return Neo4jHealth(ok=True, version=info.version, edition=info.edition)


async def check_redis(services: Services) -> RedisHealth:
    try:
        info = await asyncio.wait_for(services.redis.info("server"), _CHECK_TIMEOUT_S)
    except Exception as exc:  # a health probe reports every failure instead of raising
        log.warning("health.redis_down", error=repr(exc))
        return RedisHealth(ok=False, error=type(exc).__name__)
    return RedisHealth(ok=True, version=str(info.get("redis_version")))


async def check_worker(services: Services) -> WorkerHealth:
    try:
        seen = await asyncio.wait_for(last_heartbeat(services.redis), _CHECK_TIMEOUT_S)
    except Exception as exc:  # a health probe reports every failure instead of raising
        log.warning("health.worker_unknown", error=repr(exc))
        return WorkerHealth(ok=False)
    if seen is None:
        return WorkerHealth(ok=False)
    fresh = datetime.now(UTC) - seen < timedelta(
        seconds=services.settings.worker_stale_after_seconds
    )
    return WorkerHealth(ok=fresh, last_heartbeat=seen)


async def check_llm(services: Services) -> LlmHealth:
    """One cheap call (the model's entry in the vendor's models API), cached for
    ``LLM_CHECK_TTL_S``: a Status page open in ten tabs costs one call a minute."""
    checked = await services.caches.llm_health.get("llm", lambda: _ping(services))
    return cast(LlmHealth, checked)


async def _ping(services: Services) -> LlmHealth:
    settings = services.settings
    extractor, answerer = settings.extractor_name, settings.answerer_name
    try:
        llm = services.llm
    except LibrarianError as exc:  # configured, but unusable (a provider without its key)
        return LlmHealth(
            provider=settings.llm_kind, model=None, ok=False, error=exc.message,
            extractor=extractor, answerer=answerer, checked_at=datetime.now(UTC),
        )  # fmt: skip
    if llm is None:
        return LlmHealth(
            provider="none", model=None, ok=True, extractor=extractor, answerer=answerer
        )
    started = time.perf_counter()
    error = None
    try:
        await asyncio.wait_for(llm.ping(), LLM_CHECK_TIMEOUT_S)
    except LibrarianError as exc:
        error = exc.message
    except TimeoutError:
        error = f"no answer within {LLM_CHECK_TIMEOUT_S:.0f} s"
    except Exception as exc:  # a health probe reports every failure instead of raising
        log.warning("health.llm_failed", error=repr(exc))
        error = type(exc).__name__
    latency = round((time.perf_counter() - started) * 1000, 1)
    if error:
        log.warning("health.llm_down", provider=llm.provider, model=llm.model, error=error)
    return LlmHealth(
        provider=llm.provider, model=llm.model, ok=error is None,
        latency_ms=None if error else latency, error=error, extractor=extractor,
        answerer=answerer, checked_at=datetime.now(UTC),
    )  # fmt: skip


async def check_all(services: Services) -> Health:
    neo4j, redis, worker, llm = await asyncio.gather(
        check_neo4j(services), check_redis(services), check_worker(services), check_llm(services)
    )
    return Health(neo4j=neo4j, redis=redis, worker=worker, llm=llm)
