"""Claims and leases: one worker at a time owns a job, and a stale owner cannot write."""

from __future__ import annotations

import asyncio

import neo4j
import pytest

from app.domain.conversations import ConversationInput
from app.graph import conversations as conv_store
from app.graph.jobs import JobStatus, JobStore, LeaseLost
from tests.conftest import Services


async def _job_id(graph: neo4j.AsyncDriver, services: Services) -> str:
    ingested = await conv_store.ingest(
        graph,
        "neo4j",
        ConversationInput(title="t", messages=[{"speaker": "A", "text": "hello"}]),
        limits=conv_store.IngestLimits.from_settings(services.settings),
        extractor="local",
        correlation_id="c",
    )
    assert ingested.job is not None
    return ingested.job.id


async def test_only_one_concurrent_claim_wins(graph: neo4j.AsyncDriver, services: Services) -> None:
    jobs = JobStore(graph, "neo4j")
    job_id = await _job_id(graph, services)
    claims = await asyncio.gather(*(jobs.claim(job_id, 60) for _ in range(5)))
    winners = [c for c in claims if c is not None]
    assert len(winners) == 1
    assert winners[0].status is JobStatus.RUNNING
    assert winners[0].attempts == 1


async def test_a_stale_owner_cannot_write_after_takeover(
    graph: neo4j.AsyncDriver, services: Services
) -> None:
    jobs = JobStore(graph, "neo4j")
    job_id = await _job_id(graph, services)
    first = await jobs.claim(job_id, 0.05)
    assert first is not None
    await asyncio.sleep(0.2)  # the lease runs out: the worker is presumed dead
    second = await jobs.claim(job_id, 60)
    assert second is not None
    assert second.attempts == 2
    assert second.claim != first.claim

    with pytest.raises(LeaseLost):
        await jobs.set_stage(first, "extract", 0.5)
    with pytest.raises(LeaseLost):
        await jobs.record_failure(first, "late", final=False)
    current = await jobs.get(job_id)
    assert (current.status, current.stage) == (JobStatus.RUNNING, "queued")

    done = await jobs.complete(second)
    assert done.status is JobStatus.COMPLETE
    assert await jobs.claim(job_id, 60) is None, "a finished job is never claimed again"
