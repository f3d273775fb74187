"""Keyset page latency at depth (DESIGN §7: p95 < 20 ms at any depth).

Usage: .venv/bin/python -m bench.browse_bench [--entities 100000] [--runs 200]
Loads N entities of four types (one fact and one relation each) straight into Neo4j, then times
``entities(first: 50, after: <cursor at depth d>)`` over HTTP GraphQL, and the same Cypher alone,
at several depths; prints the query plan of the deepest page to show an ordered index seek.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Mapping
from typing import Any

import httpx
import neo4j

from app.api.pagination import decode_cursor, encode_cursor
from app.domain.resolve import entity_id
from app.domain.rows import fact_id, relation_id
from app.graph import browse
from app.graph.driver import create_driver
from app.graph.rows import read_rows
from bench._stack import bench_stack

TYPES = ["person", "organization", "place", "project"]
BATCH = 10_000
PAGE = 50
QUERY = """query($after: String, $type: String) {
  entities(first: 50, after: $after, type: $type) {
    pageInfo { hasNextPage endCursor } edges { node { id name type } }
  }
}"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def load(driver: neo4j.AsyncDriver, count: int) -> None:
    """``count`` entities, each with one fact and one relation to the next entity."""
    ids = [entity_id(TYPES[i % 4], f"entity {i}") for i in range(count)]
    for start in range(0, count, BATCH):
        rows = [
            {
                "id": ids[i],
                "name": f"Entity {i}",
                "norm": f"entity {i}",
                "type": TYPES[i % 4],
                "label": TYPES[i % 4].capitalize(),
                "fact": fact_id(ids[i], "note", f"note {i}"),
                "value": f"note {i}",
            }
            for i in range(start, min(start + BATCH, count))
        ]
        await driver.execute_query(
            "UNWIND $rows AS e CREATE (n:Entity {id: e.id, name: e.name, normalized_name: e.norm, "
            "type: e.type, aliases: [], created_at: datetime(), updated_at: datetime()}) "
            "SET n:$(e.label) "
            "CREATE (n)-[:HAS_FACT]->(:Fact {id: e.fact, field: 'note', raw_field: 'note', "
            "value: e.value, confidence: 0.9, entity_id: e.id, created_at: datetime()})",
            rows=rows,
        )
    for start in range(0, count, BATCH):
        rels = [
            {
                "a": ids[i],
                "b": ids[(i + 1) % count],
                "id": relation_id(ids[i], "RELATED_TO", ids[(i + 1) % count]),
            }
            for i in range(start, min(start + BATCH, count))
        ]
        await driver.execute_query(
            "UNWIND $rows AS r MATCH (a:Entity {id: r.a}), (b:Entity {id: r.b}) "
            "CREATE (a)-[:RELATED_TO {id: r.id, label: 'related_to', raw_label: 'related_to', "
            "confidence: 0.8, evidence: [], first_seen: datetime(), last_seen: datetime()}]->(b)",
            rows=rels,
        )
    await driver.execute_query("CALL db.awaitIndexes(300)")


class _Reader:
    def __init__(self, driver: neo4j.AsyncDriver) -> None:
        self.driver = driver

    async def read(self, cypher: str, **params: Any) -> list[Mapping[str, Any]]:
        return await read_rows(self.driver, "neo4j", cypher, params)  # as the API reads


async def cursor_at(driver: neo4j.AsyncDriver, depth: int, type: str | None) -> str | None:
    """The cursor after the first ``depth`` entities of the list (None: the first page)."""
    if depth == 0:
        return None
    records, _, _ = await driver.execute_query(
        "MATCH (n:Entity) WHERE ($type IS NULL OR n.type = $type) AND NOT n:Merged "
        "RETURN n.id AS id ORDER BY n.id SKIP $skip LIMIT 1",
        type=type,
        skip=depth - 1,
    )
    return encode_cursor("entities", [records[0]["id"]])


async def cypher_times(
    driver: neo4j.AsyncDriver, after: str, type: str | None, runs: int
) -> list[float]:
    reader = _Reader(driver)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = await browse.entities_page(
            reader, after=after, limit=PAGE + 1, type=type, name=None, lower=None
        )
        times.append((time.perf_counter() - started) * 1000)
        assert rows
    return times


class _Profiler:
    """Runs the app's own statement under PROFILE and keeps its plan."""

    def __init__(self, driver: neo4j.AsyncDriver) -> None:
        self.driver = driver
        self.profile: dict[str, Any] | None = None

    async def read(self, cypher: str, **params: Any) -> list[Mapping[str, Any]]:
        records, summary, _ = await self.driver.execute_query("PROFILE " + cypher, params)
        self.profile = summary.profile
        return list(records)


async def plan(driver: neo4j.AsyncDriver, after: str, type: str | None) -> tuple[str, int]:
    """The profiled plan of the page after ``after``, and its database hits in all."""
    profiler = _Profiler(driver)
    await browse.entities_page(
        profiler, after=after, limit=PAGE + 1, type=type, name=None, lower=None
    )
    lines: list[str] = []
    hits = 0

    def walk(op: Any, depth: int) -> None:
        nonlocal hits
        hits += int(op.get("dbHits", 0))
        detail = op.get("args", {}).get("Details", "")
        lines.append(
            f"    {'  ' * depth}{op['operatorType']} rows={op.get('rows')} "
            f"dbHits={op.get('dbHits')} {detail}"
        )
        for child in op.get("children", []):
            walk(child, depth + 1)

    assert profiler.profile is not None
    walk(profiler.profile, 0)
    return "\n".join(lines), hits


async def cypher_figures(
    settings: Any, cursor: str | None, type: str | None, runs: int, warmup: int
) -> tuple[list[float], str, int]:
    driver = create_driver(settings)
    try:
        key = browse_key(cursor)
        await cypher_times(driver, key, type, warmup)
        times = await cypher_times(driver, key, type, runs)
        text, hits = await plan(driver, key, type)
        return times, text, hits
    finally:
        await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    n = args.entities
    depths = sorted({0, 1000, n // 2, n - 1000})
    with bench_stack(pagecache_mb=512, api_process=True) as stack:

        async def prepare() -> dict[tuple[int, str | None], str | None]:
            driver = create_driver(stack.settings)
            try:
                started = time.perf_counter()
                await load(driver, n)
                print(f"loaded {n} entities in {time.perf_counter() - started:.0f} s")
                cursors = {}
                for depth in depths:
                    cursors[(depth, None)] = await cursor_at(driver, depth, None)
                for depth in sorted({0, 1000, n // 4 - 1000}):  # a type holds a quarter
                    cursors[(depth, "place")] = await cursor_at(driver, depth, "place")
                return cursors
            finally:
                await driver.close()

        cursors = asyncio.run(prepare())
        headers = {"Authorization": f"Bearer {stack.token}"}
        print(f"entities(first: {PAGE}) over HTTP GraphQL, {args.runs} runs per row")
        plans: dict[tuple[int, str | None], str] = {}
        with httpx.Client(base_url=stack.api_url, timeout=60) as client:
            for (depth, type), cursor in cursors.items():
                variables = {"after": cursor, "type": type}
                timings: list[float] = []
                for run in range(args.warmup + args.runs):
                    started = time.perf_counter()
                    resp = client.post(
                        "/graphql", json={"query": QUERY, "variables": variables}, headers=headers
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                    edges = resp.json()["data"]["entities"]["edges"]
                    assert len(edges) == PAGE, resp.text
                    if run >= args.warmup:
                        timings.append(elapsed)

                alone, text, hits = asyncio.run(
                    cypher_figures(stack.settings, cursor, type, args.runs, args.warmup)
                )
                plans[(depth, type)] = text
                label = f"depth {depth:>6}" + (f" type={type}" if type else "")
                print(
                    f"  {label:<24} HTTP p50 {statistics.median(timings):5.1f} ms  "
                    f"p95 {percentile(timings, 0.95):5.1f} ms | Cypher p50 "
                    f"{statistics.median(alone):4.1f} ms  p95 {percentile(alone, 0.95):4.1f} ms"
                    f" | dbHits {hits}"
                )
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        for (depth, type), text in plans.items():
            if depth == max(d for d, t in plans if t == type):
                print(
                    f"plan of the deepest page{f' (type={type})' if type else ''}, depth {depth}:"
                )
                print(text)


def browse_key(cursor: str | None) -> str:
    return "" if cursor is None else str(decode_cursor(cursor, "entities", (str,))[0])


if __name__ == "__main__":
    main()
