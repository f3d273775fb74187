"""Entity merges over GraphQL: merge, undo, and the merge records (docs/adr/0008)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.graph import merges as store


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
