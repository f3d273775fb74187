"""Export streams in constant memory (DESIGN §7): the API's resident memory while it streams.

Usage: .venv/bin/python -m bench.export_bench [--facts 100000] [--entities 10000]
Builds the graph directly in Neo4j (UNWIND batches): entities, facts each citing a message,
relations, messages. Starts the API in its own process, samples that process's RSS every
~20 ms while a client reads ``/export/<kind>`` to the end, and prints rows, seconds, rows/s,
idle RSS, peak RSS and the difference. Budget: peak within 50 MB of idle.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import httpx
import psutil

from app.graph.driver import create_driver
from app.localstack import free_port
from bench._stack import REPO, BenchStack, bench_stack

MB = 1024 * 1024
BUDGET_MB = 50
BATCH = 10_000
WARM_UP = "{ export(kind: FACTS, format: CSV, first: 10) { count } }"


async def build_graph(stack: BenchStack, entities: int, facts: int, messages: int) -> None:
    driver = create_driver(stack.settings)
    try:
        run = driver.execute_query
        await run(
            "UNWIND range(0, $n - 1) AS i CREATE (:Conversation:Source {id: 'conv_' + i, "
            "title: 'bench ' + i, origin: 'bench', checksum: 'sum_' + i, created_at: datetime()})",
            n=messages // 100,
        )
        for start in range(0, messages, BATCH):
            await run(
                "UNWIND range($start, $end - 1) AS i "
                "MATCH (c:Conversation {id: 'conv_' + (i / 100)}) "
                "CREATE (c)-[:HAS_MESSAGE]->(:Message {id: 'msg_' + right('0000000' + i, 8), "
                "conversation_id: c.id, seq: i % 100, speaker: 'Ana', timestamp: datetime(), "
                "text: 'message ' + i + ': we should ship the Lisbon office plan by Friday'})",
                start=start,
                end=min(messages, start + BATCH),
            )
        for start in range(0, entities, BATCH):
            await run(
                "UNWIND range($start, $end - 1) AS i "
                "CREATE (e:Entity:Person {id: 'ent_' + right('0000000' + i, 8), type: 'person', "
                "name: 'Person ' + i, normalized_name: 'person ' + i, aliases: ['P' + i], "
                "created_at: datetime(), updated_at: datetime(), first_source_id: 'conv_0'})",
                start=start,
                end=min(entities, start + BATCH),
            )
        for start in range(0, facts, BATCH):
            await run(
                "UNWIND range($start, $end - 1) AS i "
                "MATCH (e:Entity {id: 'ent_' + right('0000000' + (i % $entities), 8)}) "
                "MATCH (m:Message {id: 'msg_' + right('0000000' + (i % $messages), 8)}) "
                "CREATE (e)-[:HAS_FACT]->(f:Fact {id: 'fact_' + right('0000000' + i, 8), "
                "field: 'note', raw_field: 'Note', value: 'works on project ' + i, "
                "confidence: 0.8, entity_id: e.id, job_id: 'job_bench', extractor: 'local', "
                "created_at: datetime()})-[:FROM]->(m)",
                start=start,
                end=min(facts, start + BATCH),
                entities=entities,
                messages=messages,
            )
        # Two relations per entity, to the next ones in id order.
        for start in range(0, entities, BATCH):
            await run(
                "UNWIND range($start, $end - 1) AS i UNWIND [1, 2] AS k "
                "MATCH (a:Entity {id: 'ent_' + right('0000000' + i, 8)}) "
                "MATCH (b:Entity {id: 'ent_' + right('0000000' + ((i + k) % $n), 8)}) "
                "CREATE (a)-[:KNOWS {id: 'rel_' + i + '_' + k, label: 'knows', "
                "raw_label: 'knows', confidence: 0.7, evidence: ['msg_00000000'], "
                "first_seen: datetime(), last_seen: datetime()}]->(b)",
                start=start,
                end=min(entities, start + BATCH),
                n=entities,
            )
    finally:
        await driver.close()


@dataclass
class Sampler:
    """Samples one process's resident memory every ``interval`` seconds in a thread."""

    pid: int
    interval: float = 0.02
    peak: int = 0
    samples: int = 0

    def __post_init__(self) -> None:
        self._proc = psutil.Process(self.pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            self.samples += 1
            time.sleep(self.interval)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def start_api(stack: BenchStack) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "--factory", "app.asgi:app_factory"]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    proc = subprocess.Popen(
        argv, env=stack.env(), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError("the API process did not start")
        time.sleep(0.1)


def measure(client: httpx.Client, pid: int, kind: str, fmt: str) -> tuple[int, float, int, int]:
    """(rows, seconds, idle RSS, peak RSS) of streaming one export to the end."""
    idle = psutil.Process(pid).memory_info().rss
    lines = 0
    with Sampler(pid) as sampler:
        started = time.perf_counter()
        with client.stream("GET", f"/export/{kind}", params={"format": fmt}) as resp:
            resp.raise_for_status()
            for chunk in resp.iter_bytes():
                # Newlines inside quoted CSV cells would be miscounted; the bench data has none.
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    rows = lines - 1 if fmt == "csv" else lines
    return rows, seconds, idle, sampler.peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--kinds", default="facts", help="comma-separated kinds to export")
    args = parser.parse_args()
    with bench_stack() as stack:
        started = time.perf_counter()
        asyncio.run(build_graph(stack, args.entities, args.facts, args.messages))
        print(
            f"graph: {args.entities} entities, {args.facts} facts, {args.messages} messages, "
            f"{2 * args.entities} relations (built in {time.perf_counter() - started:.1f} s)"
        )
        over = False
        for kind in args.kinds.split(","):
            for fmt in ("json", "csv"):
                # A fresh API process per export, so each idle figure is a warmed-up process
                # that has not yet streamed anything.
                proc, url = start_api(stack)
                try:
                    headers = {"Authorization": f"Bearer {stack.token}"}
                    with httpx.Client(base_url=url, headers=headers, timeout=300) as client:
                        # Warm up the driver's pool and every lazily imported module.
                        client.post(
                            "/graphql",
                            json={"query": WARM_UP},
                        ).raise_for_status()
                        rows, seconds, idle, peak = measure(client, proc.pid, kind, fmt)
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
                delta = (peak - idle) / MB
                over |= delta > BUDGET_MB
                print(
                    f"/export/{kind}?format={fmt}: {rows} rows in {seconds:.2f} s "
                    f"({rows / seconds:,.0f} rows/s); API RSS idle {idle / MB:.1f} MB, "
                    f"peak {peak / MB:.1f} MB, delta {delta:+.1f} MB (budget {BUDGET_MB} MB)"
                )
        print("within budget" if not over else "OVER BUDGET")


if __name__ == "__main__":
    main()
