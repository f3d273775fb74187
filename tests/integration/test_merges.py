"""Merging entities moves everything to the survivor; undo puts every piece back exactly."""

from __future__ import annotations

import asyncio
import contextlib
import random
from typing import Any

import neo4j
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import BadInput, ConflictError, LibrarianError, NotFound
from app.graph.integrity import check
from app.graph.merges import Merge, MergeStatus, MergeStore
from tests.graphbuild import build_random_graph, snapshot

DB = "neo4j"


def store(driver: neo4j.AsyncDriver) -> MergeStore:
    return MergeStore(driver, DB)


async def _entity(driver: neo4j.AsyncDriver, entity_id: str) -> dict[str, Any]:
    records, _, _ = await driver.execute_query(
        "MATCH (e:Entity {id: $id}) "
        "RETURN labels(e) AS labels, e {.*} AS props, "
        "COLLECT { MATCH (e)-[:HAS_FACT]->(f) RETURN f.id } AS facts, "
        "COLLECT { MATCH (e)-[:MENTIONED_IN]->(m) RETURN m.id } AS mentions, "
        "COLLECT { MATCH (e)-[r]-(:Entity) WHERE type(r) <> 'MERGED_INTO' RETURN r.id } AS rels, "
        "[(e)-[m:MERGED_INTO]->(x) | [x.id, m.merge_id]] AS merged_into",
        id=entity_id,
    )
    return dict(records[0])


async def _relation(driver: neo4j.AsyncDriver, rel_id: str) -> list[tuple[str, str, str]]:
    records, _, _ = await driver.execute_query(
        "MATCH (a:Entity)-[r]->(b:Entity) WHERE r.id = $id RETURN a.id AS a, type(r) AS t, b.id AS b",
        id=rel_id,
    )
    return [(r["a"], r["t"], r["b"]) for r in records]


async def _two_linked(driver: neo4j.AsyncDriver, seed: int = 1) -> tuple[str, str]:
    """A random graph plus a relation between ent_0 and ent_1 (it would become a self-loop)."""
    await build_random_graph(driver, random.Random(seed))
    await driver.execute_query(
        "MATCH (a:Entity {id: 'ent_0'}), (b:Entity {id: 'ent_1'}) "
        "CREATE (a)-[:KNOWS {id: 'rel_between', label: 'knows', evidence: ['msg_0_0'], "
        "first_seen: datetime(), confidence: 0.5}]->(b)"
    )
    return "ent_0", "ent_1"


async def test_merge_moves_everything_to_the_target(graph: neo4j.AsyncDriver) -> None:
    source_id, target_id = await _two_linked(graph)
    source, target = await _entity(graph, source_id), await _entity(graph, target_id)
    before_rels = {r: await _relation(graph, r) for r in source["rels"]}

    merge = await store(graph).merge(source_id, target_id, actor="tester")

    assert merge.id.startswith("mrg_")
    assert merge.status is MergeStatus.ACTIVE
    assert (merge.source_id, merge.target_id, merge.moved_facts) == (
        source_id,
        target_id,
        len(source["facts"]),
    )
    assert merge.moved_relations == len(source["rels"])
    after_source, after_target = await _entity(graph, source_id), await _entity(graph, target_id)
    assert sorted(after_source["labels"]) == ["Entity", "Merged"]
    assert after_source["facts"] == after_source["mentions"] == after_source["rels"] == []
    assert after_source["merged_into"] == [[target_id, merge.id]]
    assert set(after_target["facts"]) == set(source["facts"]) | set(target["facts"])
    assert set(after_target["mentions"]) == set(source["mentions"]) | set(target["mentions"])
    # Each moved relation keeps its id and type; the source's side is now the target.
    # Relations between the two would be self-loops: they are set aside in the record.
    for rel_id, [(a, rel_type, b)] in before_rels.items():
        if {a, b} == {source_id, target_id}:
            assert await _relation(graph, rel_id) == []
        else:
            expected = (
                target_id if a == source_id else a,
                rel_type,
                target_id if b == source_id else b,
            )
            assert await _relation(graph, rel_id) == [expected]
    assert await _relation(graph, "rel_between") == []
    records, _, _ = await graph.execute_query(
        "MATCH (f:Fact) WHERE f.id IN $ids RETURN collect(DISTINCT f.entity_id) AS owners",
        ids=source["facts"],
    )
    assert records[0]["owners"] in ([target_id], [])
    aliases = after_target["props"]["aliases"]
    assert source["props"]["name"] in aliases
    assert set(source["props"]["aliases"]) <= set(aliases)
    assert (target["props"]["aliases"] or []) == aliases[: len(target["props"]["aliases"] or [])]
    assert await check(graph, DB) == []
    stored = await store(graph).get(merge.id)
    assert stored is not None
    assert stored.actor == "tester"
    assert [m.id for m in await store(graph).for_entity(source_id)] == [merge.id]


async def test_undo_restores_the_graph_exactly(graph: neo4j.AsyncDriver) -> None:
    source_id, target_id = await _two_linked(graph, seed=2)
    await graph.execute_query(
        "MATCH (a:Entity {id: 'ent_0'}) CREATE (a)-[:KNOWS {id: 'rel_loop', evidence: ['m']}]->(a)"
    )
    before = await snapshot(graph)
    merge = await store(graph).merge(source_id, target_id)
    assert await snapshot(graph) != before
    assert await _relation(graph, "rel_loop") == [(target_id, "KNOWS", target_id)]

    undone = await store(graph).undo(merge.id)

    assert await snapshot(graph) == before
    assert undone.status is MergeStatus.UNDONE
    assert undone.undone_at is not None
    kept = await store(graph).get(merge.id)
    assert kept is not None
    assert kept.status is MergeStatus.UNDONE
    assert await check(graph, DB) == []
    with pytest.raises(BadInput, match="already undone"):
        await store(graph).undo(merge.id)


async def test_no_chains_and_undo_in_reverse_order(graph: neo4j.AsyncDriver) -> None:
    await build_random_graph(graph, random.Random(3))
    before = await snapshot(graph)
    merges = store(graph)
    first = await merges.merge("ent_0", "ent_1")
    second = await merges.merge("ent_1", "ent_2")

    assert (await _entity(graph, "ent_0"))["merged_into"] == [["ent_2", first.id]]
    assert (await _entity(graph, "ent_1"))["merged_into"] == [["ent_2", second.id]]
    assert await check(graph, DB) == []

    with pytest.raises(ConflictError, match=second.id):
        await merges.undo(first.id)
    await merges.undo(second.id)
    assert (await _entity(graph, "ent_0"))["merged_into"] == [["ent_1", first.id]]
    await merges.undo(first.id)
    assert await snapshot(graph) == before


async def test_a_later_merge_into_the_target_blocks_undo(graph: neo4j.AsyncDriver) -> None:
    await build_random_graph(graph, random.Random(4))
    before = await snapshot(graph)
    merges = store(graph)
    first = await merges.merge("ent_0", "ent_2")
    later = await merges.merge("ent_1", "ent_2")
    blocked = await snapshot(graph)

    with pytest.raises(ConflictError, match=later.id) as info:
        await merges.undo(first.id)
    assert info.value.code == "CONFLICT"
    assert await snapshot(graph) == blocked
    await merges.undo(later.id)
    await merges.undo(first.id)
    assert await snapshot(graph) == before


async def test_undo_out_of_order_across_other_entities(graph: neo4j.AsyncDriver) -> None:
    """A relation moved by one merge and then by another comes back through either order."""
    await build_random_graph(graph, random.Random(5), relations=0)
    await graph.execute_query(
        "MATCH (a:Entity {id: 'ent_0'}), (x:Entity {id: 'ent_3'}) "
        "CREATE (a)-[:KNOWS {id: 'rel_ax', evidence: ['msg_0_1']}]->(x)"
    )
    before = await snapshot(graph)
    merges = store(graph)
    first = await merges.merge("ent_0", "ent_1")  # rel_ax: ent_1 -> ent_3
    second = await merges.merge("ent_3", "ent_4")  # rel_ax: ent_1 -> ent_4
    assert await _relation(graph, "rel_ax") == [("ent_1", "KNOWS", "ent_4")]
    await merges.undo(first.id)
    assert await _relation(graph, "rel_ax") == [("ent_0", "KNOWS", "ent_4")]
    assert await check(graph, DB) == []
    await merges.undo(second.id)
    assert await snapshot(graph) == before


async def test_refusals_change_nothing(graph: neo4j.AsyncDriver) -> None:
    await build_random_graph(graph, random.Random(6))
    merges = store(graph)
    done = await merges.merge("ent_0", "ent_1")
    state = await snapshot(graph)

    cases: list[tuple[Any, type[LibrarianError], str]] = [
        (merges.merge("ent_2", "ent_2"), BadInput, "itself"),
        (merges.merge("ent_nope", "ent_2"), NotFound, "ent_nope"),
        (merges.merge("ent_2", "ent_nope"), NotFound, "ent_nope"),
        (merges.merge("ent_0", "ent_2"), BadInput, "already merged"),
        (merges.merge("ent_2", "ent_0"), BadInput, "already merged"),
        (merges.merge("fact_0", "ent_2"), NotFound, "fact_0"),
        (merges.undo("mrg_nope"), NotFound, "mrg_nope"),
    ]
    for call, error, text in cases:
        with pytest.raises(error, match=text):
            await call
        assert await snapshot(graph) == state
    assert await merges.get("mrg_nope") is None
    # A relationship without an id could not be found again by an undo: refused up front.
    await graph.execute_query(
        "MATCH (a:Entity {id: 'ent_3'}), (b:Entity {id: 'ent_4'}) CREATE (a)-[:SIMILAR_TO]->(b)"
    )
    state = await snapshot(graph)
    with pytest.raises(BadInput, match="SIMILAR_TO"):
        await merges.merge("ent_3", "ent_5")
    assert await snapshot(graph) == state
    assert [m.id for m in await merges.for_entity("ent_1")] == [done.id]


async def test_knowledge_added_after_the_merge_stays_with_the_target(
    graph: neo4j.AsyncDriver,
) -> None:
    await build_random_graph(graph, random.Random(7))
    await graph.execute_query(
        "MATCH (a:Entity {id: 'ent_0'}), (x:Entity {id: 'ent_3'}) "
        "CREATE (a)-[:KNOWS {id: 'rel_moved', evidence: ['msg_0_1']}]->(x)"
    )
    merges = store(graph)
    merge = await merges.merge("ent_0", "ent_1")
    record = await merges.record(merge.id)
    assert record is not None
    # The pipeline keeps writing to the survivor, and a label change re-types a moved relation.
    await graph.execute_query(
        "MATCH (t:Entity {id: 'ent_1'}), (m:Message {id: 'msg_1_5'}) "
        "CREATE (t)-[:HAS_FACT]->(f:Fact {id: 'fact_new', entity_id: 'ent_1'})-[:FROM]->(m) "
        "MERGE (t)-[:MENTIONED_IN]->(m) "
        "CREATE (t)-[:VISITED {id: 'rel_new', evidence: ['msg_1_5']}]->"
        "(:Entity:Place {id: 'ent_x', name: 'X'})"
    )
    # A job adds an alias to the survivor; a label change renames the merged one's type.
    await graph.execute_query(
        "MATCH (t:Entity {id: 'ent_1'}) SET t.aliases = coalesce(t.aliases, []) + 'Bobby'"
    )
    await graph.execute_query("MATCH (s:Entity {id: 'ent_0'}) SET s.type = 'human_being'")
    await graph.execute_query(
        "MATCH (t:Entity {id: 'ent_1'})-[r]-() WHERE r.id = 'rel_moved' "
        "WITH r, startNode(r) AS a, endNode(r) AS b "
        "CREATE (a)-[n:ACQUAINTED_WITH]->(b) SET n = properties(r) DELETE r"
    )

    await merges.undo(merge.id)

    target = await _entity(graph, "ent_1")
    assert "fact_new" in target["facts"]
    assert "rel_new" in target["rels"]
    source = await _entity(graph, "ent_0")
    assert sorted(source["facts"]) == sorted(f["id"] for f in record["facts"])
    assert await _relation(graph, "rel_moved") == [("ent_0", "ACQUAINTED_WITH", "ent_3")]
    records, _, _ = await graph.execute_query(
        "MATCH (s:Entity {id: 'ent_0'}), (t:Entity {id: 'ent_1'}) "
        "RETURN labels(s) AS labels, t.aliases AS aliases, s.name AS name"
    )
    assert sorted(records[0]["labels"]) == ["Entity", "HumanBeing"]
    assert "Bobby" in records[0]["aliases"]
    assert records[0]["name"] not in records[0]["aliases"]  # what the merge added is gone
    assert await check(graph, DB) == []


async def test_concurrent_merges_of_shared_entities_serialise(graph: neo4j.AsyncDriver) -> None:
    """Merges racing on the same entities lock them: no chains, no cycles, each refused one
    changes nothing, and undoing the winners restores the graph."""
    await build_random_graph(graph, random.Random(8))
    before = await snapshot(graph)
    merges = store(graph)
    pairs = [("ent_0", "ent_1"), ("ent_1", "ent_0"), ("ent_1", "ent_2"), ("ent_2", "ent_0")]
    pairs += [("ent_3", "ent_4"), ("ent_4", "ent_5"), ("ent_5", "ent_3")]
    results = await asyncio.gather(*(merges.merge(a, b) for a, b in pairs), return_exceptions=True)

    done = [r for r in results if isinstance(r, Merge)]
    refused = [r for r in results if not isinstance(r, Merge)]
    assert all(isinstance(r, BadInput) for r in refused), refused
    # Of two opposite merges at most one wins; in a 3-cycle of merges at least one is refused.
    assert done
    assert len(refused) >= 2
    assert await check(graph, DB) == []
    # Undo in whatever order the dependencies allow (commit order is not known here).
    pending = [m.id for m in done]
    while pending:
        undone = []
        for merge_id in pending:
            with contextlib.suppress(ConflictError):
                await merges.undo(merge_id)
                undone.append(merge_id)
        assert undone, f"no merge of {pending} can be undone"
        pending = [m for m in pending if m not in undone]
    assert await snapshot(graph) == before


# Property test. pytest-asyncio (1.x) runs an `async def` Hypothesis test by wrapping its inner
# test, so every example runs on the session event loop with the session Neo4j driver. The
# function-scoped `graph` fixture is set up once for all examples, so each example wipes and
# rebuilds its own graph first (hence the suppressed health check).
_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("merge"), st.integers(0, 7), st.integers(0, 7)),
        st.tuples(st.just("undo"), st.integers(0, 20), st.just(0)),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 10_000), ops=_OPS)
async def test_random_merges_and_undos_keep_the_graph_sound(
    graph: neo4j.AsyncDriver, seed: int, ops: list[tuple[str, int, int]]
) -> None:
    await graph.execute_query("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
    built = await build_random_graph(graph, random.Random(seed))
    initial = await snapshot(graph)
    merges = store(graph)
    active: list[str] = []
    every: list[str] = []
    for op, a, b in ops:
        state = await snapshot(graph)
        try:
            if op == "merge":
                done = await merges.merge(built.entity_ids[a], built.entity_ids[b])
                active.append(done.id)
                every.append(done.id)
            elif every:
                merge_id = every[a % len(every)]
                await merges.undo(merge_id)
                active.remove(merge_id)
        except (BadInput, NotFound, ConflictError):
            assert await snapshot(graph) == state, f"a refused {op} changed the graph"
        assert await check(graph, DB) == []
    for merge_id in reversed(active):
        await merges.undo(merge_id)
    assert await snapshot(graph) == initial
