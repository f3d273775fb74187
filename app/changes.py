"""Graph-changed notices over Redis pub/sub, so API processes drop cached reads on writes.

Workers announce after a job's write stage; the API announces after merges and label changes
(and clears its own caches at once). Each API process listens and clears its caches on every
notice. A notice lost while Redis is down costs at most the caches' TTL of staleness.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import redis.asyncio
import structlog
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = structlog.get_logger(__name__)

CHANNEL = "librarian:graph-changed"


def redis_retry() -> Retry:
    """Retries for the async Redis clients: a command on a dead pooled socket (Redis was
    restarted) reconnects and runs again, up to about 2 s in all, before it fails."""
    return Retry(
        ExponentialBackoff(cap=0.5, base=0.05),
        retries=6,
        supported_errors=(RedisConnectionError, RedisTimeoutError),
    )


async def announce(client: redis.asyncio.Redis, reason: str) -> None:
    """Tell every API process the graph changed; a failure is logged, never raised (the
    change itself is already committed)."""
    try:
        await client.publish(CHANNEL, reason)
    except Exception as exc:
        log.warning("graph_changed.announce_failed", reason=reason, error=str(exc))


#: Seconds after a notice when ``listen`` calls ``on_change`` again: message and fact text are
#: indexed eventually (Lucene refreshes within about a second), so a search made right after a
#: job's notice could cache results from before it (docs/adr/0010).
SETTLE_SECONDS = 2.0


async def listen(
    client: redis.asyncio.Redis,
    on_change: Callable[[str], None],
    retry_seconds: float = 1.0,
    settle_seconds: float = SETTLE_SECONDS,
) -> None:
    """Call ``on_change`` for each notice, and again ``settle_seconds`` later, until cancelled;
    reconnects after Redis errors.

    A reconnect also calls ``on_change``: notices sent while disconnected are lost.
    """
    loop = asyncio.get_running_loop()
    delay = retry_seconds
    while True:
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(CHANNEL)
            on_change("subscribed")
            delay = retry_seconds
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    data = message.get("data")
                    reason = data.decode() if isinstance(data, bytes) else str(data)
                    on_change(reason)
                    loop.call_later(settle_seconds, on_change, f"{reason} (settled)")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("graph_changed.listen_failed", error=str(exc), retry_in=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
        finally:
            try:
                await pubsub.aclose()
            except Exception as exc:  # the connection is gone already
                log.debug("graph_changed.close_failed", error=str(exc))
