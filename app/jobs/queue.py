"""Putting jobs on the Dramatiq queue without importing the worker's actors.

The API and the CLI build the message by name, so they need no actor registered on a global
broker; only the worker process declares the actor (``app.jobs.worker``).
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker

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
