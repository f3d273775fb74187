"""End-to-end throughput of the offline pipeline (DESIGN §7: >= 50 messages/s on 2 cores).

Usage: .venv/bin/python -m bench.pipeline_bench [--copies 2] [--threads 2]
Ingests the golden conversations (made unique per copy) through the API while one worker
process runs, and reports messages/s from the first ingest to the last COMPLETE job: store,
embed (ONNX MiniLM), extract (spaCy + rules), resolve, stabilize and write all included.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import httpx
import redis

from app.eval.extraction import load_golden
from app.jobs.heartbeat import KEY_PREFIX
from bench._stack import bench_stack

MUTATION = """mutation($input: ConversationInput!) {
  ingestConversation(input: $input) { job { id } }
}"""
JOB = "query($id: ID!) { job(id: $id) { status stage errorMessage } }"


def _run(
    client: httpx.Client,
    headers: dict[str, str],
    golden: list[dict[str, Any]],
    copies: range,
) -> tuple[float, int, int, int]:
    """Ingest every golden conversation once per copy; wait for all jobs. (s, msgs, jobs, failed)"""
    jobs: list[str] = []
    messages = 0
    started = time.perf_counter()
    for copy in copies:
        for conversation in golden:
            unique = {
                **conversation,
                "messages": [
                    {**m, "text": f"{m['text']} (copy {copy})"} for m in conversation["messages"]
                ],
            }
            body = client.post(
                "/graphql",
                json={"query": MUTATION, "variables": {"input": unique}},
                headers=headers,
            ).json()
            jobs.append(body["data"]["ingestConversation"]["job"]["id"])
            messages += len(unique["messages"])
    failed = 0
    for job_id in jobs:  # one light poll at a time, so the bench does not load the stack itself
        while True:
            job = client.post(
                "/graphql", json={"query": JOB, "variables": {"id": job_id}}, headers=headers
            ).json()["data"]["job"]
            if job["status"] in ("COMPLETE", "FAILED"):
                failed += job["status"] == "FAILED"
                break
            time.sleep(0.25)
    return time.perf_counter() - started, messages, len(jobs), failed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured rounds first")
    parser.add_argument("--worker-log", type=Path, help="keep the worker's JSON log here")
    args = parser.parse_args()
    golden = [g["conversation"] for _, g in load_golden()]
    with bench_stack() as stack, httpx.Client(base_url=stack.api_url, timeout=60) as client:
        headers = {"Authorization": f"Bearer {stack.token}"}
        stack.start_worker(threads=args.threads, log_path=args.worker_log)
        beat = redis.Redis.from_url(stack.settings.redis_url)
        while not any(True for _ in beat.scan_iter(match=KEY_PREFIX + "*")):
            time.sleep(0.2)
        if args.warmup:
            # A fresh JVM spends its first ~20 s of CPU compiling (C1/C2): measure steady state.
            _run(client, headers, golden, range(args.warmup))
        elapsed, messages, jobs, failed = _run(
            client, headers, golden, range(args.warmup, args.warmup + args.copies)
        )
        print(
            f"offline pipeline: {messages} messages in {jobs} conversations "
            f"(after {args.warmup} warm-up round), "
            f"1 worker process x {args.threads} threads"
        )
        print(f"  {elapsed:.1f} s end to end, {messages / elapsed:.1f} messages/s, {failed} failed")


if __name__ == "__main__":
    main()
