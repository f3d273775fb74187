"""Jobs and conversations over GraphQL: ingest, status, retry and live progress."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Mapping
from datetime import datetime
from typing import Any

import strawberry
import structlog
from pydantic import ValidationError
from strawberry.types import Info
from strawberry.types.arguments import InputContext

from app.api.context import Context
from app.api.types import Conversation, Job, JobProgress
from app.domain.conversations import ConversationInput as ConversationModel
from app.errors import BadInput, NotFound
from app.graph import conversations as conv_store
from app.graph.jobs import JobStatus as StoredStatus
from app.graph.jobs import JobStore
from app.jobs.progress import channel
from app.jobs.queue import submit
from app.logging import new_id
from app.sources.conversations.parsers import parse_text

log = structlog.get_logger(__name__)
_RECHECK_SECONDS = 5.0


@strawberry.input
class MessageInput:
    speaker: str
    text: str
    timestamp: datetime | None = None
    external_id: str | None = None


def _message_from_input(
    cls: type[MessageInput], value: Mapping[str, Any], _context: InputContext
) -> MessageInput:
    # graphql-core has already coerced every field (DateTime parsed, required ones present);
    # building the instance directly skips Strawberry's generic per-field conversion, which
    # took over half the time of a 1,000-message ingest (py-spy; docs/benchmarks.md).
    return cls(
        speaker=value["speaker"],
        text=value["text"],
        timestamp=value.get("timestamp"),
        external_id=value.get("externalId"),
    )


MessageInput.__strawberry_definition__.from_input = _message_from_input  # type: ignore[attr-defined]


@strawberry.input
class ConversationInput:
    title: str
    origin: str = "api"
    messages: list[MessageInput]


@strawberry.type
class IngestPayload:
    conversation: Conversation
    job: Job | None
    created: bool = strawberry.field(description="False when this content was ingested before.")


def _jobs(info: Info[Context, None]) -> JobStore:
    return JobStore(info.context.services.driver, info.context.database)


def _validate(data: ConversationInput) -> ConversationModel:
    try:
        # Built by hand: strawberry.asdict deep-copies, ~40 ms for 1,000 messages.
        return ConversationModel.model_validate(
            {
                "title": data.title,
                "origin": data.origin,
                "messages": [
                    {
                        "speaker": m.speaker,
                        "text": m.text,
                        "timestamp": m.timestamp,
                        "external_id": m.external_id,
                    }
                    for m in data.messages
                ],
            }
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        raise BadInput(f"input{where}: {first['msg']}", errors=len(exc.errors())) from None


async def get_conversation(info: Info[Context, None], conversation_id: str) -> Conversation | None:
    row = await info.context.loaders.conversation.load(conversation_id)
    return Conversation.from_record(row) if row else None


async def ingest_conversation(info: Info[Context, None], input: ConversationInput) -> IngestPayload:
    return await _ingest(info, _validate(input))


async def _ingest(info: Info[Context, None], model: ConversationModel) -> IngestPayload:
    services = info.context.services
    settings = services.settings
    ingested = await conv_store.ingest(
        services.driver,
        settings.neo4j_database,
        model,
        limits=conv_store.IngestLimits.from_settings(settings),
        extractor=settings.extractor_name,
        correlation_id=str(structlog.contextvars.get_contextvars().get("request_id") or new_id()),
    )
    if ingested.created and ingested.job is not None:
        await submit(services.queue, _jobs(info), ingested.job.id, marked=True)
    return IngestPayload(
        conversation=Conversation.from_record(ingested.conversation),
        job=Job.from_stored(ingested.job) if ingested.job else None,
        created=ingested.created,
    )


async def ingest_file(info: Info[Context, None], name: str, content: str) -> list[IngestPayload]:
    """Every conversation in a file's text, each stored and queued as ``ingestConversation``
    does. The file is parsed here, by the parsers of ``librarian ingest``, so a browser
    uploads or pastes a file as it is. Nothing is stored unless the whole file parses."""
    settings = info.context.services.settings
    if len(content) > settings.max_conversation_chars:
        raise BadInput(
            f"{name} is {len(content)} characters long; at most "
            f"{settings.max_conversation_chars} are read in one request",
            limit=settings.max_conversation_chars,
        )
    # Off the event loop: a 5 MB export takes a while to decode and check.
    conversations = await asyncio.to_thread(parse_text, content, name=name or "pasted text")
    limits = conv_store.IngestLimits.from_settings(settings)
    for position, conversation in enumerate(conversations, start=1):
        try:
            conv_store.check_limits(conversation, limits)
        except BadInput as exc:
            raise BadInput(f"{name}, conversation {position}: {exc}") from None
    return [await _ingest(info, conversation) for conversation in conversations]


async def get_job(info: Info[Context, None], id: strawberry.ID) -> Job | None:
    try:
        return Job.from_stored(await _jobs(info).get(str(id)))
    except NotFound:
        return None


async def retry_job(info: Info[Context, None], id: strawberry.ID) -> Job:
    jobs = _jobs(info)
    job = await jobs.retry(str(id))
    await submit(info.context.services.queue, jobs, job.id, marked=False)
    return Job.from_stored(job)


async def job_progress(
    info: Info[Context, None], job_id: strawberry.ID
) -> AsyncGenerator[JobProgress, None]:
    """The stored snapshot first, then every published change, until COMPLETE or FAILED.

    It subscribes before reading the snapshot so no event falls between the two, and re-reads
    the Job every few seconds so a lost pub/sub event (Redis restart) cannot stall it.
    """
    services = info.context.services
    jobs = _jobs(info)
    pubsub = services.redis.pubsub()
    await pubsub.subscribe(channel(str(job_id)))
    try:
        job = await jobs.get(str(job_id))
        last = job.snapshot()
        yield JobProgress.from_snapshot(last)
        while not StoredStatus(last["status"]).terminal:
            message = await pubsub.get_message(
                ignore_subscribe_messages=True, timeout=_RECHECK_SECONDS
            )
            current = (
                json.loads(message["data"])
                if message is not None
                else (await jobs.get(str(job_id))).snapshot()
            )
            if current != last:
                last = current
                yield JobProgress.from_snapshot(current)
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()
