"""Latency of the ingestConversation mutation (DESIGN §7: p95 < 100 ms at 1,000 messages).

Usage: .venv/bin/python -m bench.ingest_bench [--messages 1000] [--runs 40]
Each run ingests new content (a unique conversation), through HTTP, with no worker running, so
the figure is the request alone: validate, write in one transaction, enqueue.
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx

from bench._stack import bench_stack

MUTATION = """mutation($input: ConversationInput!) {
  ingestConversation(input: $input) { created job { id status } }
}"""


def conversation(run: int, size: int) -> dict[str, object]:
    speakers = ["Ana", "Ben", "Carla"]
    return {
        "title": f"bench {run}",
        "origin": "bench",
        "messages": [
            {
                "speaker": speakers[i % 3],
                "text": f"run {run} message {i}: I think we should ship the Lisbon office plan "
                "by Friday, and Ben will ask Acme about the budget.",
                "timestamp": f"2024-03-01T10:{i % 60:02d}:00Z",
            }
            for i in range(size)
        ],
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    with bench_stack() as stack, httpx.Client(base_url=stack.api_url, timeout=60) as client:
        headers = {"Authorization": f"Bearer {stack.token}"}
        timings: list[float] = []
        for run in range(args.warmup + args.runs):
            payload = {"query": MUTATION, "variables": {"input": conversation(run, args.messages)}}
            started = time.perf_counter()
            resp = client.post("/graphql", json=payload, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            body = resp.json()
            assert body["data"]["ingestConversation"]["created"], body
            if run >= args.warmup:
                timings.append(elapsed)
        print(
            f"ingestConversation, {args.messages} messages, "
            f"{args.runs} runs (after {args.warmup} warm-up)"
        )
        print(
            f"  p50 {statistics.median(timings):.1f} ms  p95 {percentile(timings, 0.95):.1f} ms  "
            f"max {max(timings):.1f} ms"
        )


if __name__ == "__main__":
    main()
