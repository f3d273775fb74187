"""`librarian check` names each broken integrity rule and exits non-zero; a sound graph passes."""

from __future__ import annotations

import subprocess
import sys

import neo4j
import pytest

from app.graph.integrity import CHECKS, check
from tests.conftest import REPO, Services

SOUND = """
CREATE (c:Conversation:Source {id: 'conv_1'})-[:HAS_MESSAGE]->(m:Message {id: 'msg_1'})
CREATE (c)-[:HAS_JOB]->(:Job {id: 'job_1', status: 'complete'})
CREATE (a:Entity:Person {id: 'ent_a'})-[:HAS_FACT]->(f:Fact {id: 'fact_1'})-[:FROM]->(m)
CREATE (b:Entity:Organization {id: 'ent_b'})
CREATE (a)-[:WORKS_AT {id: 'rel_1', label: 'works_at', evidence: ['msg_1']}]->(b)
CREATE (x:SchemaLabel {id: 'lbl_x'})-[:CANONICAL]->(y:SchemaLabel {id: 'lbl_y'})
"""

BREAKS = {
    "orphan_facts": "CREATE (:Fact {id: 'fact_orphan'})-[:FROM]->(:Message {id: 'm9'})"
    "<-[:HAS_MESSAGE]-(:Conversation {id: 'conv_9'})",
    "uncited_facts": "MATCH (a:Entity {id: 'ent_a'}) CREATE (a)-[:HAS_FACT]->(:Fact {id: 'fact_bare'})",
    "uncited_relations": "MATCH (a {id: 'ent_a'}), (b {id: 'ent_b'}) "
    "CREATE (a)-[:KNOWS {id: 'rel_bare', evidence: []}]->(b)",
    "orphan_messages": "CREATE (:Message {id: 'msg_lost'})",
    "merge_cycles": "CREATE (p:Entity {id: 'ent_p'})-[:MERGED_INTO]->(q:Entity {id: 'ent_q'})"
    "-[:MERGED_INTO]->(p)",
    "merge_chains": "CREATE (:Entity {id: 'ent_1'})-[:MERGED_INTO]->(:Entity {id: 'ent_2'})"
    "-[:MERGED_INTO]->(:Entity {id: 'ent_3'})",
    "merged_without_survivor": "CREATE (:Entity:Merged {id: 'ent_lost'})",
    "unmarked_merged_entities": "MATCH (a {id: 'ent_a'}), (b {id: 'ent_b'}) "
    "CREATE (a)-[:MERGED_INTO {merge_id: 'mrg_x'}]->(b) "
    "CREATE (:Merge {id: 'mrg_x', source_id: 'ent_a', target_id: 'ent_b', status: 'active'})",
    "merged_with_type_label": "CREATE (:Entity:Merged:Person {id: 'ent_m'})"
    "-[:MERGED_INTO {merge_id: 'mrg_m'}]->(:Entity:Person {id: 'ent_s'}) "
    "CREATE (:Merge {id: 'mrg_m', source_id: 'ent_m', target_id: 'ent_s', status: 'active'})",
    "merge_edges_without_record": "CREATE (:Entity:Merged {id: 'ent_m'})"
    "-[:MERGED_INTO {merge_id: 'mrg_gone'}]->(:Entity:Person {id: 'ent_s'})",
    "merge_records_without_edge": "CREATE (:Merge {id: 'mrg_dangling', source_id: 'ent_a', "
    "target_id: 'ent_b', status: 'active'})",
    "type_label_mismatch": "CREATE (:Entity:Person {id: 'ent_t', type: 'organization'})",
    "self_canonical_labels": "CREATE (s:SchemaLabel {id: 'lbl_self'})-[:CANONICAL]->(s)",
    "alias_chains": "MATCH (y:SchemaLabel {id: 'lbl_y'}) "
    "CREATE (y)-[:CANONICAL]->(:SchemaLabel {id: 'lbl_z'})",
    "superseded_fact_cycles": "MATCH (a:Entity {id: 'ent_a'}), (m:Message {id: 'msg_1'}) "
    "CREATE (a)-[:HAS_FACT]->(f:Fact {id: 'fact_x'})-[:FROM]->(m), "
    "(a)-[:HAS_FACT]->(g:Fact {id: 'fact_y'})-[:FROM]->(m), "
    "(f)-[:SUPERSEDED_BY]->(g)-[:SUPERSEDED_BY]->(f)",
    "superseded_relation_cycles": "MATCH (a {id: 'ent_a'}), (b {id: 'ent_b'}) "
    "CREATE (a)-[:LIVES_IN {id: 'rel_p', evidence: ['msg_1'], superseded_by: 'rel_q'}]->(b), "
    "(a)-[:LIVES_IN {id: 'rel_q', evidence: ['msg_1'], superseded_by: 'rel_p'}]->(b)",
    "several_current_facts": "MATCH (a:Entity {id: 'ent_a'}), (m:Message {id: 'msg_1'}) "
    "CREATE (:SchemaLabel {id: 'lbl_l', kind: 'field', label: 'lives_in', single_valued: true}) "
    "CREATE (a)-[:HAS_FACT]->(:Fact {id: 'fact_l', field: 'lives_in'})-[:FROM]->(m), "
    "(a)-[:HAS_FACT]->(:Fact {id: 'fact_d', field: 'lives_in'})-[:FROM]->(m)",
    "several_current_relations": "MATCH (a {id: 'ent_a'}), (b {id: 'ent_b'}) "
    "CREATE (:SchemaLabel {id: 'lbl_w', kind: 'relation', label: 'works_at', single_valued: true}) "
    "CREATE (c:Entity:Organization {id: 'ent_c'}) "
    "CREATE (a)-[:WORKS_AT {id: 'rel_2', label: 'works_at', evidence: ['msg_1']}]->(c)",
    "stale_staged_messages": "MATCH (c:Conversation {id: 'conv_1'}) "
    "CREATE (c)-[:HAS_STAGED]->(:StagedMessages {conversation_id: 'conv_1'})",
}


def test_every_rule_has_a_breaking_case() -> None:
    assert set(BREAKS) == set(CHECKS)


async def test_sound_graph_is_clean(graph: neo4j.AsyncDriver) -> None:
    await graph.execute_query(SOUND)
    assert await check(graph, "neo4j") == []


@pytest.mark.parametrize("rule", sorted(BREAKS))
async def test_each_broken_rule_is_named(graph: neo4j.AsyncDriver, rule: str) -> None:
    await graph.execute_query(SOUND)
    await graph.execute_query(BREAKS[rule])
    problems = {p.name: p for p in await check(graph, "neo4j")}
    # A MERGED_INTO cycle is also a chain; the bare chain and cycle (no :Merged label, no
    # Merge record) also break the merge bookkeeping rules; every other break breaks its own
    # rule only.
    bare_merges = {"unmarked_merged_entities", "merge_edges_without_record"}
    expected = {
        "merge_cycles": {rule, "merge_chains", *bare_merges},
        "merge_chains": {rule, *bare_merges},
    }.get(rule, {rule})
    assert set(problems) == expected
    assert problems[rule].count >= 1
    assert problems[rule].sample


async def test_cli_exits_non_zero_and_names_the_problem(
    graph: neo4j.AsyncDriver, services: Services
) -> None:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", "check"],
            env=services.env(),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )

    await graph.execute_query(SOUND)
    clean = run()
    assert clean.returncode == 0, clean.stderr
    await graph.execute_query(BREAKS["self_canonical_labels"])
    broken = run()
    assert broken.returncode == 1
    assert "self_canonical_labels: 1" in broken.stdout
    assert "lbl_self" in broken.stdout
