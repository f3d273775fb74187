"""Entity corrections over GraphQL: merge, split, their undos and records (docs/adr/0008, 0015)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum

import strawberry
import structlog
from strawberry.types import Info

from app.api.context import Context
from app.api.types import Entity, entity_or_none
from app.domain.resolve import entity_text
from app.graph import merges as store
from app.graph import split as splits
from app.graph.knowledge import KnowledgeStore

log = structlog.get_logger(__name__)


@strawberry.enum
class MergeStatus(Enum):
    ACTIVE = "active"
    UNDONE = "undone"


@strawberry.type(description="An entity merge, kept after an undo.")
class Merge:
    id: strawberry.ID
    source_id: strawberry.ID = strawberry.field(description="The entity merged away.")
    target_id: strawberry.ID = strawberry.field(description="The entity that survived.")
    status: MergeStatus
    created_at: datetime
    undone_at: datetime | None
    moved_facts: int
    moved_relations: int = strawberry.field(
        description="Relations moved to the target, plus those between the two entities "
        "(removed, kept in the record, restored by an undo)."
    )
    moved_mentions: int

    @classmethod
    def from_stored(cls, m: store.Merge) -> Merge:
        return cls(
            id=strawberry.ID(m.id),
            source_id=strawberry.ID(m.source_id),
            target_id=strawberry.ID(m.target_id),
            status=MergeStatus(m.status.value),
            created_at=m.created_at,
            undone_at=m.undone_at,
            moved_facts=m.moved_facts,
            moved_relations=m.moved_relations,
            moved_mentions=m.moved_mentions,
        )


def _store(info: Info[Context, None]) -> store.MergeStore:
    return store.MergeStore(info.context.services.driver, info.context.database)


def _actor(info: Info[Context, None]) -> str | None:
    principal = info.context.principal
    return f"token:{principal.id}" if principal is not None else None


async def merge_entities(
    info: Info[Context, None], source_id: strawberry.ID, target_id: strawberry.ID
) -> Merge:
    async with info.context.services.write_lock():
        merge = await _store(info).merge(str(source_id), str(target_id), actor=_actor(info))
    await info.context.services.changed("merge")
    return Merge.from_stored(merge)


async def undo_merge(info: Info[Context, None], merge_id: strawberry.ID) -> Merge:
    async with info.context.services.write_lock():
        undone = await _store(info).undo(str(merge_id), actor=_actor(info))
    await info.context.services.changed("undo_merge")
    return Merge.from_stored(undone)


async def merge(info: Info[Context, None], id: strawberry.ID) -> Merge | None:
    found = await _store(info).get(str(id))
    return Merge.from_stored(found) if found else None


async def merges(info: Info[Context, None], entity_id: strawberry.ID) -> list[Merge]:
    return [Merge.from_stored(m) for m in await _store(info).for_entity(str(entity_id))]


@strawberry.type(description="An entity split, kept after an undo.")
class Split:
    id: strawberry.ID
    entity_id: strawberry.ID = strawberry.field(description="The entity taken apart.")
    new_entity_id: strawberry.ID = strawberry.field(
        description="The entity it made (gone again after an undo)."
    )
    name: str = strawberry.field(description="The new entity's name.")
    status: MergeStatus
    created_at: datetime
    undone_at: datetime | None
    moved_facts: int
    moved_relations: int
    moved_mentions: int = strawberry.field(description="Messages that now mention the new entity.")

    @classmethod
    def from_stored(cls, s: splits.Split) -> Split:
        return cls(
            id=strawberry.ID(s.id),
            entity_id=strawberry.ID(s.entity_id),
            new_entity_id=strawberry.ID(s.new_entity_id),
            name=s.name,
            status=MergeStatus(s.status.value),
            created_at=s.created_at,
            undone_at=s.undone_at,
            moved_facts=s.moved_facts,
            moved_relations=s.moved_relations,
            moved_mentions=s.moved_mentions,
        )

    @strawberry.field
    async def new_entity(self, info: Info[Context, None]) -> Entity | None:
        """The new entity, while the split stands."""
        return await entity_or_none(info, str(self.new_entity_id))


@strawberry.input(description="What to take out of an entity into a new one.")
class SplitEntityInput:
    entity: strawberry.ID = strawberry.field(description="The entity to take apart.")
    name: str = strawberry.field(description="The new entity's name.")
    facts: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Facts of the entity to move."
    )
    relations: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Relations of the entity to move (its end moves)."
    )
    messages: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Messages whose mention of the entity moves."
    )


def _splits(info: Info[Context, None]) -> splits.SplitStore:
    return splits.SplitStore(info.context.services.driver, info.context.database)


async def split_entity(info: Info[Context, None], input: SplitEntityInput) -> Split:
    request = splits.SplitRequest(
        entity_id=str(input.entity),
        name=input.name,
        fact_ids=[str(x) for x in input.facts or []],
        relation_ids=[str(x) for x in input.relations or []],
        message_ids=[str(x) for x in input.messages or []],
    )
    request.check()  # before waiting for the lock
    async with info.context.services.write_lock():
        split, entity_type = await _splits(info).split(request, actor=_actor(info))
    try:
        # The new entity's vector, so the vector index offers it to resolution and search. The
        # split is committed already: a failure here is logged, and the entity is still found
        # by name until something embeds it.
        vectors = await asyncio.to_thread(
            info.context.services.embedder.embed, [entity_text(split.name, entity_type)]
        )
        await KnowledgeStore(info.context.services.driver, info.context.database).set_embeddings(
            "Entity", {split.new_entity_id: vectors[0]}
        )
    except Exception:
        log.exception("split.embed_failed", split_id=split.id, entity_id=split.new_entity_id)
    finally:
        await info.context.services.changed("split")
    return Split.from_stored(split)


async def undo_split(info: Info[Context, None], split_id: strawberry.ID) -> Split:
    async with info.context.services.write_lock():
        undone = await _splits(info).undo(str(split_id), actor=_actor(info))
    await info.context.services.changed("undo_split")
    return Split.from_stored(undone)


async def split(info: Info[Context, None], id: strawberry.ID) -> Split | None:
    found = await _splits(info).get(str(id))
    return Split.from_stored(found) if found else None


async def splits_of(info: Info[Context, None], entity_id: strawberry.ID) -> list[Split]:
    return [Split.from_stored(s) for s in await _splits(info).for_entity(str(entity_id))]
