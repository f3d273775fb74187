"""The GraphQL node types: Entity, Fact, Relation, Message, Conversation and Job.

Nested fields go through the request's DataLoaders (``context.loaders``), so a page of N
parents costs one query per nested field, not N.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.pagination import Connection, Node, connection, page
from app.api.scalars import native
from app.api.timeview import AS_OF, HISTORY, VIEW, Timed, time_fields, view
from app.graph import browse
from app.graph.jobs import Job as StoredJob
from app.graph.jobs import JobStore
from app.graph.resolution import ResolutionStore


async def entity_or_none(info: Info[Context, None], entity_id: str) -> Entity | None:
    row = await info.context.loaders.entity.load(entity_id)
    return Entity.from_row(row) if row else None


async def _entity(info: Info[Context, None], entity_id: str) -> Entity:
    entity = await entity_or_none(info, entity_id)
    if entity is None:  # an endpoint is never deleted (adr/0008); a race with a write at most
        raise LookupError(f"entity {entity_id} not found")
    return entity


@strawberry.enum
class Direction(Enum):
    OUT = "OUT"
    IN = "IN"
    BOTH = "BOTH"


@strawberry.type
class Message(Node):
    id: strawberry.ID
    seq: int = strawberry.field(description="Position in the conversation, from 0.")
    speaker: str
    text: str
    timestamp: datetime | None
    external_id: str | None = strawberry.field(
        description="The message's id in the source it was imported from, if it had one."
    )
    conversation_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Message:
        return cls(
            id=strawberry.ID(row["id"]),
            seq=row["seq"],
            speaker=row["speaker"],
            text=row["text"],
            timestamp=native(row.get("timestamp")),
            external_id=row.get("external_id"),
            conversation_id=row["conversation_id"],
        )

    @strawberry.field
    async def conversation(self, info: Info[Context, None]) -> Conversation:

        row = await info.context.loaders.conversation.load(self.conversation_id)
        if row is None:
            raise LookupError(f"conversation {self.conversation_id} not found")
        return Conversation.from_record(row)


async def _fact(info: Info[Context, None], fact_id: str | None) -> Fact | None:
    row = await info.context.loaders.fact.load(fact_id) if fact_id else None
    return Fact.from_row(row) if row else None


async def _newer_fact(root: Fact, info: Info[Context, None]) -> Fact | None:
    return await _fact(info, root.superseded_by_id)


async def _older_fact(root: Fact, info: Info[Context, None]) -> Fact | None:
    return await _fact(info, root.supersedes_id)


async def _relation(info: Info[Context, None], relation_id: str | None) -> Relation | None:
    row = await browse.relation_by_id(info.context.db, relation_id) if relation_id else None
    return Relation.from_row(row) if row else None


async def _newer_relation(root: Relation, info: Info[Context, None]) -> Relation | None:
    return await _relation(info, root.superseded_by_id)


async def _older_relation(root: Relation, info: Info[Context, None]) -> Relation | None:
    return await _relation(info, root.supersedes_id)


@strawberry.type
class Fact(Timed, Node):
    id: strawberry.ID
    field: str = strawberry.field(description="The canonical field label.")
    raw_field: str = strawberry.field(description="The field as the extractor named it.")
    value: str
    confidence: float
    created_at: datetime
    extractor: str | None
    job_id: strawberry.ID | None
    entity_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Fact:
        job = row.get("job_id")
        return cls(
            id=strawberry.ID(row["id"]),
            field=row["field"],
            raw_field=row.get("raw_field") or row["field"],
            value=row["value"],
            confidence=float(row["confidence"]),
            created_at=native(row["created_at"]),
            extractor=row.get("extractor"),
            job_id=strawberry.ID(job) if job else None,
            entity_id=row["entity_id"],
            **time_fields(row),
        )

    @strawberry.field
    async def entity(self, info: Info[Context, None]) -> Entity:
        """The entity the fact is about (a survivor after merges)."""
        return await _entity(info, self.entity_id)

    superseded_by: Fact | None = strawberry.field(
        resolver=_newer_fact, description="The newer value of this single-valued field, if any."
    )
    supersedes: Fact | None = strawberry.field(
        resolver=_older_fact, description="The older value this one replaced, if any."
    )


@strawberry.type
class Relation(Timed, Node):
    id: strawberry.ID
    label: str = strawberry.field(description="The canonical relation label.")
    raw_label: str | None = strawberry.field(description="The label as the extractor named it.")
    confidence: float
    evidence: list[strawberry.ID] = strawberry.field(description="Ids of the citing messages.")
    first_seen: datetime | None
    last_seen: datetime | None
    source_id: strawberry.Private[str]
    target_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Relation:
        return cls(
            id=strawberry.ID(row["id"]),
            label=row["label"],
            raw_label=row.get("raw_label"),
            confidence=float(row["confidence"]),
            evidence=[strawberry.ID(m) for m in row.get("evidence") or []],
            first_seen=native(row.get("first_seen")),
            last_seen=native(row.get("last_seen")),
            source_id=row["source_id"],
            target_id=row["target_id"],
            **time_fields(row),
        )

    @strawberry.field
    async def source(self, info: Info[Context, None]) -> Entity:
        return await _entity(info, self.source_id)

    @strawberry.field
    async def target(self, info: Info[Context, None]) -> Entity:
        return await _entity(info, self.target_id)

    superseded_by: Relation | None = strawberry.field(
        resolver=_newer_relation,
        description="The newer value of this single-valued relation, if any.",
    )
    supersedes: Relation | None = strawberry.field(
        resolver=_older_relation, description="The older value this one replaced, if any."
    )


async def _entity_facts(
    root: Entity,
    info: Info[Context, None],
    first: int | None = None,
    after: str | None = None,
    as_of: Annotated[str | None, strawberry.argument(description=AS_OF)] = None,
    include_history: Annotated[bool, strawberry.argument(description=HISTORY)] = False,
) -> Connection[Fact]:
    loaders = info.context.loaders
    time = view(as_of, include_history)
    request = page(first, after, "entity.facts", (str,))
    start = request.after[0] if request.after else ""
    rows = await loaders.facts_of.load((str(root.id), start, request.fetch, time.mode, time.point))

    async def count() -> int:
        return await loaders.count_in_view["facts"].load((str(root.id), time.mode, time.point))

    return connection(rows, request, lambda r: [r["id"]], Fact.from_row, count)


async def _entity_relations(
    root: Entity,
    info: Info[Context, None],
    first: int | None = None,
    after: str | None = None,
    direction: Direction = Direction.BOTH,
    as_of: Annotated[str | None, strawberry.argument(description=AS_OF)] = None,
    include_history: Annotated[bool, strawberry.argument(description=HISTORY)] = False,
) -> Connection[Relation]:
    loaders = info.context.loaders
    time = view(as_of, include_history)
    request = page(first, after, "entity.relations", (str,))
    start = request.after[0] if request.after else ""
    rows = await loaders.relations_of[direction.value].load(
        (str(root.id), start, request.fetch, time.mode, time.point)
    )

    async def count() -> int:
        key = (str(root.id), time.mode, time.point)
        return await loaders.count_in_view[direction.value].load(key)

    return connection(rows, request, lambda r: [r["id"]], Relation.from_row, count)


async def _entity_neighbors(
    root: Entity, info: Info[Context, None], first: int | None = None, after: str | None = None
) -> Connection[Entity]:
    loaders = info.context.loaders
    request = page(first, after, "entity.neighbors", (str,))
    start = request.after[0] if request.after else ""
    rows = await loaders.neighbors_of.load((str(root.id), start, request.fetch))
    loaders.entity.prime_many({r["id"]: r for r in rows})

    async def count() -> int:
        return await loaders.count["neighbors"].load(str(root.id))

    return connection(rows, request, lambda r: [r["id"]], Entity.from_row, count)


@strawberry.type(
    description="An entity that may be the same as another: resolution would not join them on "
    "what it had (a name alone across sources, or two equally good candidates). "
    "mergeEntities joins them."
)
class PossibleMatch:
    score: float = strawberry.field(description="How alike their names are, 0 to 1.")
    rule: str = strawberry.field(description="The name rule that matched: exact, nickname, fuzzy.")
    reason: str = strawberry.field(description="Why they were kept apart.")
    created_at: datetime | None
    entity_id: strawberry.Private[str]

    @strawberry.field
    async def entity(self, info: Info[Context, None]) -> Entity:
        """The other entity (its survivor, if merged since)."""
        return await _entity(info, self.entity_id)


async def _entity_possibly_same(root: Entity, info: Info[Context, None]) -> list[PossibleMatch]:
    store = ResolutionStore(info.context.services.driver, info.context.database)
    return [
        PossibleMatch(
            score=float(r["score"]),
            rule=r["rule"] or "none",
            reason=r["reason"] or "",
            created_at=native(r.get("created_at")),
            entity_id=r["entity_id"],
        )
        for r in await store.possible_matches(str(root.id))
    ]


@strawberry.type
class Entity(Node):
    id: strawberry.ID
    name: str
    type: str
    aliases: list[str]
    created_at: datetime | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Entity:
        return cls(
            id=strawberry.ID(row["id"]),
            name=row["name"],
            type=row["type"],
            aliases=list(row.get("aliases") or []),
            created_at=native(row.get("created_at")),
        )

    facts: Connection[Fact] = strawberry.field(
        resolver=_entity_facts, description="Facts about this entity, by id. " + VIEW
    )
    relations: Connection[Relation] = strawberry.field(
        resolver=_entity_relations, description="Relations, by relation id. " + VIEW
    )
    neighbors: Connection[Entity] = strawberry.field(
        resolver=_entity_neighbors,
        description="Distinct active entities related to this one, by id.",
    )
    possibly_same: list[PossibleMatch] = strawberry.field(
        resolver=_entity_possibly_same,
        description="Entities that may be the same as this one, best first (at most 50).",
    )


async def conversation_messages(
    conversation_id: str, info: Info[Context, None], first: int | None, after: str | None
) -> Connection[Message]:
    """A conversation's messages in seq order (used by ``Conversation.messages``)."""
    loaders = info.context.loaders
    request = page(first, after, "conversation.messages", (int,))
    start = request.after[0] if request.after else -1
    rows = await loaders.messages_of.load((conversation_id, start, request.fetch))

    async def count() -> int:
        return await loaders.count["messages"].load(conversation_id)

    return connection(rows, request, lambda r: [r["seq"]], Message.from_row, count)


@strawberry.enum
class JobStatus(Enum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"


@strawberry.type
class Job:
    id: strawberry.ID
    status: JobStatus
    stage: str = strawberry.field(
        description="queued, store, embed, extract, resolve, stabilize, write or done."
    )
    progress: float = strawberry.field(description="0 to 1.")
    error_message: str | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    extractor: str
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    conversation_id: strawberry.ID

    @classmethod
    def from_stored(cls, job: StoredJob) -> Job:
        return cls(
            id=strawberry.ID(job.id),
            status=JobStatus(job.status.value),
            stage=job.stage,
            progress=job.progress,
            error_message=job.error_message,
            attempts=job.attempts,
            created_at=job.created_at,
            started_at=job.started_at,
            completed_at=job.completed_at,
            extractor=job.extractor,
            llm_calls=job.llm_calls,
            input_tokens=job.input_tokens,
            output_tokens=job.output_tokens,
            cost_usd=job.cost_usd,
            conversation_id=strawberry.ID(job.source_id),
        )


@strawberry.type
class JobProgress:
    job_id: strawberry.ID
    status: JobStatus
    stage: str
    progress: float
    error_message: str | None

    @classmethod
    def from_snapshot(cls, snap: dict[str, Any]) -> JobProgress:
        return cls(
            job_id=strawberry.ID(snap["jobId"]),
            status=JobStatus(snap["status"]),
            stage=snap["stage"],
            progress=float(snap["progress"]),
            error_message=snap.get("errorMessage"),
        )


async def _conversation_status(root: Conversation, info: Info[Context, None]) -> JobStatus | None:
    jobs = await _jobs_of(root, info)
    return JobStatus(jobs[0].status.value) if jobs else None


async def _conversation_jobs(root: Conversation, info: Info[Context, None]) -> list[Job]:
    return [Job.from_stored(j) for j in await _jobs_of(root, info)]


async def _jobs_of(root: Conversation, info: Info[Context, None]) -> list[StoredJob]:
    store = JobStore(info.context.services.driver, info.context.database)
    return await store.for_source(str(root.id))


async def _conversation_messages(
    root: Conversation,
    info: Info[Context, None],
    first: int | None = None,
    after: str | None = None,
) -> Connection[Message]:
    return await conversation_messages(str(root.id), info, first, after)


@strawberry.type
class Conversation(Node):
    id: strawberry.ID
    title: str
    origin: str
    message_count: int
    created_at: datetime

    @classmethod
    def from_record(cls, c: dict[str, Any]) -> Conversation:
        return cls(
            id=strawberry.ID(c["id"]),
            title=c["title"],
            origin=c["origin"],
            message_count=c["message_count"],
            created_at=native(c["created_at"]),
        )

    status: JobStatus | None = strawberry.field(
        resolver=_conversation_status,
        description="The status of the latest job.",
    )
    jobs: list[Job] = strawberry.field(
        resolver=_conversation_jobs,
        description="Jobs for this conversation, newest first.",
    )
    messages: Connection[Message] = strawberry.field(
        resolver=_conversation_messages,
        description="Messages in order (by seq); empty until the job's store stage ran.",
    )
