"""``librarian ingest PATH...``: parse files, store each conversation, follow its job."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import TextIO

import redis
import redis.asyncio

from app.config import Settings
from app.errors import LibrarianError
from app.graph import conversations as conv_store
from app.graph.driver import create_driver
from app.graph.jobs import Job, JobStatus, JobStore
from app.jobs.broker import create_broker
from app.jobs.heartbeat import last_heartbeat
from app.jobs.queue import JobQueue, submit
from app.logging import new_id
from app.sources.conversations.parsers import parse_file

_BAR = 30


def render(job: Job, title: str) -> str:
    filled = round(job.progress * _BAR)
    bar = "#" * filled + "-" * (_BAR - filled)
    return f"[{bar}] {job.progress * 100:5.1f}% {job.stage:<9} {job.status.value:<8} {title[:50]}"


class _Progress:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self.last = ""

    def show(self, line: str, *, final: bool = False) -> None:
        if self.tty:
            self.out.write("\r" + line + ("\n" if final else ""))
            self.out.flush()
        elif line.split("%")[1] != self.last or final:  # a new stage or the end
            self.out.write(line + "\n")
            self.last = line.split("%")[1]


async def _ingest_all(settings: Settings, paths: list[Path], wait: bool, out: TextIO) -> int:
    parsed = []
    for path in paths:
        try:
            parsed.append((path, parse_file(path)))
        except LibrarianError as exc:  # the message names the file and the place
            print(f"librarian: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"librarian: {path}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    driver = create_driver(settings)
    client = redis.asyncio.Redis.from_url(settings.redis_url, socket_timeout=5)
    queue = JobQueue(create_broker(settings))
    jobs = JobStore(driver, settings.neo4j_database)
    failed = 0
    try:
        worker_alive = await _worker_alive(client)
        if wait and not worker_alive:
            print(
                "no worker is running: jobs wait in the queue until one starts (make run)",
                file=sys.stderr,
            )
        for path, conversations in parsed:
            for conversation in conversations:
                ingested = await conv_store.ingest(
                    driver,
                    settings.neo4j_database,
                    conversation,
                    limits=conv_store.IngestLimits.from_settings(settings),
                    extractor=settings.extractor_name,
                    correlation_id=new_id(),
                )
                label = f"{path.name}: {conversation.title}"
                if not ingested.created or ingested.job is None:
                    print(f"seen before, unchanged: {label} ({ingested.conversation_id})", file=out)
                    continue
                job_id = ingested.job.id
                if not await submit(queue, jobs, job_id, marked=True):
                    print("redis is unreachable: the job is kept and queued later", file=sys.stderr)
                if wait and worker_alive:
                    job = await _follow(jobs, job_id, label, _Progress(out))
                    failed += job.status is JobStatus.FAILED
                else:
                    print(f"queued {label} (job {job_id})", file=out)
    finally:
        await client.aclose()
        await driver.close()
    return 1 if failed else 0


async def _worker_alive(client: redis.asyncio.Redis) -> bool:
    try:
        return await last_heartbeat(client) is not None
    except (redis.RedisError, OSError):
        return False


async def _follow(jobs: JobStore, job_id: str, label: str, progress: _Progress) -> Job:
    started = time.monotonic()
    while True:
        job = await jobs.get(job_id)
        done = job.status.terminal
        line = render(job, label)
        if done:
            line += f"  {time.monotonic() - started:.1f}s"
            if job.error_message:
                line += f"  error: {job.error_message}"
        progress.show(line, final=done)
        if done:
            return job
        await asyncio.sleep(0.25)


def ingest_paths(settings: Settings, paths: list[Path], *, wait: bool = True) -> int:
    return asyncio.run(_ingest_all(settings, paths, wait, sys.stdout))
