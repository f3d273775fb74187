"""Hybrid search latency (DESIGN §7: p95 < 50 ms at 100k entities / 1M messages, including
embedding the query).

Usage: .venv/bin/python -m bench.search_bench [--entities 10000] [--messages 100000] [--runs 300]
[--repeat 1]
Loads a synthetic graph (``bench.synth``: conversations, messages, entities, facts, relations,
real-model embeddings), then times ``search(query, kinds, first: 10)`` over HTTP GraphQL against
the API in its own process with the result cache off (``LIBRARIAN_SEARCH_CACHE_SECONDS=0``), one
distinct query per run (keyword-style and question-style, from the generated vocabulary, a few
that match no word), so every run embeds its query and reads Neo4j. The timed runs come after
the machine is quiet again (``settle``) and after 300 distinct warm-up queries: latency kept
falling for the first couple of hundred queries after a load (JIT, caches), and 30 warm-ups
measured that. Then: the same with the
cache on (each query asked twice, the second timed), the query embedding alone, and each of the
search's Cypher statements alone (one at a time, in this process) to show where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import httpx
import neo4j

from app.api.context import query_embedder
from app.graph import search as reads
from app.graph.driver import create_driver
from app.graph.rows import read_rows
from app.search.engine import Searcher, SearchRequest
from bench import synth
from bench._stack import bench_stack, extra_api

QUERY = """query($q: String!, $kinds: [SearchKind!], $first: Int) {
  search(query: $q, kinds: $kinds, first: $first) {
    totalCount
    edges { node { kind score snippet { text }
      message { id conversation { id title } speaker timestamp }
      entity { id name type } fact { id field value } } }
  }
}"""
FIELD_WORDS = {
    "job_title": "job",
    "city": "city",
    "birthday": "birthday",
    "email": "email",
    "founded": "founded",
    "industry": "industry",
    "employees": "employees",
    "revenue": "revenue",
    "country": "country",
    "population": "population",
    "budget": "budget",
    "deadline": "deadline",
    "status": "status",
    "language": "language",
    "price": "price",
    "release_date": "release date",
    "version": "version",
}
QUESTIONS = {
    "job_title": "What does {a} do for a living?",
    "city": "Where does {a} live now?",
    "birthday": "When is {a}'s birthday?",
    "email": "What is {a}'s email address?",
    "founded": "When was {a} founded?",
    "industry": "What industry is {a} in?",
    "employees": "How many people work at {a}?",
    "revenue": "What was the revenue of {a} last year?",
    "country": "Which country is {a} in?",
    "population": "How many people live in {a}?",
    "budget": "What is the budget for {a}?",
    "deadline": "When is the {a} deadline?",
    "status": "What's the status of {a}?",
    "language": "What language is {a} written in?",
    "price": "How much does the {a} cost?",
    "release_date": "When does the {a} come out?",
    "version": "Which firmware version is the {a} on?",
}
NONSENSE = (
    "qorvath blenxid",
    "zyxquv mumbletrap",
    "flobnar wexlit gorp",
    "vrandlefax",
    "snerkel pluvo quandry",
    "xylotrepe grunfeld",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def queries(stats: synth.SynthStats, count: int, seed: int) -> list[str]:
    """``count`` distinct queries: names, aliases, name + field, values, topics, questions, and
    about one in 50 that matches nothing."""
    rng = random.Random(f"{seed}:queries")
    out: dict[str, None] = {}
    sample = list(stats.sample)
    rng.shuffle(sample)
    i = 0
    while len(out) < count:
        e = sample[i % len(sample)]
        i += 1
        field, value = rng.choice(e.facts)
        roll = rng.random()
        if roll < 0.02:
            q = f"{rng.choice(NONSENSE)} {rng.randint(1, 10**6)}"
        elif roll < 0.17:
            q = e.name
        elif roll < 0.27:
            q = (e.aliases or [e.name.split()[-1]])[0] + " " + rng.choice(stats.topics)
        elif roll < 0.45:
            q = f"{e.name} {FIELD_WORDS[field]}"
        elif roll < 0.55:
            q = value if len(value) > 4 else f"{value} {FIELD_WORDS[field]}"
        elif roll < 0.62:
            q = f"{rng.choice(stats.topics)} {e.name.split()[0]}"
        elif roll < 0.92:
            q = QUESTIONS[field].format(a=e.name)
        else:
            q = f"what did {e.name.split()[0]} say about the {rng.choice(stats.topics)}?"
        out.setdefault(q, None)
    return list(out)


def timed_search(
    client: httpx.Client, headers: dict[str, str], q: str, kinds: list[str] | None
) -> tuple[float, int, int]:
    """(milliseconds, extensions.queries, totalCount) of one search over HTTP."""
    variables: dict[str, Any] = {"q": q, "kinds": kinds, "first": 10}
    started = time.perf_counter()
    resp = client.post("/graphql", json={"query": QUERY, "variables": variables}, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    body = resp.json()
    assert "errors" not in body, body
    return (
        elapsed,
        int(body.get("extensions", {}).get("queries", 0)),
        body["data"]["search"]["totalCount"],
    )


def line(label: str, times: list[float], extra: str = "") -> str:
    return (
        f"  {label:<34} p50 {statistics.median(times):6.1f} ms  p95 {percentile(times, 0.95):6.1f}"
        f" ms  p99 {percentile(times, 0.99):6.1f} ms  max {max(times):6.1f} ms{extra}"
    )


def http_figures(
    url: str, token: str, qs: list[str], kinds: list[str] | None, warmup: list[str]
) -> tuple[list[float], list[int], list[int]]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, timeout=120) as client:
        for q in warmup:
            timed_search(client, headers, q, kinds)
        times, counts, totals = [], [], []
        for q in qs:
            ms, n, total = timed_search(client, headers, q, kinds)
            times.append(ms)
            counts.append(n)
            totals.append(total)
    return times, counts, totals


def cached_figures(url: str, token: str, qs: list[str]) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    with httpx.Client(base_url=url, timeout=120) as client:
        for q in qs:
            timed_search(client, headers, q, None)  # fills the cache
            times.append(timed_search(client, headers, q, None)[0])
    return times


def statement_names() -> dict[str, str]:
    """The search's Cypher statements (the upper-case string constants of app.graph.search),
    named after their constants, so the breakdown follows the implementation as it changes."""
    return {
        text: name.lower().replace("_", " ")
        for name, text in vars(reads).items()
        if name.isupper() and isinstance(text, str) and "RETURN" in text
    }


class _TimingReader:
    """The API's read path (one record per statement), one statement at a time, timed."""

    def __init__(self, driver: neo4j.AsyncDriver) -> None:
        self.driver = driver
        self.lock = asyncio.Lock()
        self.names = statement_names()
        self.times: dict[str, list[float]] = defaultdict(list)

    async def read(self, cypher: str, **params: Any) -> list[Mapping[str, Any]]:
        async with self.lock:
            started = time.perf_counter()
            rows = await read_rows(self.driver, "neo4j", cypher, params)
            name = self.names.get(cypher, "other")
            self.times[name].append((time.perf_counter() - started) * 1000)
            return rows


async def statement_figures(settings: Any, qs: list[str], warmup: list[str]) -> None:
    """Each Cypher statement of a search alone, and the query embedding alone (by the API's
    query embedder)."""
    embedder = query_embedder(settings)
    embedder.embed(["warm up"])
    embed_times = []
    for q in qs:
        started = time.perf_counter()
        embedder.embed([q])
        embed_times.append((time.perf_counter() - started) * 1000)
    print(line("query embedding alone", embed_times))
    driver = create_driver(settings)
    try:
        reader = _TimingReader(driver)
        searcher = Searcher(embedder, cache_seconds=0)
        for q in warmup:
            await searcher.search(reader, SearchRequest(q))
        reader.times.clear()
        totals = []
        for q in qs:
            started = time.perf_counter()
            await searcher.search(reader, SearchRequest(q))
            totals.append((time.perf_counter() - started) * 1000)
        print(line("Searcher.search, statements serial", totals, " (embedding included)"))
        for name, t in reader.times.items():
            print(line(f"  {name} ({len(t) / len(qs):.1f}/search)", t))
    finally:
        await driver.close()


class _Profiler:
    """Runs each statement of a search under PROFILE and adds up its database hits."""

    def __init__(self, driver: neo4j.AsyncDriver) -> None:
        self.driver = driver
        self.names = statement_names()
        self.hits: dict[str, int] = {}
        self.lock = asyncio.Lock()

    async def read(self, cypher: str, **params: Any) -> list[Mapping[str, Any]]:
        async with self.lock:
            records, summary, _ = await self.driver.execute_query("PROFILE " + cypher, params)
        hits = 0

        def walk(op: Any) -> None:
            nonlocal hits
            hits += int(op.get("dbHits", 0))
            for child in op.get("children", []):
                walk(child)

        walk(summary.profile)
        self.hits[self.names.get(cypher, "other")] = hits
        return [dict(r) for r in records]


async def profile(settings: Any, q: str) -> None:
    """Database hits of each statement of one search (PROFILE)."""
    driver = create_driver(settings)
    try:
        profiler = _Profiler(driver)
        await Searcher(query_embedder(settings), cache_seconds=0).search(profiler, SearchRequest(q))
        hits = ", ".join(f"{name} {n}" for name, n in profiler.hits.items())
        print(f"  PROFILE of {q!r}: db hits {hits}")
    finally:
        await driver.close()


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def _cpu_idle_share(seconds: float) -> float:
    """The share of this machine's CPU time that was idle over the next ``seconds``."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total

    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


def settle(*, quiet: float = 0.9, timeout: float = 900) -> str:
    """Wait until the machine is quiet (``quiet`` of the CPU idle over 5 s): after a bulk load
    Neo4j goes on merging index segments and flushing pages for minutes, and searches timed
    meanwhile measure that work, not search. (Neo4j Community has no checkpoint procedure.)"""
    started = time.perf_counter()
    while (idle := _cpu_idle_share(5)) < quiet:
        if time.perf_counter() - started > timeout:
            return f"still busy after {timeout:.0f} s ({idle:.0%} idle); measuring anyway"
    return f"quiet after {time.perf_counter() - started:.0f} s ({idle:.0%} idle over 5 s)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time the all-kinds run this many times, each with 300 new queries: on a shared "
        "VM single runs differ more than most changes do",
    )
    parser.add_argument("--pagecache-mb", type=int, default=512)
    parser.add_argument("--heap-mb", type=int, default=512)
    args = parser.parse_args()
    print(f"load average at start: {load_average()}")
    env = {"LIBRARIAN_SEARCH_CACHE_SECONDS": "0"}
    with bench_stack(
        pagecache_mb=args.pagecache_mb, api_process=True, api_env=env, heap_mb=args.heap_mb
    ) as stack:

        async def prepare() -> synth.SynthStats:
            driver = create_driver(stack.settings)
            try:
                return await synth.load(driver, args.entities, args.messages, args.seed)
            finally:
                await driver.close()

        started = time.perf_counter()
        stats = asyncio.run(prepare())
        print(f"loaded in {time.perf_counter() - started:.0f} s: {stats.report()}")
        print(f"load average after loading: {load_average()}")
        print(f"settled: {settle()}")
        all_qs = queries(stats, args.warmup + args.runs + 150, args.seed)
        warmup, qs = all_qs[: args.warmup], all_qs[args.warmup : args.warmup + args.runs]
        per_kind = all_qs[args.warmup + args.runs :]
        print("examples: " + " | ".join(qs[:8]))
        print(
            f"search(first: 10) over HTTP GraphQL, API process, result cache off, {len(qs)} "
            f"distinct queries after {len(warmup)} warm-up queries"
        )
        times, counts, totals = http_figures(stack.api_url, stack.token, qs, None, warmup)
        empty = sum(1 for t in totals if t == 0)
        print(
            line(
                "all kinds (hybrid, expand)",
                times,
                f" | extensions.queries mean {statistics.mean(counts):.1f}"
                f" | totalCount mean {statistics.mean(totals):.0f}, {empty} with no hit",
            )
        )
        p95s = [percentile(times, 0.95)]
        for repeat in range(1, args.repeat):
            again = queries(stats, args.runs, args.seed + 1000 * repeat)
            t, _, _ = http_figures(stack.api_url, stack.token, again, None, [])
            p95s.append(percentile(t, 0.95))
            print(line(f"all kinds, again (new queries, run {repeat + 1})", t))
        if args.repeat > 1:
            under = sum(1 for p in p95s if p < 50)
            print(
                f"  p95 over {len(p95s)} runs: {min(p95s):.1f} to {max(p95s):.1f} ms, median "
                f"{statistics.median(p95s):.1f} ms, {under} under 50 ms"
            )
        for kind in ("ENTITY", "FACT", "MESSAGE"):
            t, c, _ = http_figures(stack.api_url, stack.token, per_kind[:50], [kind], [])
            print(
                line(
                    f"kinds: [{kind}] ({len(t)} queries)", t, f" | queries {statistics.mean(c):.1f}"
                )
            )
        with extra_api(stack, {"LIBRARIAN_SEARCH_CACHE_SECONDS": "30"}) as url:
            http_figures(url, stack.token, warmup, None, [])
            cached = cached_figures(url, stack.token, qs[:150])
        print(line("cache on, the same query again", cached))
        print("in this process, after the HTTP runs:")
        asyncio.run(statement_figures(stack.settings, qs[:150], warmup))
        asyncio.run(profile(stack.settings, qs[0]))
        print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()
