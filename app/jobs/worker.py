"""Entry module for ``dramatiq app.jobs.worker``: the broker, the actor and its resources.

Actors are async and share one event loop per worker process (Dramatiq's AsyncIO middleware),
so one Neo4j driver and one Redis client serve every job; CPU-bound steps (embedding,
extraction) run in threads. The reconciler runs on the same loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

import dramatiq
import neo4j
import redis.asyncio
import structlog
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware.asyncio import AsyncIO

from app.changes import redis_retry
from app.config import Settings, get_settings
from app.embed import create_embedder
from app.extract.factory import create_extractor
from app.graph.driver import create_driver
from app.graph.jobs import JobStore
from app.jobs.broker import create_broker
from app.jobs.queue import ACTOR_NAME, QUEUE_NAME, JobQueue
from app.jobs.reconciler import reconcile_forever
from app.jobs.runner import JobRunner, PipelineDeps
from app.logging import configure_logging

log = structlog.get_logger(__name__)


class WorkerResources(dramatiq.Middleware):
    """Builds the runner once per worker process and runs the reconciler beside it."""

    def __init__(self, settings: Settings, queue: JobQueue) -> None:
        self.settings = settings
        self.queue = queue
        self.runner: JobRunner | None = None
        self._driver: neo4j.AsyncDriver | None = None
        self._redis: redis.asyncio.Redis | None = None
        self._reconciler: asyncio.Task[None] | None = None

    def before_worker_boot(self, broker: Any, worker: Any) -> None:
        # Before, not after: consumers start taking messages as soon as the worker boots, and a
        # message that finds no runner would be lost until the reconciler's grace period ends.
        loop_thread = get_event_loop_thread()
        assert loop_thread is not None, "the AsyncIO middleware must be added first"
        asyncio.run_coroutine_threadsafe(self._start(), loop_thread.loop).result(timeout=120)

    def after_worker_shutdown(self, broker: Any, worker: Any) -> None:
        # After, not before: jobs still running at SIGTERM need the driver to finish or record
        # their state. Dramatiq runs "after" hooks in reverse order, so the loop is still up.
        loop_thread = get_event_loop_thread()
        if loop_thread is not None:
            asyncio.run_coroutine_threadsafe(self._stop(), loop_thread.loop).result(timeout=30)

    async def _start(self) -> None:
        s = self.settings
        self._driver = create_driver(s)
        self._redis = redis.asyncio.Redis.from_url(
            s.redis_url,
            socket_timeout=10,
            retry=redis_retry(),  # see app.asgi
            health_check_interval=5,
        )
        embedder = create_embedder(s.embedder, s.embedding_dim, threads=s.embed_threads or None)
        extractor = create_extractor(s)
        self.runner = JobRunner(
            PipelineDeps(
                settings=s,
                driver=self._driver,
                redis=self._redis,
                queue=self.queue,
                embedder=embedder,
                extractor=extractor,
            )
        )
        self._reconciler = asyncio.create_task(
            reconcile_forever(
                JobStore(self._driver, s.neo4j_database),
                self.queue,
                self._redis,
                grace_seconds=s.reconcile_pending_grace_seconds,
                every=s.reconcile_every_seconds,
            )
        )
        log.info("worker.ready", extractor=extractor.name, embedder=embedder.name)

    async def _stop(self) -> None:
        if self._reconciler is not None:
            self._reconciler.cancel()
        if self._redis is not None:
            await self._redis.aclose()
        if self._driver is not None:
            await self._driver.close()


_settings = get_settings()
configure_logging(_settings.log_level, _settings.log_format)
broker = create_broker(_settings)
broker.add_middleware(AsyncIO())
resources = WorkerResources(_settings, JobQueue(broker))
broker.add_middleware(resources)
dramatiq.set_broker(broker)


@dramatiq.actor(
    broker=broker,
    actor_name=ACTOR_NAME,
    queue_name=QUEUE_NAME,
    max_retries=0,  # retries are the runner's (recorded on the Job, with backoff)
    time_limit=_settings.job_time_limit_seconds * 1000,
)
async def process_job(job_id: str) -> None:
    assert resources.runner is not None, "worker resources are not ready"
    await resources.runner.run(job_id)
