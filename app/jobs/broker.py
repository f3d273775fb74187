"""The Dramatiq broker on Redis, configured from Settings."""

from __future__ import annotations

from dramatiq.brokers.redis import RedisBroker

from app.config import Settings
from app.jobs.heartbeat import Heartbeat


def create_broker(settings: Settings) -> RedisBroker:
    broker = RedisBroker(url=settings.redis_url, namespace="librarian")  # type: ignore[no-untyped-call]
    broker.add_middleware(
        Heartbeat(
            settings.redis_url,
            interval=settings.worker_heartbeat_seconds,
            stale_after=settings.worker_stale_after_seconds,
        )
    )
    return broker
