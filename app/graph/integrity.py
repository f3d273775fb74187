"""`librarian check`: the graph's integrity rules (DESIGN §4), each a read-only query.

Each check returns how many items break the rule and a few of their ids, so a person can look.
"""

from __future__ import annotations

from dataclasses import dataclass

import neo4j

SAMPLE = 5

# name → (what is wrong, query returning `id` per offending item)
CHECKS: dict[str, tuple[str, str]] = {
    "orphan_facts": (
        "facts that belong to no entity",
        "MATCH (f:Fact) WHERE NOT (:Entity)-[:HAS_FACT]->(f) RETURN f.id AS id",
    ),
    "uncited_facts": (
        "facts citing no message",
        "MATCH (f:Fact) WHERE NOT (f)-[:FROM]->(:Message) RETURN f.id AS id",
    ),
    "uncited_relations": (
        "relations citing no message",
        "MATCH (:Entity)-[r]->(:Entity) WHERE r.id IS NOT NULL "
        "AND (r.evidence IS NULL OR size(r.evidence) = 0) RETURN r.id AS id",
    ),
    "orphan_messages": (
        "messages that belong to no conversation",
        "MATCH (m:Message) WHERE NOT (:Conversation)-[:HAS_MESSAGE]->(m) RETURN m.id AS id",
    ),
    "merge_cycles": (
        "entities on a MERGED_INTO cycle",
        "MATCH (e:Entity) WHERE (e)-[:MERGED_INTO*1..20]->(e) RETURN e.id AS id",
    ),
    "merge_chains": (
        "entities merged into an entity that is itself merged",
        "MATCH (e:Entity)-[:MERGED_INTO]->(:Entity)-[:MERGED_INTO]->() RETURN e.id AS id",
    ),
    "merged_without_survivor": (
        "merged entities with no MERGED_INTO edge to a survivor",
        "MATCH (e:Entity:Merged) WHERE NOT (e)-[:MERGED_INTO]->(:Entity) RETURN e.id AS id",
    ),
    "unmarked_merged_entities": (
        "entities with a MERGED_INTO edge that are not marked :Merged (still active)",
        "MATCH (e:Entity)-[:MERGED_INTO]->() WHERE NOT e:Merged RETURN DISTINCT e.id AS id",
    ),
    "merged_with_type_label": (
        "merged entities that still carry a type label",
        "MATCH (e:Entity:Merged) WHERE any(l IN labels(e) WHERE NOT l IN ['Entity', 'Merged']) "
        "RETURN e.id AS id",
    ),
    "merge_edges_without_record": (
        "MERGED_INTO edges whose merge id names no active Merge record",
        "MATCH (e:Entity)-[r:MERGED_INTO]->() WHERE NOT EXISTS "
        "{ MATCH (m:Merge {id: r.merge_id}) WHERE m.status = 'active' } RETURN e.id AS id",
    ),
    "merge_records_without_edge": (
        "active Merge records whose source has no MERGED_INTO edge with their id",
        "MATCH (m:Merge {status: 'active'}) WHERE NOT EXISTS "
        "{ MATCH (:Entity {id: m.source_id})-[r:MERGED_INTO]->(:Entity) WHERE r.merge_id = m.id } "
        "RETURN m.id AS id",
    ),
    "type_label_mismatch": (
        "active entities whose type label is not their type",
        "MATCH (e:Entity) WHERE NOT e:Merged AND e.type IS NOT NULL AND NOT "
        "reduce(acc = '', w IN split(e.type, '_') | acc + toUpper(left(w, 1)) + substring(w, 1)) "
        "IN labels(e) RETURN e.id AS id",
    ),
    "self_canonical_labels": (
        "schema labels that are their own canonical label",
        "MATCH (s:SchemaLabel)-[:CANONICAL]->(s) RETURN s.id AS id",
    ),
    "alias_chains": (
        "schema labels aliased to an alias",
        "MATCH (s:SchemaLabel)-[:CANONICAL]->(:SchemaLabel)-[:CANONICAL]->() RETURN s.id AS id",
    ),
    "superseded_fact_cycles": (
        "facts on a SUPERSEDED_BY cycle (history must run from older to newer)",
        "MATCH (f:Fact) WHERE (f)-[:SUPERSEDED_BY*1..100]->(f) RETURN f.id AS id",
    ),
    "superseded_relation_cycles": (
        "relations on a superseded_by cycle",
        # Each relation has one successor: walk as many steps as the group has links.
        "MATCH (a:Entity)-[r]->(:Entity) WHERE r.superseded_by IS NOT NULL "
        "WITH a, type(r) AS t, collect([r.id, r.superseded_by]) AS links "
        "UNWIND links AS first "
        "WITH first, reduce(at = first[1], i IN range(1, size(links)) | "
        "CASE WHEN at IS NULL OR at = first[0] THEN at "
        "ELSE head([x IN links WHERE x[0] = at | x[1]]) END) AS reached "
        "WHERE reached = first[0] RETURN first[0] AS id",
    ),
    "several_current_facts": (
        "entities with two current (not superseded) values of one single-valued field",
        "MATCH (l:SchemaLabel {kind: 'field'}) WHERE l.single_valued "
        "MATCH (e:Entity)-[:HAS_FACT]->(f:Fact {field: l.label}) "
        "WHERE NOT (f)-[:SUPERSEDED_BY]->(:Fact) "
        "WITH e, f.field AS field, count(f) AS n WHERE n > 1 RETURN e.id AS id",
    ),
    "several_current_relations": (
        "entities with two current (not superseded) relations of one single-valued label",
        "MATCH (l:SchemaLabel {kind: 'relation'}) WHERE l.single_valued "
        "MATCH (e:Entity)-[r]->(:Entity) WHERE r.label = l.label AND r.id IS NOT NULL "
        "AND r.superseded_by IS NULL "
        "WITH e, type(r) AS t, count(r) AS n WHERE n > 1 RETURN e.id AS id",
    ),
    "stale_staged_messages": (
        "staged message copies left after their job completed",
        "MATCH (c:Conversation)-[:HAS_STAGED]->(:StagedMessages) "
        "WHERE NOT EXISTS { MATCH (c)-[:HAS_JOB]->(j:Job) WHERE j.status <> 'complete' } "
        "RETURN c.id AS id",
    ),
}


@dataclass(frozen=True)
class Problem:
    name: str
    description: str
    count: int
    sample: list[str]


async def check(driver: neo4j.AsyncDriver, database: str) -> list[Problem]:
    """Every rule that is broken, with a count and up to ``SAMPLE`` ids; empty when clean."""
    problems: list[Problem] = []
    for name, (description, cypher) in CHECKS.items():
        records, _, _ = await driver.execute_query(
            f"CALL () {{ {cypher} }} RETURN count(id) AS n, collect(id)[..{SAMPLE}] AS sample",
            database_=database,
            routing_=neo4j.RoutingControl.READ,
        )
        if records[0]["n"]:
            problems.append(
                Problem(name, description, records[0]["n"], [str(i) for i in records[0]["sample"]])
            )
    return problems
