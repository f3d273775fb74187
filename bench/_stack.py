"""A throwaway stack for benchmarks: Neo4j, Redis, the API (in a thread, or its own process),
workers on demand."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from pydantic import SecretStr

from app.asgi import create_app
from app.bootstrap import apply_migrations
from app.config import Settings
from app.graph.driver import create_driver
from app.graph.tokens import Scope, TokenStore
from app.localstack import Neo4jSpec, RedisSpec, free_port, start_neo4j, start_redis
from app.logging import configure_logging

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-not-secret"  # noqa: S105 (a throwaway local store)


@dataclass
class BenchStack:
    settings: Settings
    api_url: str
    token: str
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    #: Extra environment for every process started from the stack (API process, workers).
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        s = self.settings
        return {
            **os.environ,
            "LIBRARIAN_DATA_DIR": str(s.data_dir),
            "LIBRARIAN_NEO4J_PORT": str(s.neo4j_port),
            "LIBRARIAN_NEO4J_PASSWORD": PASSWORD,
            "LIBRARIAN_REDIS_PORT": str(s.redis_port),
            "LIBRARIAN_LOG_LEVEL": "WARNING",
            **self.extra_env,
        }

    def start_worker(self, threads: int = 2, log_path: Path | None = None) -> None:
        """One worker process; its JSON log goes to ``log_path`` (at INFO) when given."""
        argv = [sys.executable, "-m", "dramatiq", "app.jobs.worker", "--processes", "1"]
        argv += ["--threads", str(threads)]
        env = {**self.env(), "LIBRARIAN_LOG_LEVEL": "INFO"} if log_path else self.env()
        if log_path is None:
            proc = subprocess.Popen(
                argv, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        else:
            with log_path.open("ab") as out:
                proc = subprocess.Popen(
                    argv, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT
                )
        self.workers.append(proc)


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        pass


def _api_process(
    stack: BenchStack, port: int, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """The API in its own process, as ``librarian run`` starts it: timings then exclude the
    benchmark client, which would otherwise share the API's interpreter (and its GIL).
    ``env`` is added to the stack's environment for this process only."""
    argv = [sys.executable, "-m", "uvicorn", "--factory", "app.asgi:app_factory"]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(
        argv, env={**stack.env(), **(env or {})}, cwd=REPO, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the API process did not start within 60 s")


@contextmanager
def extra_api(stack: BenchStack, env: dict[str, str] | None = None) -> Iterator[str]:
    """One more API process on the stack (``env`` added to its environment); yields its URL."""
    port = free_port()
    proc = _api_process(stack, port, env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def bench_stack(
    pagecache_mb: int = 256,
    api_process: bool = False,
    api_env: dict[str, str] | None = None,
    heap_mb: int = 512,
) -> Iterator[BenchStack]:
    """``api_env``: extra environment for the processes the stack starts (with
    ``api_process``, the API's too). ``heap_mb``: Neo4j's maximum heap."""
    configure_logging("WARNING", "console")
    with tempfile.TemporaryDirectory(prefix="librarian-bench-") as tmp:
        root = Path(tmp)
        settings = Settings(
            data_dir=root / "var",
            neo4j_port=free_port(),
            neo4j_password=SecretStr(PASSWORD),
            redis_port=free_port(),
            log_level="WARNING",
        )
        neo = start_neo4j(
            Neo4jSpec(
                home=root / "neo4j",
                host="127.0.0.1",
                port=settings.neo4j_port,
                password=PASSWORD,
                heap_mb=heap_mb,
                pagecache_mb=pagecache_mb,
            )
        )
        red = start_redis(
            RedisSpec(home=root / "redis", host="127.0.0.1", port=settings.redis_port)
        )

        async def prepare() -> str:
            driver = create_driver(settings)
            try:
                await apply_migrations(driver, settings)
                return (await TokenStore(driver, "neo4j").create("bench", Scope.ADMIN)).secret
            finally:
                await driver.close()

        token = asyncio.run(prepare())
        port = free_port()
        stack = BenchStack(settings, f"http://127.0.0.1:{port}", token, extra_env=api_env or {})
        api: subprocess.Popen[bytes] | None = None
        server = _Server(
            uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None)
        )
        thread = threading.Thread(target=server.run, daemon=True)
        if api_process:
            api = _api_process(stack, port)
        else:
            thread.start()
            while not server.started:
                time.sleep(0.05)
        try:
            yield stack
        finally:
            for proc in stack.workers:
                proc.terminate()
                proc.wait(timeout=30)
            if api is not None:
                api.terminate()
                api.wait(timeout=30)
            else:
                server.should_exit = True
                thread.join(timeout=10)
            red.stop()
            neo.stop()
