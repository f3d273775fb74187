"""``health``: is each part of the stack up, and which Neo4j answers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import strawberry
import structlog

from app.api.context import Services
from app.graph.driver import server_info
from app.jobs.heartbeat import last_heartbeat

log = structlog.get_logger(__name__)
_CHECK_TIMEOUT_S = 3.0


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


@strawberry.type
class Health:
    neo4j: Neo4jHealth
    redis: RedisHealth
    worker: WorkerHealth


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


async def check_all(services: Services) -> Health:
    neo4j, redis, worker = await asyncio.gather(
        check_neo4j(services), check_redis(services), check_worker(services)
    )
    return Health(neo4j=neo4j, redis=redis, worker=worker)
