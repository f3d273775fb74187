"""Reads for answering from the graph: the entities a question names, and what is known of them.

Two statements per hop, fixed text with parameters. A *statement* is a fact of the entity or a
relation at either end of it, with its time (``valid_from``, ``valid_to``, ``event_date``,
``first_said``; null on data written before they existed), whether a newer value replaced it
(a ``SUPERSEDED_BY`` edge, a ``superseded_by`` property, or a ``valid_to`` that history
derived), and the messages it comes from. Message filters (conversation, speaker, time) hold
for those messages; a statement none of whose messages passes is left out.
"""

from __future__ import annotations

from typing import Any, Final

from app.graph.browse import CONVERSATION, MESSAGE, Reader, proj

__all__ = ["MAX_EVIDENCE", "entities_named", "sources_of", "statements_about"]

#: Messages read per statement, earliest first: the answer cites one or two.
MAX_EVIDENCE: Final = 3
#: Statements read per entity; an entity of a long conversation holds a few dozen.
_MAX_STATEMENTS: Final = 300

_ENTITY = "{.id, .name, .type, .aliases, .normalized_name}"

_NAMED = """
CALL () {
  UNWIND $names AS name
  MATCH (e:Entity {normalized_name: name}) WHERE NOT e:Merged
  RETURN e
  UNION
  WITH 1 AS go WHERE $lucene <> ''
  CALL db.index.fulltext.queryNodes('entity_text', $lucene, {limit: $k}) YIELD node
  WITH node AS e WHERE NOT e:Merged
  RETURN e
}
RETURN DISTINCT e {.id, .name, .type, .aliases, .normalized_name} AS e
LIMIT $k
"""

_MESSAGE_FILTER = (
    "($conversation IS NULL OR m.conversation_id = $conversation) "
    "AND ($speaker IS NULL OR m.speaker = $speaker) "
    "AND ($since IS NULL OR m.timestamp >= datetime({epochMillis: $since})) "
    "AND ($until IS NULL OR m.timestamp < datetime({epochMillis: $until}))"
)
# The statement's messages with their conversations, earliest first, at most MAX_EVIDENCE.
_EVIDENCE = (
    f"collect({{message: {proj('m', MESSAGE)}, "
    f"conversation: [(c:Conversation)-[:HAS_MESSAGE]->(m) | {proj('c', CONVERSATION)}][0]}})"
    f"[..{MAX_EVIDENCE}] AS evidence"
)
_TIME = (
    "valid_from: $v.valid_from, valid_to: $v.valid_to, event_date: $v.event_date, "
    "first_said: $v.first_said.epochMillis"
)
_FACTS = f"""
  MATCH (e)-[:HAS_FACT]->(x:Fact)-[:FROM]->(m:Message) WHERE {_MESSAGE_FILTER}
  WITH x, m ORDER BY m.timestamp, m.seq
  WITH x, {_EVIDENCE}
  RETURN {{kind: 'fact', id: x.id, predicate: x.field, value: x.value,
           confidence: x.confidence, direction: 'out', other: null,
           value_type: COLLECT {{ MATCH (p:Entity {{normalized_name: toLower(x.value)}})
                                  WHERE NOT p:Merged RETURN p.type }}[0],
           {_TIME.replace("$v", "x")},
           superseded: x.superseded_by IS NOT NULL OR x.valid_to_source = 'superseded'
             OR EXISTS {{ (x)-[:SUPERSEDED_BY]->(:Fact) }},
           evidence: evidence}} AS s
"""
_RELATIONS = f"""
  MATCH (e)-[r]-(o:Entity)
  WHERE r.id IS NOT NULL AND type(r) <> 'MERGED_INTO' AND NOT o:Merged
  MATCH (m:Message) WHERE m.id IN r.evidence AND {_MESSAGE_FILTER}
  WITH e, r, o, m ORDER BY m.timestamp, m.seq
  WITH r, o, startNode(r) = e AS outgoing, {_EVIDENCE}
  RETURN {{kind: 'relation', id: r.id, predicate: r.label, value: o.name,
           confidence: r.confidence, direction: CASE WHEN outgoing THEN 'out' ELSE 'in' END,
           other: o {_ENTITY}, value_type: o.type,
           {_TIME.replace("$v", "r")},
           superseded: r.superseded_by IS NOT NULL OR r.valid_to_source = 'superseded',
           evidence: evidence}} AS s
"""
_STATEMENTS = f"""
UNWIND $ids AS id
MATCH (e:Entity {{id: id}})
CALL (e) {{
  CALL (e) {{
{_FACTS}
    UNION
{_RELATIONS}
  }}
  RETURN s LIMIT $max
}}
RETURN id, s
"""


async def entities_named(
    db: Reader, names: list[str], lucene: str, *, limit: int = 25
) -> list[dict[str, Any]]:
    """Active entities whose normalised name is one of ``names``, and those the entity text
    index finds for ``lucene`` (names and aliases; '' for none). The caller decides which of
    them the question really names."""
    records = await db.read(_NAMED, names=names, lucene=lucene, k=limit)
    return [dict(r["e"]) for r in records]


async def statements_about(
    db: Reader, entity_ids: list[str], filters: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """(entity id, statement row) for each fact and relation of each entity: see the module
    doc. ``filters`` holds ``conversation``, ``speaker``, ``since`` and ``until`` (None: any;
    times in epoch milliseconds, ``until`` exclusive)."""
    if not entity_ids:
        return []
    records = await db.read(
        _STATEMENTS,
        ids=entity_ids,
        max=_MAX_STATEMENTS,  # per entity: a busy one cannot crowd out the rest
        conversation=filters.get("conversation"),
        speaker=filters.get("speaker"),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return [(str(r["id"]), dict(r["s"])) for r in records]


_SOURCES = """
UNWIND $ids AS id
MATCH (:Entity {id: id})-[:MENTIONED_IN]->(m:Message)
RETURN DISTINCT m.conversation_id AS source
"""


async def sources_of(db: Reader, entity_ids: list[str]) -> set[str]:
    """The conversations whose messages mention any of the entities (a speaker's: where they
    speak)."""
    if not entity_ids:
        return set()
    records = await db.read(_SOURCES, ids=entity_ids)
    return {str(r["source"]) for r in records if r["source"]}
