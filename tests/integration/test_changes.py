"""Graph-changed notices reach listeners, and again once Lucene has had time to catch up."""

from __future__ import annotations

import asyncio
import contextlib

import redis.asyncio

from app import changes
from tests.conftest import Services


async def test_a_notice_is_heard_at_once_and_again_after_the_settle_delay(
    services: Services,
) -> None:
    client = redis.asyncio.Redis.from_url(services.settings.redis_url)
    loop = asyncio.get_running_loop()
    heard: asyncio.Queue[tuple[float, str]] = asyncio.Queue()
    listener = asyncio.create_task(
        changes.listen(
            client, lambda reason: heard.put_nowait((loop.time(), reason)), settle_seconds=0.3
        )
    )
    try:
        async with asyncio.timeout(10):
            assert (await heard.get())[1] == "subscribed"
            await changes.announce(client, "job_write")
            at_once, first = await heard.get()
            later, second = await heard.get()
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
        await client.aclose()
    assert (first, second) == ("job_write", "job_write (settled)")
    assert later - at_once >= 0.29  # never before the delay (a lower bound only: no timing test)
