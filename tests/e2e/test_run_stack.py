"""`librarian run` (what `make run` starts): healthy, token on disk, data kept on restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from app.localstack import free_port
from tests.conftest import REPO

HEALTH = "{ health { neo4j { ok version } redis { ok } worker { ok } } }"


def _post(url: str, query: str, token: str | None) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 (loopback URL built by this test)
        url, data=json.dumps({"query": query}).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as resp:  # noqa: S310
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


class Stack:
    def __init__(self, data_dir: Path, ports: dict[str, int]) -> None:
        self.data_dir = data_dir
        self.ports = ports
        self.url = f"http://127.0.0.1:{ports['api']}/graphql"
        self.proc: subprocess.Popen[str] | None = None
        self.output = ""

    def start(self) -> None:
        env = {
            **os.environ,
            "LIBRARIAN_DATA_DIR": str(self.data_dir),
            "LIBRARIAN_API_PORT": str(self.ports["api"]),
            "LIBRARIAN_NEO4J_PORT": str(self.ports["neo4j"]),
            "LIBRARIAN_REDIS_PORT": str(self.ports["redis"]),
            "LIBRARIAN_NEO4J_PAGECACHE_MB": "64",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "run"],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 240
        for line in self.proc.stdout:
            self.output += line
            if "Press Ctrl-C to stop." in line:
                return
            if time.monotonic() > deadline:
                break
        self.stop()
        pytest.fail(f"the stack did not come up:\n{self.output[-4000:]}")

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)
        try:
            rest, _ = self.proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rest, _ = self.proc.communicate()
        self.output += rest or ""
        return self.proc.returncode

    def token(self) -> str:
        return (self.data_dir / "admin.token").read_text().strip()


def _wait_worker(stack: Stack, token: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        _, body = _post(stack.url, HEALTH, token)
        health: dict[str, Any] = body["data"]["health"]
        if health["worker"]["ok"] or time.monotonic() > deadline:
            return health
        time.sleep(0.5)


def test_run_serves_health_and_keeps_data_across_restarts(tmp_path: Path) -> None:
    stack = Stack(
        tmp_path / "var", {"api": free_port(), "neo4j": free_port(), "redis": free_port()}
    )
    stack.start()
    try:
        assert "/graphql" in stack.output
        assert "admin.token" in stack.output
        token = stack.token()
        health = _wait_worker(stack, token)
        assert health["neo4j"]["ok"]
        assert health["redis"]["ok"]
        assert health["worker"]["ok"]
        assert health["neo4j"]["version"].startswith("5.26.")

        status, body = _post(stack.url, HEALTH, None)
        assert status == 401
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

        _, created = _post(
            stack.url,
            'mutation { createApiToken(name: "kept", scope: READ) { secret } }',
            token,
        )
        reader = created["data"]["createApiToken"]["secret"]
    finally:
        code = stack.stop()
    assert code == 0, stack.output[-4000:]
    assert "Librarian stopped." in stack.output

    stack.start()
    try:
        assert stack.token() == token, "the admin token survives a restart"
        status, body = _post(stack.url, HEALTH, reader)
        assert status == 200, body
        assert body["data"]["health"]["neo4j"]["ok"] is True
    finally:
        assert stack.stop() == 0
