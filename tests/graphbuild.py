"""A small random knowledge graph written straight with Cypher, and a full snapshot of a graph.

The graph has the shape the pipeline writes (ADR 0008): conversations with messages, active
entities with a type label, facts citing messages, relations with evidence, mentions. Tests that
change the graph and must put it back (merges, label changes) compare :func:`snapshot` before
and after.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import neo4j

TYPES = {"person": "Person", "organization": "Organization", "place": "Place"}
RELATION_TYPES = ["WORKS_AT", "KNOWS", "LIVES_IN", "PARENT_OF"]
FIELDS = ["occupation", "age", "email", "hobby"]
FIRST = ["Ana", "Ben", "Cleo", "Dmitri", "Eva", "Farid", "Gwen", "Hugo", "Ines", "Jon"]
LAST = ["Costa", "Okafor", "Lund", "Sato", "Varga", "Moreau"]

_BUILD = """
UNWIND $conversations AS c
CREATE (conv:Conversation:Source {id: c.id, title: c.id, origin: 'test', created_at: datetime()})
CREATE (conv)-[:HAS_JOB]->(:Job {id: c.job_id, status: 'complete', source_id: c.id})
WITH conv, c
UNWIND c.messages AS m
CREATE (conv)-[:HAS_MESSAGE]->(:Message {id: m.id, seq: m.seq, conversation_id: c.id,
                                          speaker: 'someone', text: m.text})
"""

_ENTITIES = """
UNWIND $entities AS e
CREATE (n:Entity {id: e.id, name: e.name, normalized_name: toLower(e.name), type: e.type,
                  aliases: e.aliases, created_at: datetime(), updated_at: datetime(),
                  first_source_id: e.source})
SET n:$(e.label)
WITH n, e
UNWIND e.mentions AS mid
MATCH (m:Message {id: mid})
CREATE (n)-[:MENTIONED_IN]->(m)
"""

_FACTS = """
UNWIND $facts AS f
MATCH (e:Entity {id: f.entity_id})
CREATE (e)-[:HAS_FACT]->(x:Fact {id: f.id, field: f.field, raw_field: f.field, value: f.value,
                                 confidence: f.confidence, entity_id: f.entity_id,
                                 job_id: 'job_test', extractor: 'test', created_at: datetime()})
WITH x, f
UNWIND f.messages AS mid
MATCH (m:Message {id: mid})
CREATE (x)-[:FROM]->(m)
"""

_RELATIONS = """
UNWIND $relations AS r
MATCH (a:Entity {id: r.source}), (b:Entity {id: r.target})
CREATE (a)-[x:$(r.type) {id: r.id}]->(b)
SET x.label = r.label, x.raw_label = r.label, x.confidence = r.confidence,
    x.evidence = r.evidence, x.first_seen = datetime(), x.last_seen = datetime(),
    x.job_id = 'job_test', x.extractor = 'test'
"""


@dataclass(frozen=True)
class BuiltGraph:
    entity_ids: list[str]
    message_ids: list[str]


async def build_random_graph(
    driver: neo4j.AsyncDriver,
    rng: random.Random,
    *,
    entities: int = 8,
    conversations: int = 2,
    messages: int = 6,
    facts: int = 16,
    relations: int = 16,
    prefix: str = "",
) -> BuiltGraph:
    """Write a random graph; ids are stable for a given ``rng`` seed and ``prefix``."""
    convs = []
    message_ids: list[str] = []
    for c in range(conversations):
        conv_id = f"conv_{prefix}{c}"
        msgs = [
            {"id": f"msg_{prefix}{c}_{i}", "seq": i, "text": f"message {i} of {conv_id}"}
            for i in range(messages)
        ]
        message_ids += [m["id"] for m in msgs]
        convs.append({"id": conv_id, "job_id": f"job_{prefix}{c}", "messages": msgs})
    await driver.execute_query(_BUILD, conversations=convs)

    rows = []
    for i in range(entities):
        kind = rng.choice(list(TYPES))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {prefix}{i}"
        aliases = [name.split()[0] + f" {prefix}{i}"] if rng.random() < 0.6 else []
        if rng.random() < 0.2:
            aliases.append(f"nick {prefix}{i}")
        rows.append(
            {
                "id": f"ent_{prefix}{i}",
                "name": name,
                "type": kind,
                "label": TYPES[kind],
                "aliases": aliases,
                "source": convs[0]["id"],
                "mentions": rng.sample(message_ids, k=rng.randint(1, 3)),
            }
        )
    await driver.execute_query(_ENTITIES, entities=rows)
    ids = [r["id"] for r in rows]

    fact_rows = [
        {
            "id": f"fact_{prefix}{n}",
            "entity_id": rng.choice(ids),
            "field": rng.choice(FIELDS),
            "value": f"value {n}",
            "confidence": round(rng.random(), 3),
            "messages": rng.sample(message_ids, k=rng.randint(1, 2)),
        }
        for n in range(facts)
    ]
    await driver.execute_query(_FACTS, facts=fact_rows)

    rel_rows = []
    for n in range(relations):
        a, b = rng.sample(ids, 2)
        rel_type = rng.choice(RELATION_TYPES)
        rel_rows.append(
            {
                "id": f"rel_{prefix}{n}",
                "source": a,
                "target": b,
                "type": rel_type,
                "label": rel_type.lower(),
                "confidence": round(rng.random(), 3),
                "evidence": rng.sample(message_ids, k=rng.randint(1, 2)),
            }
        )
    await driver.execute_query(_RELATIONS, relations=rel_rows)
    return BuiltGraph(entity_ids=ids, message_ids=message_ids)


def _key(value: Any) -> str:
    return repr(sorted((k, repr(v)) for k, v in value.items()))


async def snapshot(driver: neo4j.AsyncDriver) -> dict[str, Any]:
    """Every node (labels and properties) and every relationship (start id, type, end id,
    properties), except Merge records and migrations; embeddings are left out."""
    nodes, _, _ = await driver.execute_query(
        "MATCH (n) WHERE NOT n:Merge AND NOT n:Migration "
        "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"
    )
    rels, _, _ = await driver.execute_query(
        "MATCH (a)-[r]->(b) WHERE NOT a:Merge AND NOT b:Merge "
        "RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props"
    )
    node_map = {}
    for n in nodes:
        props = dict(n["props"])
        props.pop("embedding", None)
        node_map[n["id"]] = (sorted(n["labels"]), props)
    rel_list = sorted(
        ((r["a"], r["type"], r["b"], dict(r["props"])) for r in rels),
        key=lambda x: (x[0], x[1], x[2], _key(x[3])),
    )
    return {"nodes": node_map, "relationships": rel_list}
