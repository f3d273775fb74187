"""A client-side rate limit on LLM calls, shared by every process through Redis.

Vendors limit requests and tokens per minute per key; every worker and API process spends the
same key, so the count lives in Redis: one counter of requests and one of tokens per model and
minute (a fixed window). A call asks for one request and its estimated tokens; when the window
has no room it waits for the next one. Tokens the estimate missed are added once known.
If Redis cannot be reached, calls go ahead (and the vendor's own 429s still apply): losing
Redis may slow work, never stop it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Final, Protocol

import redis
import structlog

__all__ = ["NoLimit", "RateLimiter", "RedisRateLimiter", "estimate_tokens"]

log = structlog.get_logger(__name__)

WINDOW_S: Final = 60

# KEYS: requests, tokens. ARGV: rpm, tpm, tokens wanted, window ms.
# Returns 0 when granted, 1 when this window has no room.
_ACQUIRE: Final = """
local requests = tonumber(redis.call('GET', KEYS[1]) or '0')
local tokens = tonumber(redis.call('GET', KEYS[2]) or '0')
local rpm, tpm, wanted = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local over_requests = rpm > 0 and requests + 1 > rpm
local over_tokens = tpm > 0 and tokens > 0 and tokens + wanted > tpm
if over_requests or over_tokens then
  return 1
end
redis.call('INCR', KEYS[1])
redis.call('INCRBY', KEYS[2], wanted)
-- Expire once, when the window's keys are new (PEXPIRE NX would need Redis 7).
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return 0
"""


def estimate_tokens(*texts: str) -> int:
    """About four characters a token, as vendors' own rules of thumb say."""
    return sum(len(text) for text in texts) // 4 + 1


class RateLimiter(Protocol):
    def acquire(self, tokens: int) -> float:
        """Blocks until one request of ``tokens`` fits; returns the seconds waited."""
        ...

    async def acquire_async(self, tokens: int) -> float: ...

    def spend(self, tokens: int) -> None:
        """Count ``tokens`` more against this minute (what the estimate missed)."""
        ...


class NoLimit:
    def acquire(self, tokens: int) -> float:
        return 0.0

    async def acquire_async(self, tokens: int) -> float:
        return 0.0

    def spend(self, tokens: int) -> None:
        return None


class RedisRateLimiter:
    """``rpm`` requests and ``tpm`` tokens per minute for one ``scope`` (provider and model);
    0 means no limit of that kind."""

    def __init__(
        self,
        client: redis.Redis,
        scope: str,
        *,
        rpm: int,
        tpm: int,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._scope = scope
        self._rpm = rpm
        self._tpm = tpm
        self._sleep = sleep
        self._clock = clock
        self._script = client.register_script(_ACQUIRE)

    def _keys(self, now: float) -> list[str]:
        minute = int(now // WINDOW_S)
        base = f"llm:rate:{self._scope}:{minute}"
        return [f"{base}:requests", f"{base}:tokens"]

    def _try(self, tokens: int) -> float:
        """0 when granted, else the seconds until this window ends."""
        now = self._clock()
        try:
            args = [self._rpm, self._tpm, tokens, WINDOW_S * 1000]
            refused = int(self._script(keys=self._keys(now), args=args))
        except redis.RedisError as exc:
            log.warning("llm.rate_limit_unavailable", scope=self._scope, error=str(exc))
            return 0.0
        if not refused:
            return 0.0
        return round(WINDOW_S - now % WINDOW_S + 0.01, 3)  # just past the boundary

    def acquire(self, tokens: int) -> float:
        waited = 0.0
        while (wait := self._try(tokens)) > 0:
            log.info("llm.rate_limit_wait", scope=self._scope, wait_s=round(wait, 3))
            self._sleep(wait)
            waited += wait
        return waited

    async def acquire_async(self, tokens: int) -> float:
        waited = 0.0
        while (wait := await asyncio.to_thread(self._try, tokens)) > 0:
            log.info("llm.rate_limit_wait", scope=self._scope, wait_s=round(wait, 3))
            await asyncio.sleep(wait)
            waited += wait
        return waited

    def spend(self, tokens: int) -> None:
        if tokens <= 0:
            return
        key = self._keys(self._clock())[1]
        try:
            if self._client.incrby(key, tokens) == tokens:  # a new key: it expires with its minute
                self._client.expire(key, WINDOW_S)
        except redis.RedisError as exc:
            log.warning("llm.rate_limit_unavailable", scope=self._scope, error=str(exc))
