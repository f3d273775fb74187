"""Putting jobs on the Dramatiq queue without importing the worker's actors.

The API and the CLI build the message by name, so they need no actor registered on a global
broker; only the worker process declares the actor (``app.jobs.worker``).
"""

from __future__ import annotations

import asyncio

import dramatiq
import redis
import structlog
from dramatiq.brokers.redis import RedisBroker

from app.graph.jobs import JobStore

log = structlog.get_logger(__name__)

ACTOR_NAME = "process_job"
QUEUE_NAME = "jobs"


class JobQueue:
    def __init__(self, broker: RedisBroker) -> None:
        self.broker = broker
        broker.declare_queue(QUEUE_NAME)

    def enqueue(self, job_id: str, *, delay_ms: int | None = None) -> None:
        """Send one message; raises redis errors when Redis is down (the job stays pending)."""
        message: dramatiq.Message[None] = dramatiq.Message(
            queue_name=QUEUE_NAME, actor_name=ACTOR_NAME, args=(job_id,), kwargs={}, options={}
        )
        self.broker.enqueue(message, delay=delay_ms)


async def submit(queue: JobQueue, jobs: JobStore, job_id: str, *, marked: bool) -> bool:
    """Enqueue ``job_id`` without blocking the event loop; False when Redis is unreachable.

    ``marked``: the Job already says it was enqueued (set when it was created), so a failure
    clears that and the reconciler takes the job on its next round; otherwise a success sets it.
    Either way the job is safe in Neo4j: a failure here delays work, it never loses it.
    """
    try:
        await asyncio.to_thread(queue.enqueue, job_id)
    except (redis.RedisError, OSError) as exc:
        log.warning("job.enqueue_failed", job_id=job_id, error=str(exc))
        if marked:
            await jobs.clear_enqueued(job_id)
        return False
    if not marked:
        await jobs.mark_enqueued(job_id)
    return True
