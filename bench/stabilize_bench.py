"""Label stabilisation cost against registries of different sizes (DESIGN §5.4).

For each registry size it fills the registry with filler labels (random unit embeddings), then
times ``LabelRegistry.stabilize`` one label at a time: labels already known (the exact step) and
new labels (lemma lookup, vector-index query, MERGE; the real embedder and lemmatiser included).
Per-label p50/p95 should not grow with the registry.

Run: ``.venv/bin/python -m bench.stabilize_bench`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections import Counter

import neo4j

from app.config import Settings
from app.domain.labels import label_text
from app.embed import create_embedder
from app.graph.driver import create_driver
from app.graph.registry import LabelRegistry, label_id
from app.nlp import label_lemmas
from bench._stack import bench_stack

KIND = "field"
FILL_BATCH = 1000


def _unit(rng: random.Random, dim: int) -> list[float]:
    v = [rng.gauss(0, 1) for _ in range(dim)]
    norm = sum(x * x for x in v) ** 0.5
    return [x / norm for x in v]


async def _fill(driver: neo4j.AsyncDriver, size: int, dim: int) -> list[str]:
    """Replace the registry with ``size`` canonical filler labels; returns their labels."""
    await driver.execute_query("MATCH (s:SchemaLabel) DETACH DELETE s")
    rng = random.Random(size)
    labels = [f"filler_{i:06d}" for i in range(size)]
    for start in range(0, size, FILL_BATCH):
        rows = [
            {"id": label_id(KIND, x), "label": x, "v": _unit(rng, dim)}
            for x in labels[start : start + FILL_BATCH]
        ]
        await driver.execute_query(
            "UNWIND $rows AS row CREATE (s:SchemaLabel {id: row.id, kind: $kind, "
            "label: row.label, lemma: row.label, status: 'canonical', matched_by: 'new', "
            "created_at: datetime()}) "
            "WITH s, row CALL db.create.setNodeVectorProperty(s, 'embedding', row.v)",
            rows=rows,
            kind=KIND,
        )
    await driver.execute_query("CALL db.awaitIndexes(300)")
    return labels


def _ms(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=20)
    return f"p50 {statistics.median(samples):6.2f} ms   p95 {q[18]:6.2f} ms"


async def _run(settings: Settings, sizes: list[int], n: int) -> None:
    embedder = create_embedder("local", threads=1)
    embedder.embed(["warm-up"])
    label_lemmas(["warm_up"])
    driver = create_driver(settings)
    registry = LabelRegistry(driver, settings.neo4j_database)
    try:
        for size in sizes:
            began = time.perf_counter()
            fillers = await _fill(driver, size, embedder.dim)
            filled = time.perf_counter() - began
            rng = random.Random(7)
            known, new = [], []
            for label in [rng.choice(fillers) for _ in range(n)]:
                t = time.perf_counter()
                await registry.stabilize(KIND, {label}, embedder.embed, lemmatize=label_lemmas)
                known.append((time.perf_counter() - t) * 1000)
            models, how = [], Counter[str]()
            for i in range(n):
                label = f"bench_{size}_{i:04d}_{rng.choice(['colour', 'shoe', 'team'])}"
                t = time.perf_counter()
                label_lemmas([label + "_probe"])
                embedder.embed([label_text(label + "_probe")])
                models.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                mapped = await registry.stabilize(
                    KIND, {label}, embedder.embed, lemmatize=label_lemmas
                )
                new.append((time.perf_counter() - t) * 1000)
                how[mapped[label].matched_by] += 1
            print(f"registry {size:>6} labels (filled in {filled:5.1f} s)")
            print(f"  known label  {_ms(known)}   ({len(known)} labels, one per call)")
            print(f"  new label    {_ms(new)}   ({n} labels, one per call; {dict(how)})")
            print(f"    of which lemma + embedding models about {_ms(models)}")
    finally:
        await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 10_000])
    parser.add_argument("--labels", type=int, default=200, help="labels timed per size")
    args = parser.parse_args()
    with bench_stack() as stack:
        asyncio.run(_run(stack.settings, args.sizes, args.labels))


if __name__ == "__main__":
    main()
