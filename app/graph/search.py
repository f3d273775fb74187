"""Search reads: ranked candidate lists from the fulltext and vector indexes, one-hop
expansion from matched entities, and the rows of the hits shown.

Every statement is fixed text with parameters; filters are parameters too (null: no filter).
Index procedures rank first and filters apply after, so with a filter each list reads
``FILTER_FACTOR`` times deeper to still fill a page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from app.graph.browse import CONVERSATION, ENTITY, FACT, MESSAGE, Reader, proj

__all__ = [
    "FILTER_FACTOR",
    "VECTOR_MIN_COSINE",
    "Candidates",
    "Filters",
    "Reader",
    "expand",
    "fulltext",
    "hydrate",
    "nearest",
]

FILTER_FACTOR: Final = 4
#: Vector neighbours less similar than this are not hits: the index always returns k
#: neighbours, however unrelated (MiniLM puts unrelated chat lines at cosine 0.0-0.15).
VECTOR_MIN_COSINE: Final = 0.2
#: Neo4j reports cosine similarity as (1 + cosine) / 2.
_MIN_VECTOR_SCORE: Final = (1 + VECTOR_MIN_COSINE) / 2


@dataclass(frozen=True)
class Filters:
    """Every hit must relate to every filter given. Message filters (conversation, speaker,
    time) hold for a message, for a fact through one of its messages, and for an entity through
    a message that mentions it; the entity type holds for an entity, a fact's entity, and an
    entity a message mentions. Times are epoch milliseconds; ``until`` is exclusive."""

    conversation_id: str | None = None
    speaker: str | None = None
    entity_type: str | None = None
    since_ms: int | None = None
    until_ms: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in self.params().values())

    def params(self) -> dict[str, Any]:
        return {
            "conversation": self.conversation_id,
            "speaker": self.speaker,
            "entity_type": self.entity_type,
            "since": self.since_ms,
            "until": self.until_ms,
        }


_ON_MESSAGE = (
    "($conversation IS NOT NULL OR $speaker IS NOT NULL OR $since IS NOT NULL "
    "OR $until IS NOT NULL)"
)
_MESSAGE_ONLY = (
    "($conversation IS NULL OR {m}.conversation_id = $conversation) "
    "AND ($speaker IS NULL OR {m}.speaker = $speaker) "
    "AND ($since IS NULL OR {m}.timestamp >= datetime({{epochMillis: $since}})) "
    "AND ($until IS NULL OR {m}.timestamp < datetime({{epochMillis: $until}}))"
)
_MESSAGE = (
    _MESSAGE_ONLY.format(m="m") + " AND ($entity_type IS NULL OR "
    "EXISTS { (m)<-[:MENTIONED_IN]-(t:Entity) WHERE t.type = $entity_type AND NOT t:Merged })"
)
_ENTITY_OF = (
    "NOT {e}:Merged AND ($entity_type IS NULL OR {e}.type = $entity_type) "
    f"AND (NOT {_ON_MESSAGE} OR EXISTS {{{{ ({{e}})-[:MENTIONED_IN]->(x:Message) "
    f"WHERE {_MESSAGE_ONLY.format(m='x').replace('{', '{{').replace('}', '}}')} }}}})"
)
_ENTITY = _ENTITY_OF.format(e="e")
_FACT = (
    "($entity_type IS NULL OR EXISTS { (f)<-[:HAS_FACT]-(t:Entity) WHERE t.type = $entity_type })"
    f" AND (NOT {_ON_MESSAGE} OR EXISTS {{ (f)-[:FROM]->(x:Message) "
    f"WHERE {_MESSAGE_ONLY.format(m='x')} }})"
)

# Each list is a subquery that aggregates, so it yields one row (an empty list when its kind
# is not wanted: the guard row is filtered out before the index is called).
FULLTEXT = f"""
CALL () {{
  WITH 1 AS go WHERE $want_messages
  CALL db.index.fulltext.queryNodes('message_search', $lucene, {{limit: $k}}) YIELD node, score
  WITH node AS m, score WHERE {_MESSAGE}
  WITH m ORDER BY score DESC
  RETURN collect(m.id) AS messages
}}
CALL () {{
  WITH 1 AS go WHERE $want_facts
  CALL db.index.fulltext.queryNodes('fact_search', $lucene, {{limit: $k}}) YIELD node, score
  WITH node AS f, score WHERE {_FACT}
  WITH f ORDER BY score DESC
  RETURN collect(f.id) AS facts
}}
CALL () {{
  WITH 1 AS go WHERE $want_entities
  CALL db.index.fulltext.queryNodes('entity_text', $entity_lucene, {{limit: $k}})
    YIELD node, score
  WITH node AS e, score WHERE {_ENTITY}
  WITH e ORDER BY score DESC
  RETURN collect(e.id) AS entities
}}
RETURN messages, facts, entities
"""
# One nearest-neighbour search of messages serves two lists: the messages, and the facts those
# messages support (facts carry no vectors of their own: a fact is as near as its words).
VECTOR = f"""
CALL () {{
  WITH 1 AS go WHERE $want_entities
  CALL db.index.vector.queryNodes('entity_embedding', $k, $vector) YIELD node, score
  WITH node AS e, score WHERE score >= {_MIN_VECTOR_SCORE} AND {_ENTITY}
  WITH e, score ORDER BY score DESC
  RETURN collect({{id: e.id, score: score}}) AS entities
}}
CALL () {{
  WITH 1 AS go WHERE $want_messages OR $want_facts
  CALL db.index.vector.queryNodes('message_embedding', $k, $vector) YIELD node, score
  WITH node AS m, score WHERE score >= {_MIN_VECTOR_SCORE}
  WITH m, score ORDER BY score DESC
  RETURN collect({{m: m, score: score}}) AS near
}}
RETURN entities,
  COLLECT {{
    UNWIND near AS n
    WITH n.m AS m, n.score AS score WHERE $want_messages AND {_MESSAGE}
    RETURN {{id: m.id, score: score}}
  }} AS messages,
  COLLECT {{
    UNWIND range(0, size(near) - 1) AS i
    WITH near[i].m AS m, i WHERE $want_facts
    MATCH (m)<-[:FROM]-(f:Fact) WHERE {_FACT}
    WITH f, min(i) AS first ORDER BY first
    RETURN f.id
  }} AS facts
"""
# One hop from the best entities: their facts (most confident first), the messages those
# facts come from, and related active entities. Lists run entity by entity, best entity first.
EXPAND = f"""
UNWIND range(0, size($entities) - 1) AS rank
MATCH (e:Entity {{id: $entities[rank]}})
RETURN rank,
  COLLECT {{
    MATCH (e)-[:HAS_FACT]->(f:Fact) WHERE {_FACT}
    RETURN f.id ORDER BY f.confidence DESC, f.id LIMIT $per_entity
  }} AS facts,
  COLLECT {{
    MATCH (e)-[:HAS_FACT]->(f:Fact)-[:FROM]->(m:Message) WHERE {_MESSAGE}
    WITH m, max(f.confidence) AS c ORDER BY c DESC, m.id LIMIT $per_entity
    RETURN m.id
  }} AS messages,
  COLLECT {{
    MATCH (e)-[r]-(n:Entity) WHERE r.id IS NOT NULL AND type(r) <> 'MERGED_INTO'
      AND n <> e AND {_ENTITY_OF.format(e="n")}
    WITH n, max(r.confidence) AS c ORDER BY c DESC, n.id LIMIT $per_entity
    RETURN n.id
  }} AS neighbours
ORDER BY rank
"""
# The rows of the hits shown, in browse's shapes (so the API's types and loaders take them), plus
# the first message each fact comes from and the conversations of every message.
HYDRATE = f"""
CALL () {{
  UNWIND $facts AS id
  MATCH (f:Fact {{id: id}})
  // The first message the fact comes from that the filters allow (any, if none does).
  CALL (f) {{
    MATCH (f)-[:FROM]->(m:Message)
    RETURN m ORDER BY CASE WHEN {_MESSAGE_ONLY.format(m="m")} THEN 0 ELSE 1 END,
                      m.timestamp, m.conversation_id, m.seq
    LIMIT 1
  }}
  RETURN collect({proj("f", FACT[:-1] + ", message_id: m.id}")}) AS facts,
         collect(m.id) AS fact_messages, collect(f.entity_id) AS fact_entities
}}
CALL (fact_messages) {{
  UNWIND $messages + fact_messages AS id
  MATCH (m:Message {{id: id}})
  RETURN collect(DISTINCT {proj("m", MESSAGE)}) AS messages,
         collect(DISTINCT m.conversation_id) AS conversation_ids
}}
RETURN facts, messages,
  COLLECT {{
    UNWIND conversation_ids AS id MATCH (c:Conversation {{id: id}})
    RETURN {proj("c", CONVERSATION)}
  }} AS conversations,
  COLLECT {{
    UNWIND $entities + fact_entities AS id
    MATCH (e:Entity {{id: id}})
    RETURN DISTINCT {proj("e", ENTITY[:-1] + ", .summary}")}
  }} AS entities
"""


@dataclass
class Candidates:
    """Ranked ids per (kind, method), best first; vector similarity (cosine) per id."""

    lists: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    cosine: dict[str, float] = field(default_factory=dict)


def _wanted(kinds: frozenset[str]) -> dict[str, bool]:
    return {
        "want_messages": "MESSAGE" in kinds,
        "want_facts": "FACT" in kinds,
        "want_entities": "ENTITY" in kinds,
    }


def _depth(limit: int, filters: Filters) -> int:
    return limit * FILTER_FACTOR if filters.any else limit


async def fulltext(
    reader: Reader,
    *,
    kinds: frozenset[str],
    lucene: str,
    entity_lucene: str,
    limit: int,
    filters: Filters,
) -> Candidates:
    """Lucene's rankings of the kinds asked for, in one read; none for an empty query (Lucene
    refuses one)."""
    found = Candidates()
    if not lucene:
        return found
    [row] = await reader.read(
        FULLTEXT,
        lucene=lucene,
        entity_lucene=entity_lucene or lucene,
        k=_depth(limit, filters),
        **_wanted(kinds),
        **filters.params(),
    )
    for kind, column in (("MESSAGE", "messages"), ("FACT", "facts"), ("ENTITY", "entities")):
        if kind in kinds:
            found.lists[kind, "fulltext"] = list(row[column])[:limit]
    return found


async def nearest(
    reader: Reader,
    *,
    kinds: frozenset[str],
    vector: Sequence[float],
    limit: int,
    filters: Filters,
) -> Candidates:
    """The vector rankings of the kinds asked for, in one read."""
    [row] = await reader.read(
        VECTOR, vector=list(vector), k=_depth(limit, filters), **_wanted(kinds), **filters.params()
    )
    found = Candidates()
    if "ENTITY" in kinds:
        found.lists["ENTITY", "vector"] = [e["id"] for e in row["entities"]][:limit]
    if "MESSAGE" in kinds:
        found.lists["MESSAGE", "vector"] = [m["id"] for m in row["messages"]][:limit]
    if "FACT" in kinds:
        found.lists["FACT", "vector"] = list(row["facts"])[:limit]
    for hit in (*row["entities"], *row["messages"]):
        found.cosine[hit["id"]] = 2 * hit["score"] - 1
    return found


@dataclass(frozen=True)
class Expansion:
    facts: list[str]
    messages: list[str]
    entities: list[str]


async def expand(
    reader: Reader, entity_ids: Sequence[str], per_entity: int, filters: Filters
) -> Expansion:
    """What lies one hop from ``entity_ids`` (best first), that the filters allow."""
    if not entity_ids:
        return Expansion([], [], [])
    rows = await reader.read(
        EXPAND, entities=list(entity_ids), per_entity=per_entity, **filters.params()
    )
    facts: list[str] = []
    messages: list[str] = []
    neighbours: list[str] = []
    for row in rows:
        facts += row["facts"]
        messages += row["messages"]
        neighbours += [n for n in row["neighbours"] if n not in entity_ids]
    return Expansion(facts, messages, neighbours)


@dataclass(frozen=True)
class Rows:
    messages: dict[str, dict[str, Any]]
    entities: dict[str, dict[str, Any]]
    facts: dict[str, dict[str, Any]]
    conversations: dict[str, dict[str, Any]]


async def hydrate(
    reader: Reader,
    *,
    messages: Sequence[str],
    entities: Sequence[str],
    facts: Sequence[str],
    filters: Filters | None = None,
) -> Rows:
    """The rows of the hits to show, by id (ids no longer in the graph are left out)."""
    if not (messages or entities or facts):
        return Rows({}, {}, {}, {})
    [row] = await reader.read(
        HYDRATE,
        messages=list(messages),
        entities=list(entities),
        facts=list(facts),
        **(filters or Filters()).params(),
    )
    return Rows(
        messages=_by_id(row["messages"]),
        entities=_by_id(row["entities"]),
        facts=_by_id(row["facts"]),
        conversations=_by_id(row["conversations"]),
    )


def _by_id(rows: list[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: dict(r) for r in rows}
