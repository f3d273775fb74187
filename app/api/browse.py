"""Browsing over GraphQL: node(id) and the keyset lists of conversations, entities, facts and
relations (DESIGN §6, docs/adr/0008)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.pagination import Connection, Node, connection, page
from app.api.types import Conversation, Direction, Entity, Fact, Message, Relation, entity_or_none
from app.domain.labels import relationship_type
from app.domain.normalize import normalize_name
from app.errors import BadInput, NotFound
from app.graph import browse

__all__ = [
    "Direction",
    "Entity",
    "Fact",
    "Message",
    "Relation",
    "conversations",
    "entities",
    "entity",
    "facts",
    "node",
    "relations",
]


async def node(info: Info[Context, None], id: strawberry.ID) -> Node | None:
    """Any object by its global id, told apart by prefix; a merged entity gives its survivor."""
    key = str(id)
    loaders = info.context.loaders
    prefix = key.split("_", 1)[0]
    if prefix == "ent":
        return await entity_or_none(info, key)
    if prefix == "conv":
        row = await loaders.conversation.load(key)
        return Conversation.from_record(row) if row else None
    if prefix == "msg":
        row = await loaders.message.load(key)
        return Message.from_row(row) if row else None
    if prefix == "fact":
        row = await loaders.fact.load(key)
        return Fact.from_row(row) if row else None
    if prefix == "rel":
        row = await browse.relation_by_id(info.context.db, key)
        return Relation.from_row(row) if row else None
    raise BadInput(f"{key!r} is not an id of this API (conv_, msg_, ent_, fact_ or rel_)")


async def entity(info: Info[Context, None], id: strawberry.ID) -> Entity | None:
    """An entity by id; the id of a merged entity gives the entity it was merged into."""
    return await entity_or_none(info, str(id))


async def conversations(
    info: Info[Context, None], first: int | None = None, after: str | None = None
) -> Connection[Conversation]:
    """Conversations, newest first."""
    request = page(first, after, "conversations", (str, str))
    db = info.context.db
    key = (request.after[0], request.after[1]) if request.after else None
    if key is not None:
        try:  # Neo4j parses it as datetime($ts): a forged value must be BAD_INPUT, not INTERNAL
            datetime.fromisoformat(key[0])
        except ValueError:
            raise BadInput("after is not a cursor from this list") from None
    rows = await browse.conversations_page(db, after=key, limit=request.fetch)
    return connection(
        rows,
        request,
        lambda r: [r["cursor_ts"], r["id"]],
        Conversation.from_record,
        lambda: browse.count_conversations(db),
    )


async def entities(
    info: Info[Context, None],
    first: int | None = None,
    after: str | None = None,
    type: str | None = None,
    name_contains: str | None = None,
) -> Connection[Entity]:
    """Active entities (never merged ones) by id, optionally of one type or matching a name."""
    request = page(first, after, "entities", (str,))
    db = info.context.db
    name = lower = None
    if name_contains is not None and name_contains.strip():
        lower = name_contains.strip().lower()
        name = normalize_name(name_contains) or lower
    start = request.after[0] if request.after else ""
    rows = await browse.entities_page(
        db, after=start, limit=request.fetch, type=type, name=name, lower=lower
    )
    info.context.loaders.entity.prime_many({r["id"]: r for r in rows})
    return connection(
        rows,
        request,
        lambda r: [r["id"]],
        Entity.from_row,
        lambda: browse.count_entities(db, type=type, name=name, lower=lower),
    )


async def facts(
    info: Info[Context, None],
    first: int | None = None,
    after: str | None = None,
    field: str | None = None,
    entity_id: strawberry.ID | None = None,
) -> Connection[Fact]:
    """Facts by id, optionally of one field or about one entity (merged ids follow the merge)."""
    request = page(first, after, "facts", (str,))
    db = info.context.db
    about: str | None = None
    if entity_id is not None:
        found = await entity_or_none(info, str(entity_id))
        if found is None:
            raise NotFound(f"no entity {entity_id}")
        about = str(found.id)
    start = request.after[0] if request.after else ""
    rows = await browse.facts_page(
        db, after=start, limit=request.fetch, field=field, entity_id=about
    )
    return connection(
        rows,
        request,
        lambda r: [r["id"]],
        Fact.from_row,
        lambda: browse.count_facts(db, field=field, entity_id=about),
    )


async def relations(
    info: Info[Context, None],
    first: int | None = None,
    after: str | None = None,
    type: str | None = None,
) -> Connection[Relation]:
    """Relations ordered by source entity then id, optionally of one canonical label."""
    request = page(first, after, "relations", (str, str))
    db = info.context.db
    rel_type: str | None = None
    if type is not None:
        try:
            rel_type = relationship_type(type)
        except ValueError:
            raise BadInput(f"{type!r} is not a relation label") from None
    key = (request.after[0], request.after[1]) if request.after else ("", "")
    rows = await browse.relations_page(db, after=key, limit=request.fetch, rel_type=rel_type)
    return connection(
        rows,
        request,
        lambda r: [r["source_id"], r["id"]],
        Relation.from_row,
        lambda: browse.count_relations(db, rel_type=rel_type),
    )
