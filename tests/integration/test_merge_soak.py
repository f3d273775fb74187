"""Issue 4's done-when: `librarian check` is clean after 1,000 random merges and undos."""

from __future__ import annotations

import random

import neo4j

from app.errors import BadInput, ConflictError
from app.graph.integrity import check
from app.graph.merges import MergeStore
from tests.graphbuild import build_random_graph, snapshot

OPERATIONS = 1_000
CHECK_EVERY = 100


async def test_thousand_random_merges_and_undos(graph: neo4j.AsyncDriver) -> None:
    rng = random.Random(20_260_422)
    built = await build_random_graph(
        graph, rng, entities=30, conversations=3, messages=10, facts=60, relations=60
    )
    initial = await snapshot(graph)
    merges = MergeStore(graph, "neo4j")
    active: list[str] = []  # in the order they were made
    outcomes = {"merged": 0, "undone": 0, "refused": 0}
    for n in range(1, OPERATIONS + 1):
        # Undo a little less often than merge, so merged entities pile up and chains get tested;
        # undo any active merge, not only the newest, so refusals happen too.
        if active and rng.random() < 0.45:
            merge_id = rng.choice(active[-4:])
            try:
                await merges.undo(merge_id)
                active.remove(merge_id)
                outcomes["undone"] += 1
            except ConflictError:
                outcomes["refused"] += 1
        else:
            source, target = rng.sample(built.entity_ids, 2)
            try:
                active.append((await merges.merge(source, target)).id)
                outcomes["merged"] += 1
            except BadInput:  # one of them is merged already
                outcomes["refused"] += 1
        if n % CHECK_EVERY == 0:
            assert await check(graph, "neo4j") == [], f"after {n} operations"
    assert outcomes["merged"] > 300
    assert outcomes["undone"] > 200
    assert outcomes["refused"] > 0
    for merge_id in reversed(active):
        await merges.undo(merge_id)
    assert await check(graph, "neo4j") == []
    assert await snapshot(graph) == initial
