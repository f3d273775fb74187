"""The schema registry over GraphQL: the canonical labels with their aliases, and label overrides
(make an alias, make canonical again, undo), each kept as a LabelChange (docs/adr/0008)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.graph import label_changes
from app.graph.registry import AliasEntry, LabelRegistry, RegistryEntry


@strawberry.enum
class LabelKind(Enum):
    FIELD = "field"
    RELATION = "relation"
    ENTITY_TYPE = "entity_type"


@strawberry.enum(description="How a label was mapped when it entered the registry.")
class LabelMatch(Enum):
    LEMMA = "lemma"
    EMBEDDING = "embedding"
    NEW = "new"
    MANUAL = "manual"


@strawberry.enum
class LabelChangeStatus(Enum):
    ACTIVE = "active"
    UNDONE = "undone"


def _match(value: str | None) -> LabelMatch | None:
    return LabelMatch(value) if value in LabelMatch._value2member_map_ else None


@strawberry.type
class SchemaLabelAlias:
    label: str
    usage: int = strawberry.field(
        description="Items still stored under this alias (normally 0: data is re-labelled)."
    )
    matched_by: LabelMatch | None
    score: float | None = strawberry.field(description="Cosine similarity for EMBEDDING.")
    created_at: datetime | None

    @classmethod
    def from_entry(cls, a: AliasEntry) -> SchemaLabelAlias:
        return cls(
            label=a.label,
            usage=a.usage,
            matched_by=_match(a.matched_by),
            score=a.score,
            created_at=a.created_at,
        )


@strawberry.type
class SchemaLabel:
    kind: LabelKind
    label: str
    usage: int = strawberry.field(
        description="Facts with this field, relationships of this type, or active entities of "
        "this type; counted, and cached up to 30 s."
    )
    matched_by: LabelMatch | None
    score: float | None
    created_at: datetime | None
    aliases: list[SchemaLabelAlias]

    @classmethod
    def from_entry(cls, e: RegistryEntry) -> SchemaLabel:
        return cls(
            kind=LabelKind(e.kind),
            label=e.label,
            usage=e.usage,
            matched_by=_match(e.matched_by),
            score=e.score,
            created_at=e.created_at,
            aliases=[SchemaLabelAlias.from_entry(a) for a in e.aliases],
        )


@strawberry.type
class LabelChange:
    id: strawberry.ID
    kind: LabelKind
    label: str = strawberry.field(description="The label whose mapping changed.")
    from_canonical: str = strawberry.field(description="Its canonical label before the change.")
    to_canonical: str = strawberry.field(description="Its canonical label after the change.")
    status: LabelChangeStatus
    relabelled: int = strawberry.field(description="Facts, relations and entities re-labelled.")
    created_at: datetime
    undone_at: datetime | None

    @classmethod
    def from_record(cls, r: label_changes.LabelChangeRecord) -> LabelChange:
        return cls(
            id=strawberry.ID(r.id),
            kind=LabelKind(r.kind),
            label=r.label,
            from_canonical=r.from_canonical,
            to_canonical=r.to_canonical,
            status=LabelChangeStatus(r.status),
            relabelled=r.relabelled,
            created_at=r.created_at,
            undone_at=r.undone_at,
        )


def _changes(info: Info[Context, None]) -> label_changes.LabelChanges:
    return label_changes.LabelChanges(info.context.services.driver, info.context.database)


async def schema_registry(
    info: Info[Context, None], kind: LabelKind | None = None
) -> list[SchemaLabel]:
    key = kind.value if kind is not None else None
    registry = LabelRegistry(info.context.services.driver, info.context.database)
    entries = await info.context.services.caches.registry_overview.get(
        key, lambda: registry.overview(key)
    )
    return [SchemaLabel.from_entry(e) for e in entries]


async def make_label_alias(
    info: Info[Context, None], kind: LabelKind, label: str, canonical: str
) -> LabelChange:
    try:
        async with info.context.services.write_lock():
            change = await _changes(info).make_alias(kind.value, label, canonical)
    finally:
        await info.context.services.changed("label_change")
    return LabelChange.from_record(change)


async def make_label_canonical(
    info: Info[Context, None], kind: LabelKind, label: str
) -> LabelChange:
    try:
        async with info.context.services.write_lock():
            change = await _changes(info).make_canonical(kind.value, label)
    finally:
        await info.context.services.changed("label_change")
    return LabelChange.from_record(change)


async def undo_label_change(info: Info[Context, None], id: strawberry.ID) -> LabelChange:
    try:
        async with info.context.services.write_lock():
            change = await _changes(info).undo(str(id))
    finally:
        await info.context.services.changed("label_change")
    return LabelChange.from_record(change)
