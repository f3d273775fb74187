"""Re-enqueues jobs that Redis lost or whose worker died, so nothing accepted is ever lost.

Runs in every worker process; a short Redis lock lets one of them act per round. Duplicate
messages are harmless: a job is claimed before it runs, and a claimed job is not claimed twice.
"""

from __future__ import annotations

import asyncio
import os

import redis
import redis.asyncio
import structlog

from app.graph.jobs import JobStore
from app.jobs.queue import JobQueue

log = structlog.get_logger(__name__)
LOCK_KEY = "librarian:reconciler:lock"


async def reconcile_once(
    jobs: JobStore,
    queue: JobQueue,
    client: redis.asyncio.Redis,
    *,
    grace_seconds: float,
    every: float,
) -> list[str]:
    """One round; the job ids it enqueued."""
    if not await client.set(LOCK_KEY, os.getpid(), nx=True, px=max(1, int(every * 900))):
        return []
    enqueued: list[str] = []
    for job_id in await jobs.needing_enqueue(grace_seconds):
        await asyncio.to_thread(queue.enqueue, job_id)
        await jobs.mark_enqueued(job_id)
        enqueued.append(job_id)
    if enqueued:
        log.info("reconciler.enqueued", count=len(enqueued), job_ids=enqueued[:20])
    return enqueued


async def reconcile_forever(
    jobs: JobStore,
    queue: JobQueue,
    client: redis.asyncio.Redis,
    *,
    grace_seconds: float,
    every: float,
) -> None:
    while True:
        try:
            await reconcile_once(jobs, queue, client, grace_seconds=grace_seconds, every=every)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Redis or Neo4j down: say so and try again next round
            log.warning("reconciler.round_failed", error=f"{type(exc).__name__}: {exc}")
        await asyncio.sleep(every)
