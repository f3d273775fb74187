"""The golden conversations in a graph, processed by the real pipeline in this process.

For measurements that need a graph (``librarian eval search``, its test): each conversation is
ingested as the API would and its job run by :class:`~app.jobs.runner.JobRunner` here, without
a worker, so the result is what a user would have after ingesting them.
"""

from __future__ import annotations

import neo4j
import redis.asyncio

from app.config import Settings
from app.domain.conversations import ConversationInput
from app.embed import Embedder
from app.eval.extraction import GOLDEN_DIR, load_golden
from app.extract.base import Extractor
from app.graph import conversations as conv_store
from app.jobs.broker import create_broker
from app.jobs.queue import JobQueue
from app.jobs.runner import JobRunner, PipelineDeps

__all__ = ["ingest_golden"]


async def ingest_golden(
    settings: Settings,
    driver: neo4j.AsyncDriver,
    redis_client: redis.asyncio.Redis,
    embedder: Embedder,
    extractor: Extractor,
) -> int:
    """Ingest and process every golden conversation not yet in the graph; returns how many
    were processed. Raises RuntimeError when a job fails."""
    deps = PipelineDeps(
        settings=settings,
        driver=driver,
        redis=redis_client,
        queue=JobQueue(create_broker(settings)),
        embedder=embedder,
        extractor=extractor,
    )
    runner = JobRunner(deps)
    processed = 0
    for stem, data in load_golden(GOLDEN_DIR):
        ingested = await conv_store.ingest(
            driver,
            settings.neo4j_database,
            ConversationInput.model_validate(data["conversation"]),
            limits=conv_store.IngestLimits.from_settings(settings),
            extractor=extractor.name,
            correlation_id=f"golden-{stem}",
        )
        if not ingested.created or ingested.job is None:
            continue
        job = await runner.run(ingested.job.id)
        if job is None or job.status.value != "complete":
            detail = job.error_message if job else "not claimed"
            raise RuntimeError(f"the job of golden conversation {stem} failed: {detail}")
        processed += 1
    return processed
