"""Writing what a job would have extracted, through the write stage's own steps (labels
stabilised in the registry, rows built, KnowledgeStore.write, then history), with messages
sent at chosen times: tests of time and history choose the order conversations arrive in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import neo4j
from starlette.applications import Starlette

from app.domain.labels import node_label
from app.domain.models import EntityMention, Extraction, FactMention, RelationMention
from app.domain.normalize import normalize_name
from app.domain.resolve import entity_id
from app.domain.rows import fact_rows, relation_rows
from app.graph.knowledge import KnowledgeStore
from app.graph.registry import LabelRegistry

DB = "neo4j"


@dataclass
class Said:
    """One conversation: one message per statement, all sent at ``when``."""

    conversation: str
    when: datetime
    facts: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)
    relations: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)


def person(name: str) -> str:
    return entity_id("person", normalize_name(name))


def place(name: str) -> str:
    return entity_id("place", normalize_name(name))


def _identity(labels: Sequence[str]) -> list[str]:
    return list(labels)


async def write(driver: neo4j.AsyncDriver, app: Starlette, said: Said) -> None:
    """Store the conversation's messages, then write its facts and relations as a job does."""
    statements = [*said.facts, *said.relations]
    ids = [f"msg_{said.conversation}_{i}" for i in range(len(statements))]
    await driver.execute_query(
        "CREATE (c:Conversation:Source {id: $c, title: $c, origin: 'test', created_at: datetime(),"
        " message_count: size($ids)}) "
        "WITH c UNWIND range(0, size($ids) - 1) AS i "
        "CREATE (c)-[:HAS_MESSAGE]->(:Message {id: $ids[i], seq: i, conversation_id: $c, "
        "speaker: 'Sam', text: 'said ' + toString(i), timestamp: datetime($when)})",
        c=said.conversation,
        ids=ids,
        when=said.when.isoformat(),
    )
    entities: dict[str, EntityMention] = {}
    extraction = Extraction()

    def key(name: str, kind: str, message: str) -> str:
        if name not in entities:
            entities[name] = EntityMention(key=name, name=name, type=kind, message_ids=[message])
        return name

    for (who, fld, value, times), mid in zip(said.facts, ids, strict=False):
        extraction.facts.append(
            FactMention(
                entity=key(who, "person", mid), field=fld, value=value, message_ids=[mid], **times
            )
        )
    for (who, label, where, times), mid in zip(said.relations, ids[len(said.facts) :], strict=True):
        extraction.relations.append(
            RelationMention(
                source=key(who, "person", mid),
                target=key(where, "place", mid),
                label=label,
                message_ids=[mid],
                **times,
            )
        )
    registry = LabelRegistry(driver, DB)
    fields = await registry.stabilize(
        "field", {f.field for f in extraction.facts}, lemmatize=_identity
    )
    labels = await registry.stabilize(
        "relation", {r.label for r in extraction.relations}, lemmatize=_identity
    )
    keys = {name: entity_id(m.type, normalize_name(name)) for name, m in entities.items()}
    rows = [
        {
            "id": keys[name],
            "name": name,
            "normalized_name": normalize_name(name),
            "type": m.type,
            "label": node_label(m.type),
            "aliases": [],
            "message_ids": m.message_ids,
        }
        for name, m in entities.items()
    ]
    facts, _ = fact_rows(extraction, keys, {k: v.canonical for k, v in fields.items()})
    relations, _ = relation_rows(extraction, keys, {k: v.canonical for k, v in labels.items()})
    store = KnowledgeStore(driver, DB)
    await store.write(
        source_id=said.conversation,
        job_id=f"job_{said.conversation}",
        extractor="test",
        entities=rows,
        facts=facts,
        relations=relations,
    )
    await store.update_history(facts, relations)
    app.state.services.caches.clear_all("test write")


__all__ = ["Said", "person", "place", "write"]
