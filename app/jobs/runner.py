"""A job's lifecycle: claim it, hold its lease, run its stages in order (``app.jobs.stages``)
under the resolve-and-write lock from resolve on, and record how it ended: complete, failed and
retried with backoff, failed for good, or waiting for an unreachable LLM.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import structlog

from app.errors import LibrarianError
from app.graph.jobs import Job, JobStore, LeaseLost
from app.graph.resolution import graph_write_lock
from app.jobs.checkpoints import Checkpoints
from app.jobs.progress import publish
from app.jobs.stages import STAGE_START, PipelineDeps, Stages
from app.llm.base import LLMAuthFailed, LLMRateLimited, LLMUnavailable
from app.logging import bound

__all__ = ["JobRunner", "PipelineDeps"]

log = structlog.get_logger(__name__)
LLM_WAIT_CAP_S = 900.0
LLM_RETRY_AFTER_CAP_S = 3600.0
#: About a day at the 15-minute cap; past it a job's LLM failures use up its attempts.
LLM_MAX_WAITS = 100


class JobRunner:
    def __init__(self, deps: PipelineDeps) -> None:
        self.deps = deps
        self.jobs = JobStore(deps.driver, deps.settings.neo4j_database)
        self.checkpoints = Checkpoints(self.jobs)
        self.stages = Stages(deps, self.jobs, self.checkpoints)

    async def run(self, job_id: str) -> Job | None:
        """Claim and run the job; None when another worker holds it or it is finished."""
        settings = self.deps.settings
        job = await self.jobs.claim(job_id, settings.job_lease_seconds)
        if job is None:
            log.info("job.not_claimed", job_id=job_id, reason="finished or held elsewhere")
            return None
        with bound(job_id=job.id, correlation_id=job.correlation_id, source_id=job.source_id):
            if job.attempts > settings.job_max_attempts:
                # Its earlier runs died without recording anything (killed, OOM, time limit).
                return await self._failed(
                    job, job.stage, RuntimeError("the worker running it stopped"), always_final=True
                )
            log.info("job.start", attempt=job.attempts, extractor=self.deps.extractor.name)
            lost = asyncio.Event()
            work = asyncio.current_task()
            renewer = asyncio.create_task(self._renew_lease(job, lost, work))
            stage = job.stage
            try:
                timings: dict[str, float] = {}
                async with contextlib.AsyncExitStack() as held:
                    for stage, step in self.stages.in_order():
                        if stage == "resolve":  # until the end of write (see ADR 0009)
                            began = time.perf_counter()
                            self.stages.locks[job.id] = await held.enter_async_context(
                                graph_write_lock(
                                    self.deps.redis,
                                    ttl=settings.resolve_lock_ttl_seconds,
                                    wait=settings.resolve_lock_wait_seconds,
                                )
                            )
                            timings["lock_wait"] = round((time.perf_counter() - began) * 1000, 1)
                        began = time.perf_counter()
                        job = await self.jobs.set_stage(job, stage, STAGE_START[stage])
                        await publish(self.deps.redis, job)
                        await step(job)
                        timings[stage] = round((time.perf_counter() - began) * 1000, 1)
                job = await self.jobs.complete(job)
                await publish(self.deps.redis, job)
                log.info(
                    "job.complete", stage_ms=timings, llm_calls=job.llm_calls, cost_usd=job.cost_usd
                )
                return job
            except LeaseLost:
                log.warning("job.lease_lost", stage=stage)
                return None
            except asyncio.CancelledError:
                if lost.is_set():  # another worker owns the job now: leave it alone
                    log.warning("job.lease_lost", stage=stage)
                    return None
                # Dramatiq's time limit or a shutdown: record it, then let the cancel through.
                with contextlib.suppress(Exception):
                    await self._failed(job, stage, TimeoutError("the run was cancelled"))
                raise
            except Exception as exc:
                return await self._failed(job, stage, exc)
            finally:
                self.checkpoints.forget(job_id)
                self.stages.forget(job_id)
                renewer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewer

    async def _failed(
        self, job: Job, stage: str, exc: BaseException, *, always_final: bool = False
    ) -> Job | None:
        settings = self.deps.settings
        if isinstance(exc, LLMUnavailable | LLMRateLimited) and not always_final:
            waits = await self.jobs.llm_waits(job.id)
            if waits < LLM_MAX_WAITS:
                return await self._wait_for_llm(job, stage, exc, waits)
            # A day of waiting: what fails this often is no outage (a model too slow for the
            # timeout, say); it now uses up attempts like any failure.
        # A rejected key fails on every try: say so now instead of after four.
        always_final = always_final or isinstance(exc, LLMAuthFailed)
        final = always_final or job.attempts >= settings.job_max_attempts
        log.error("job.failed", stage=stage, final=final, attempt=job.attempts, exc_info=exc)
        try:
            job = await self.jobs.record_failure(job, _public_error(stage, exc), final=final)
        except LeaseLost:
            log.warning("job.lease_lost", stage=stage)
            return None
        await publish(self.deps.redis, job)
        if not final:
            delay = settings.job_retry_backoff_seconds * 2 ** (job.attempts - 1)
            try:
                await asyncio.to_thread(self.deps.queue.enqueue, job.id, delay_ms=int(delay * 1000))
                await self.jobs.mark_enqueued(job.id)
            except Exception as enqueue_error:  # the reconciler will pick the job up
                log.warning("job.requeue_failed", error=str(enqueue_error))
        return job

    async def _wait_for_llm(
        self, job: Job, stage: str, exc: LLMUnavailable | LLMRateLimited, waits: int
    ) -> Job | None:
        """The LLM cannot be reached: the job waits and tries again (doubling the wait up to
        15 minutes, or longer when the vendor asks), visibly on the Job, without using up its
        attempts. Windows extracted before the outage are kept (``extract_partial``)."""
        settings = self.deps.settings
        delay = min(LLM_WAIT_CAP_S, settings.llm_unavailable_retry_seconds * 2 ** min(waits, 16))
        hinted = exc.details.get("retry_after_s")
        if isinstance(hinted, int | float) and hinted > delay:
            delay = min(float(hinted), LLM_RETRY_AFTER_CAP_S)  # a vendor's word, within reason
        message = (
            f"Waiting for the LLM: {exc.message}. Trying again in {_duration(delay)} "
            f"(wait {waits + 1}; nothing is lost)."
        )
        log.warning("job.llm_wait", stage=stage, waits=waits + 1, delay_s=delay, error=exc.message)
        try:
            job = await self.jobs.record_llm_wait(job, message, delay)
        except LeaseLost:
            log.warning("job.lease_lost", stage=stage)
            return None
        await publish(self.deps.redis, job)
        try:
            await asyncio.to_thread(self.deps.queue.enqueue, job.id, delay_ms=int(delay * 1000))
        except Exception as enqueue_error:  # the reconciler picks it up once its time comes
            log.warning("job.requeue_failed", error=str(enqueue_error))
        return job

    async def _renew_lease(
        self, job: Job, lost: asyncio.Event, work: asyncio.Task[Any] | None
    ) -> None:
        every = self.deps.settings.job_lease_seconds / 3
        while True:
            await asyncio.sleep(every)
            try:
                await self.jobs.renew_lease(job, every * 3)
            except LeaseLost:
                lost.set()
                if work is not None:
                    work.cancel()
                return
            except Exception as exc:  # keep trying: a missed renewal is not yet a lost lease
                log.warning("job.lease_renew_failed", error=str(exc))


def _duration(seconds: float) -> str:
    return f"{round(seconds)} s" if seconds < 90 else f"{round(seconds / 60)} min"


def _public_error(stage: str, exc: BaseException) -> str:
    """What a job's errorMessage shows: our own errors' safe message, else only the type.

    Raw exception text can hold hosts, ports or query text; it stays in the worker's log.
    """
    if isinstance(exc, LibrarianError):
        return f"{stage}: {exc.message}"
    return f"{stage}: {type(exc).__name__} (details in the worker log)"
