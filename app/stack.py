"""`librarian run`: the whole local stack in one foreground process.

Starts (or reuses) Neo4j and Redis, applies migrations, makes sure an admin token exists, then
runs one Dramatiq worker and the API as child processes. Ctrl-C or SIGTERM stops the children,
then the servers this call started, in reverse order.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from types import FrameType

import structlog

from app.bootstrap import apply_migrations, ensure_admin_token
from app.config import Settings
from app.graph.driver import create_driver
from app.localstack import (
    LocalServiceError,
    Neo4jSpec,
    RedisSpec,
    RunningService,
    start_neo4j,
    start_redis,
)

log = structlog.get_logger(__name__)


def neo4j_spec(settings: Settings) -> Neo4jSpec:
    return Neo4jSpec(
        home=settings.data_dir / "neo4j",
        host=settings.neo4j_host,
        port=settings.neo4j_port,
        password=settings.neo4j_password_value(),
        heap_mb=settings.neo4j_heap_mb,
        pagecache_mb=settings.neo4j_pagecache_mb,
        # The built runtime is per checkout, not per data dir: every store shares one build.
    )


def redis_spec(settings: Settings) -> RedisSpec:
    return RedisSpec(
        home=settings.data_dir / "redis", host=settings.redis_host, port=settings.redis_port
    )


async def prepare_graph(settings: Settings) -> None:
    driver = create_driver(settings)
    try:
        await apply_migrations(driver, settings)
        await ensure_admin_token(driver, settings)
    finally:
        await driver.close()


def _child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "LIBRARIAN_DATA_DIR": str(settings.data_dir.resolve()),
            "LIBRARIAN_NEO4J_HOST": settings.neo4j_host,
            "LIBRARIAN_NEO4J_PORT": str(settings.neo4j_port),
            "LIBRARIAN_REDIS_HOST": settings.redis_host,
            "LIBRARIAN_REDIS_PORT": str(settings.redis_port),
        }
    )
    return env


def _spawn(name: str, argv: list[str], settings: Settings) -> subprocess.Popen[bytes]:
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.log_dir / f"{name}.log"
    with log_path.open("ab") as out:
        proc = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_child_env(settings),
            start_new_session=True,
        )
    log.info("child.started", name=name, pid=proc.pid, log=str(log_path))
    return proc


def _stop_child(name: str, proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        log.warning("child.kill", name=name, pid=proc.pid)
        proc.kill()
        proc.wait()
    log.info("child.stopped", name=name, code=proc.returncode)


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _wait_http_ok(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LocalServiceError(f"the API exited with code {proc.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:  # noqa: S310 (our own loopback URL)
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise LocalServiceError(f"the API did not answer {url} within {timeout:.0f} s")


def worker_argv(processes: int = 1, threads: int = 2) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dramatiq",
        "app.jobs.worker",
        "--processes",
        str(processes),
        "--threads",
        str(threads),
    ]


def api_argv(settings: Settings) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "app.asgi:app_factory",
        "--host",
        settings.api_host,
        "--port",
        str(settings.api_port),
        "--no-access-log",
    ]


def _banner(settings: Settings, neo4j: RunningService, redis: RunningService) -> str:
    base = f"http://{settings.api_host}:{settings.api_port}"
    token_file = settings.admin_token_file
    return "\n".join(
        [
            "",
            "Librarian is up.",
            f"  GraphiQL     {base}/graphql",
            f"  UI           {base}/",
            f"  admin token  {token_file}   (send it as: Authorization: Bearer <token>)",
            f"  Neo4j        {neo4j.url}  (user neo4j; password in "
            f"{settings.data_dir / 'secrets' / 'neo4j_password'} unless LIBRARIAN_NEO4J_PASSWORD)",
            f"  Redis        {redis.url}",
            f"  logs         {settings.log_dir}/ (api.log, worker.log), {neo4j.log_path}",
            "Press Ctrl-C to stop.",
            "",
        ]
    )


def run_stack(settings: Settings) -> int:
    """Run everything in the foreground until Ctrl-C/SIGTERM or a child dies; the exit code."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("stack.signal", signal=signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    if not _port_free(settings.api_host, settings.api_port):
        raise LocalServiceError(
            f"port {settings.api_port} on {settings.api_host} is taken; set LIBRARIAN_API_PORT"
        )
    started: list[RunningService] = []
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    code = 0
    try:
        neo4j = start_neo4j(neo4j_spec(settings))
        started.append(neo4j)
        redis = start_redis(redis_spec(settings))
        started.append(redis)
        asyncio.run(prepare_graph(settings))
        children.append(("worker", _spawn("worker", worker_argv(), settings)))
        api = _spawn("api", api_argv(settings), settings)
        children.append(("api", api))
        _wait_http_ok(f"http://{settings.api_host}:{settings.api_port}/readyz", api, 60)
        print(_banner(settings, neo4j, redis), flush=True)
        while not stop.wait(0.5):
            for name, proc in children:
                if proc.poll() is not None:
                    log.error("child.exited", name=name, code=proc.returncode)
                    where = settings.log_dir / f"{name}.log"
                    print(f"{name} exited with code {proc.returncode}; see {where}")
                    code = 1
                    stop.set()
    finally:
        for name, proc in reversed(children):
            _stop_child(name, proc)
        for service in reversed(started):
            service.stop()
        print("Librarian stopped.", flush=True)
    return code
