"""The golden conversations in a graph, processed by the real pipeline in this process.

For measurements that need a graph (``librarian eval search``, its test): each conversation is
ingested as the API would and its job run by :class:`~app.jobs.runner.JobRunner` here, without
a worker, so the result is what a user would have after ingesting them.
"""

from __future__ import annotations

from collections.abc import Iterable

import neo4j
import redis.asyncio

from app.config import Settings
from app.domain.conversations import ConversationInput
from app.embed import Embedder
from app.errors import LibrarianError
from app.eval.extraction import GOLDEN_DIR, load_golden
from app.extract.base import Extractor
from app.graph import conversations as conv_store
from app.jobs.broker import create_broker
from app.jobs.queue import JobQueue
from app.jobs.runner import JobRunner, PipelineDeps

__all__ = ["ingest_conversations", "ingest_golden"]


async def ingest_conversations(
    settings: Settings,
    driver: neo4j.AsyncDriver,
    redis_client: redis.asyncio.Redis,
    embedder: Embedder,
    extractor: Extractor,
    conversations: Iterable[tuple[str, ConversationInput]],
) -> int:
    """Ingest each (label, conversation) as the API would and run its job here, in this
    process; returns how many were processed (content already in the graph is skipped).
    Raises LibrarianError naming the conversation when a job fails."""
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
    for label, conversation in conversations:
        ingested = await conv_store.ingest(
            driver,
            settings.neo4j_database,
            conversation,
            limits=conv_store.IngestLimits.from_settings(settings),
            extractor=extractor.name,
            correlation_id=label,
        )
        if not ingested.created or ingested.job is None:
            continue
        job = await runner.run(ingested.job.id)
        if job is None or job.status.value != "complete":
            detail = job.error_message if job else "not claimed"
            raise LibrarianError(f"the job of conversation {label} failed: {detail}")
        processed += 1
    return processed


async def ingest_golden(
    settings: Settings,
    driver: neo4j.AsyncDriver,
    redis_client: redis.asyncio.Redis,
    embedder: Embedder,
    extractor: Extractor,
) -> int:
    """Ingest and process every golden conversation not yet in the graph; returns how many
    were processed."""
    golden = (
        (f"golden-{stem}", ConversationInput.model_validate(data["conversation"]))
        for stem, data in load_golden(GOLDEN_DIR)
    )
    return await ingest_conversations(settings, driver, redis_client, embedder, extractor, golden)
