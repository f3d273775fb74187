"""Test set-up: throwaway Neo4j and Redis on free ports, started once per session.

Nothing here is faked: integration and API tests talk to the real servers that `make run` uses,
each in a temporary home, on ports no other run uses. Unit tests request none of these fixtures,
so they start nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import neo4j
import pytest
import redis
import uvicorn
from pydantic import SecretStr
from starlette.applications import Starlette

from app.asgi import create_app
from app.bootstrap import apply_migrations
from app.config import Settings
from app.graph.driver import create_driver
from app.graph.tokens import IssuedToken, Scope, TokenStore
from app.jobs.heartbeat import KEY_PREFIX
from app.localstack import Neo4jSpec, RedisSpec, RunningService, free_port, start_neo4j, start_redis
from app.logging import configure_logging

REPO = Path(__file__).resolve().parents[1]
TEST_PASSWORD = "test-password-not-secret"


@dataclass
class Services:
    settings: Settings
    neo4j: RunningService
    redis: RunningService
    redis_spec: RedisSpec

    def stop_redis(self) -> None:
        self.redis.stop()

    def start_redis(self) -> None:
        """Start Redis again on the same port and data (its AOF keeps what it had)."""
        self.redis = start_redis(self.redis_spec)

    def env(self) -> dict[str, str]:
        """Environment for a child process (CLI, worker) pointed at these servers."""
        s = self.settings
        return {
            **os.environ,
            "LIBRARIAN_DATA_DIR": str(s.data_dir),
            "LIBRARIAN_NEO4J_PORT": str(s.neo4j_port),
            "LIBRARIAN_NEO4J_PASSWORD": TEST_PASSWORD,
            "LIBRARIAN_REDIS_PORT": str(s.redis_port),
            "LIBRARIAN_WORKER_HEARTBEAT_SECONDS": str(s.worker_heartbeat_seconds),
            "LIBRARIAN_WORKER_STALE_AFTER_SECONDS": str(s.worker_stale_after_seconds),
            "LIBRARIAN_LOG_FORMAT": "json",
            # Offline, whatever the developer's shell holds (ANTHROPIC_API_KEY): a test that
            # wants an LLM's path says so and points it at a local port.
            "LIBRARIAN_LLM_PROVIDER": "none",
            "LIBRARIAN_EXTRACTOR": "local",
            "LIBRARIAN_ANSWERER": "extractive",
        }


def pytest_configure(config: pytest.Config) -> None:
    configure_logging("INFO", "console")


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    root = tmp_path_factory.mktemp("stack")
    neo4j_port, redis_port = free_port(), free_port()
    settings = Settings(
        data_dir=root / "var",
        neo4j_port=neo4j_port,
        neo4j_password=SecretStr(TEST_PASSWORD),
        redis_port=redis_port,
        token_cache_seconds=0,
        worker_heartbeat_seconds=0.5,
        worker_stale_after_seconds=3,
        llm_provider="none",
        extractor="local",
        answerer="extractive",
    )
    neo = start_neo4j(
        Neo4jSpec(
            home=root / "neo4j",
            host="127.0.0.1",
            port=neo4j_port,
            password=TEST_PASSWORD,
            heap_mb=512,
            pagecache_mb=64,
        )
    )
    redis_spec = RedisSpec(home=root / "redis", host="127.0.0.1", port=redis_port)
    stack = Services(
        settings=settings, neo4j=neo, redis=start_redis(redis_spec), redis_spec=redis_spec
    )
    try:
        yield stack
    finally:
        stack.redis.stop()
        neo.stop()


@pytest.fixture(scope="session")
async def driver(services: Services) -> AsyncIterator[neo4j.AsyncDriver]:
    drv = create_driver(services.settings)
    await apply_migrations(drv, services.settings)
    yield drv
    await drv.close()


@pytest.fixture(scope="session")
def api_app(services: Services) -> Starlette:
    """The API under test (served by ``api_url``): its caches live in ``app.state.services``."""
    return create_app(services.settings)


@pytest.fixture
async def graph(
    services: Services, driver: neo4j.AsyncDriver, api_app: Starlette
) -> neo4j.AsyncDriver:
    """A driver on an empty graph (migrations kept) and an empty Redis."""
    await driver.execute_query("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
    redis.Redis.from_url(services.settings.redis_url).flushdb()
    # The API under test runs in this process: a wipe behind its back is a write it must hear of.
    api_app.state.services.caches.clear_all("test wipe")
    return driver


@pytest.fixture
def tokens(graph: neo4j.AsyncDriver, services: Services) -> TokenStore:
    return TokenStore(graph, services.settings.neo4j_database)


@pytest.fixture
async def admin_token(tokens: TokenStore) -> IssuedToken:
    return await tokens.create("test admin", Scope.ADMIN)


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own handlers
        pass


@pytest.fixture(scope="session")
def api_url(api_app: Starlette, driver: neo4j.AsyncDriver) -> Iterator[str]:
    """The real ASGI app served by uvicorn on a free port, in a background thread."""
    port = free_port()
    config = uvicorn.Config(api_app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = _ThreadedServer(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def http(api_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api_url, timeout=15) as client:
        yield client


class Workers:
    """Starts real Dramatiq worker processes on the test Redis; stops them all at teardown."""

    def __init__(self, services: Services, log_dir: Path) -> None:
        self.services = services
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, **env: str) -> subprocess.Popen[bytes]:
        log_path = self.log_dir / f"worker-{len(self.procs)}.log"
        with log_path.open("wb") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "dramatiq",
                    "app.jobs.worker",
                    "--processes",
                    "1",
                    "--threads",
                    "2",
                ],
                env={**self.services.env(), **env},
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    @staticmethod
    def kill(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        """Signal the CLI process and the worker processes it forked."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def alive(self) -> bool:
        """Whether any worker has published a heartbeat on the test Redis."""
        client = redis.Redis.from_url(self.services.settings.redis_url)
        return any(True for _ in client.scan_iter(match=KEY_PREFIX + "*"))

    async def wait_alive(self, within: float = 60.0) -> None:
        async def alive() -> bool:
            return self.alive()

        await wait_until(alive, within=within, diagnose=self.logs)

    def logs(self, lines: int = 30) -> str:
        """The last lines of every worker's log, minus heartbeats, for failure messages."""
        out = []
        for path in sorted(self.log_dir.glob("worker-*.log")):
            kept = [
                x for x in path.read_text(errors="replace").splitlines() if "heartbeat" not in x
            ]
            out.append(f"== {path.name}\n" + "\n".join(kept[-lines:]))
        return "\n".join(out)

    def stop_all(self) -> None:
        """Stop as a supervisor stops Dramatiq: one SIGTERM to its main process, which passes
        it on once. (Signalling the whole group made each worker process get it twice, exit
        from its signal handler while Dramatiq's event-loop thread ran, and hang until it was
        killed 20 s later.)"""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill(proc)


@pytest.fixture
def workers(services: Services, graph: neo4j.AsyncDriver, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(services, tmp_path)
    yield pool
    pool.stop_all()


@pytest.fixture
def worker(workers: Workers) -> subprocess.Popen[bytes]:
    """One real Dramatiq worker process on the test Redis."""
    return workers.start()


async def wait_until(
    predicate: object,
    within: float = 20.0,
    interval: float = 0.2,
    diagnose: Callable[[], str] | None = None,
) -> None:
    """Poll an async predicate until it returns truthy; fail the test after ``within`` s,
    with what ``diagnose`` says about the state at that moment."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(interval)
    detail = f"\n{diagnose()}" if diagnose else ""
    pytest.fail(f"condition not met within {within} s{detail}")
