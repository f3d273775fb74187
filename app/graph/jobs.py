"""Job nodes: the source of truth for background work (Redis only carries the messages).

A worker *claims* a job before working on it: status becomes running with a lease that the
worker renews. A job whose lease ran out (its worker died) can be claimed again, so nothing
accepted is ever lost; a duplicate message for a job that is already claimed finds nothing to do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import neo4j

from app.errors import BadInput, NotFound


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.COMPLETE, JobStatus.FAILED)


STAGES = ("queued", "store", "embed", "extract", "resolve", "stabilize", "write", "done")


@dataclass(frozen=True)
class Job:
    id: str
    source_id: str
    status: JobStatus
    stage: str
    progress: float
    attempts: int
    error_message: str | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    correlation_id: str
    extractor: str
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    claim: str | None = None

    def snapshot(self) -> dict[str, Any]:
        """What progress events carry."""
        return {
            "jobId": self.id,
            "status": self.status.value,
            "stage": self.stage,
            "progress": self.progress,
            "errorMessage": self.error_message,
        }


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def to_job(node: dict[str, Any]) -> Job:
    return Job(
        id=node["id"],
        source_id=node["source_id"],
        status=JobStatus(node["status"]),
        stage=node.get("stage") or "queued",
        progress=float(node.get("progress") or 0.0),
        attempts=int(node.get("attempts") or 0),
        error_message=node.get("error_message"),
        created_at=_native(node["created_at"]),
        started_at=_native(node.get("started_at")),
        completed_at=_native(node.get("completed_at")),
        correlation_id=node.get("correlation_id") or "",
        extractor=node.get("extractor") or "local",
        llm_calls=int(node.get("llm_calls") or 0),
        input_tokens=int(node.get("input_tokens") or 0),
        output_tokens=int(node.get("output_tokens") or 0),
        cost_usd=float(node.get("cost_usd") or 0.0),
        claim=node.get("claim"),
    )


# Only what ``to_job`` reads: checkpoints can be megabytes and must not ride on every read.
_FIELDS = (
    "id", "source_id", "status", "stage", "progress", "attempts", "error_message", "created_at",
    "started_at", "completed_at", "correlation_id", "extractor", "llm_calls", "input_tokens",
    "output_tokens", "cost_usd", "claim",
)  # fmt: skip
_RETURN = " RETURN j {" + ", ".join("." + f for f in _FIELDS) + "} AS j"
# Writes made while running a job hold its claim: a worker whose lease was taken over by
# another one matches nothing and stops (LeaseLost), instead of writing over the new run.
_CLAIMED = "MATCH (j:Job {id: $id}) WHERE j.claim = $claim "


class LeaseLost(RuntimeError):
    """This worker's claim on the job is gone: another worker took it over."""


class JobStore:
    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._db = database

    async def _one(self, cypher: str, **params: Any) -> Job | None:
        records, _, _ = await self._driver.execute_query(cypher, database_=self._db, **params)
        return to_job(records[0]["j"]) if records else None

    async def _claimed(self, cypher: str, job: Job, **params: Any) -> Job:
        updated = await self._one(_CLAIMED + cypher + _RETURN, id=job.id, claim=job.claim, **params)
        if updated is None:
            raise LeaseLost(f"job {job.id} was taken over by another worker")
        return updated

    async def get(self, job_id: str) -> Job:
        job = await self._one("MATCH (j:Job {id: $id})" + _RETURN, id=job_id)
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        return job

    async def for_source(self, source_id: str) -> list[Job]:
        records, _, _ = await self._driver.execute_query(
            "MATCH (j:Job {source_id: $id})" + _RETURN + " ORDER BY j.created_at DESC",
            id=source_id,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return [to_job(r["j"]) for r in records]

    async def clear_enqueued(self, job_id: str) -> None:
        """Enqueueing failed: let the reconciler take the job on its next round."""
        await self._driver.execute_query(
            "MATCH (j:Job {id: $id}) SET j.enqueued_at = null", id=job_id, database_=self._db
        )

    async def mark_enqueued(self, job_id: str) -> None:
        await self._driver.execute_query(
            "MATCH (j:Job {id: $id}) SET j.enqueued_at = datetime()", id=job_id, database_=self._db
        )

    async def claim(self, job_id: str, lease_seconds: float) -> Job | None:
        """Take the job if it is pending or its lease expired; None if someone else holds it.

        Setting ``_lock`` first takes the node's write lock, so the status read after it is the
        latest committed one and two workers cannot both claim. Each claim gets a fresh token.
        """
        return await self._one(
            "MATCH (j:Job {id: $id}) SET j._lock = true "
            "WITH j WHERE j.status = 'pending' "
            "   OR (j.status = 'running' AND j.lease_until < datetime()) "
            "SET j.status = 'running', j.attempts = coalesce(j.attempts, 0) + 1, "
            "    j.claim = randomUUID(), j.started_at = coalesce(j.started_at, datetime()), "
            "    j.lease_until = datetime() + duration({milliseconds: $lease_ms}) "
            "REMOVE j._lock" + _RETURN,
            id=job_id,
            lease_ms=int(lease_seconds * 1000),
        )

    async def renew_lease(self, job: Job, lease_seconds: float) -> None:
        await self._claimed(
            "AND j.status = 'running' "
            "SET j.lease_until = datetime() + duration({milliseconds: $lease_ms})",
            job,
            lease_ms=int(lease_seconds * 1000),
        )

    async def set_stage(self, job: Job, stage: str, progress: float) -> Job:
        return await self._claimed(
            "SET j.stage = $stage, j.progress = $progress", job, stage=stage, progress=progress
        )

    async def set_extractor(self, job: Job, extractor: str) -> Job:
        """Record the extractor that runs the job's extraction."""
        return await self._claimed("SET j.extractor = $extractor", job, extractor=extractor)

    async def add_usage(self, job: Job, usage: dict[str, float]) -> None:
        await self._claimed(
            "SET j.llm_calls = coalesce(j.llm_calls, 0) + $u.llm_calls, "
            "    j.input_tokens = coalesce(j.input_tokens, 0) + $u.input_tokens, "
            "    j.output_tokens = coalesce(j.output_tokens, 0) + $u.output_tokens, "
            "    j.cost_usd = coalesce(j.cost_usd, 0.0) + $u.cost_usd",
            job,
            u=usage,
        )

    async def save_checkpoint(self, job: Job, name: str, payload: Any) -> None:
        """Keep a stage's output on the job so a retry resumes after that stage."""
        await self._claimed(
            "SET j[$key] = $value",
            job,
            key=f"checkpoint_{name}",
            value=json.dumps(payload, separators=(",", ":")),
        )

    async def load_checkpoint(self, job_id: str, name: str) -> Any | None:
        records, _, _ = await self._driver.execute_query(
            "MATCH (j:Job {id: $id}) RETURN j[$key] AS value",
            id=job_id,
            key=f"checkpoint_{name}",
            database_=self._db,
        )
        raw = records[0]["value"] if records else None
        return json.loads(raw) if raw else None

    async def complete(self, job: Job) -> Job:
        return await self._claimed(
            "SET j.status = 'complete', j.stage = 'done', j.progress = 1.0, "
            "    j.completed_at = datetime(), j.error_message = null, j.llm_waits = 0 "
            "REMOVE j.lease_until, j.claim, j.checkpoint_extract, j.checkpoint_extract_partial, "
            "       j.checkpoint_resolve, "
            "       j.checkpoint_labels",
            job,
        )

    async def record_failure(self, job: Job, error: str, *, final: bool) -> Job:
        """Record the error; a final failure ends the job, otherwise it waits for its retry."""
        return await self._claimed(
            "SET j.error_message = $error, j.status = $status, j.lease_until = null, "
            "    j.claim = null, "
            "    j.completed_at = CASE WHEN $final THEN datetime() ELSE null END",
            job,
            error=error[:2000],
            status="failed" if final else "pending",
            final=final,
        )

    async def record_llm_wait(self, job: Job, error: str, delay_s: float) -> Job:
        """The LLM is unreachable: the job goes back to PENDING without using up the attempt,
        says what it waits for, and counts as enqueued at the time it will run (so the
        reconciler does not start it early)."""
        return await self._claimed(
            "SET j.error_message = $error, j.status = 'pending', j.lease_until = null, "
            "    j.claim = null, j.attempts = CASE WHEN coalesce(j.attempts, 0) > 0 "
            "    THEN j.attempts - 1 ELSE 0 END, "
            "    j.llm_waits = coalesce(j.llm_waits, 0) + 1, "
            "    j.enqueued_at = datetime() + duration({milliseconds: $delay_ms})",
            job,
            error=error[:2000],
            delay_ms=int(delay_s * 1000),
        )

    async def llm_waits(self, job_id: str) -> int:
        records, _, _ = await self._driver.execute_query(
            "MATCH (j:Job {id: $id}) RETURN coalesce(j.llm_waits, 0) AS waits",
            id=job_id,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return int(records[0]["waits"]) if records else 0

    async def retry(self, job_id: str) -> Job:
        """Put a FAILED job back in the queue with a fresh attempt budget."""
        job = await self._one(
            "MATCH (j:Job {id: $id}) SET j._lock = true "
            "WITH j WHERE j.status = 'failed' "
            "SET j.status = 'pending', j.attempts = 0, j.completed_at = null, "
            "    j.enqueued_at = null, j.retried = coalesce(j.retried, 0) + 1, j.llm_waits = 0 "
            "REMOVE j._lock" + _RETURN,
            id=job_id,
        )
        if job is None:
            current = await self.get(job_id)
            raise BadInput(
                f"only a FAILED job can be retried; job {job_id} is {current.status.value.upper()}"
            )
        return job

    async def needing_enqueue(self, pending_grace_seconds: float, limit: int = 100) -> list[str]:
        """Jobs to (re-)enqueue: never enqueued, enqueued long ago and never started, or
        running with an expired lease (their worker died) and not enqueued since."""
        records, _, _ = await self._driver.execute_query(
            "MATCH (j:Job) WHERE j.status = 'pending' AND (j.enqueued_at IS NULL "
            "   OR j.enqueued_at < datetime() - duration({milliseconds: $grace_ms})) "
            "RETURN j.id AS id LIMIT $limit "
            "UNION "
            "MATCH (j:Job) WHERE j.status = 'running' AND j.lease_until < datetime() "
            "  AND (j.enqueued_at IS NULL OR j.enqueued_at < j.lease_until) "
            "RETURN j.id AS id LIMIT $limit",
            grace_ms=int(pending_grace_seconds * 1000),
            limit=limit,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return [r["id"] for r in records]
