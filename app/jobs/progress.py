"""Job progress on Redis pub/sub: channel ``job:<id>``, one JSON snapshot per event."""

from __future__ import annotations

import json

import redis
import redis.asyncio
import structlog

from app.graph.jobs import Job

log = structlog.get_logger(__name__)


def channel(job_id: str) -> str:
    return f"job:{job_id}"


async def publish(client: redis.asyncio.Redis, job: Job) -> None:
    """Best effort: the snapshot on the Job node is the truth; a lost event is re-read."""
    try:
        await client.publish(channel(job.id), json.dumps(job.snapshot()))
    except (redis.RedisError, OSError) as exc:
        log.warning("progress.publish_failed", job_id=job.id, error=str(exc))
