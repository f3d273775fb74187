"""The worker heartbeat: each worker process refreshes a Redis key; the API reads the newest.

Keys expire on their own (``stale_after``), so a killed worker disappears without clean-up.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import UTC, datetime
from typing import Any

import dramatiq
import redis
import redis.asyncio
import structlog

KEY_PREFIX = "librarian:worker:heartbeat:"
log = structlog.get_logger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class Heartbeat(dramatiq.Middleware):
    """Publishes ``KEY_PREFIX<host>:<pid>`` = ISO time every ``interval`` seconds."""

    def __init__(self, redis_url: str, interval: float, stale_after: float) -> None:
        self._redis_url = redis_url
        self._interval = interval
        self._stale_after = stale_after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._key = f"{KEY_PREFIX}{socket.gethostname()}:{os.getpid()}"

    def after_worker_boot(self, broker: Any, worker: Any) -> None:
        # The pid is the worker process's own, which differs from the parent's after a fork.
        self._key = f"{KEY_PREFIX}{socket.gethostname()}:{os.getpid()}"
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker: Any, worker: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._interval + 1)
        try:
            redis.Redis.from_url(self._redis_url).delete(self._key)
        except redis.RedisError as exc:
            log.warning("heartbeat.clear_failed", error=str(exc))

    def _run(self) -> None:
        client = redis.Redis.from_url(self._redis_url, socket_timeout=5)
        while not self._stop.is_set():
            try:
                client.set(self._key, _now().isoformat(), ex=max(1, round(self._stale_after)))
            except redis.RedisError as exc:
                log.warning("heartbeat.publish_failed", error=str(exc))
            self._stop.wait(self._interval)


async def last_heartbeat(client: redis.asyncio.Redis) -> datetime | None:
    """The newest heartbeat of any live worker, or None when no worker is alive."""
    newest: datetime | None = None
    async for key in client.scan_iter(match=KEY_PREFIX + "*", count=100):
        value = await client.get(key)
        if value is None:
            continue
        seen = datetime.fromisoformat(value.decode() if isinstance(value, bytes) else value)
        if newest is None or seen > newest:
            newest = seen
    return newest
