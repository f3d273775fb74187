"""A real Dramatiq worker publishes a heartbeat that `health` reports."""

from __future__ import annotations

import subprocess

from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql
from tests.conftest import Workers, wait_until

WORKER = "{ health { worker { ok lastHeartbeat } } }"


async def test_health_follows_the_worker(
    worker: subprocess.Popen[bytes], gql: Gql, admin_token: IssuedToken
) -> None:
    async def worker_ok() -> bool:
        _, body = await gql(WORKER, token=admin_token.secret)
        return bool(body["data"]["health"]["worker"]["ok"])

    await wait_until(worker_ok, within=60)
    _, body = await gql(WORKER, token=admin_token.secret)
    assert body["data"]["health"]["worker"]["lastHeartbeat"] is not None

    # A killed worker cannot clean up: its heartbeat must go stale on its own.
    Workers.kill(worker)  # SIGKILL: no chance to clear its heartbeat

    async def worker_gone() -> bool:
        return not await worker_ok()

    await wait_until(worker_gone, within=30)
