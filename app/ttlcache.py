"""A TTL cache of awaited results, safe to share between threads and tasks."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

__all__ = ["AsyncTTLCache"]

T = TypeVar("T")


class AsyncTTLCache(Generic[T]):
    """A TTL cache of awaited results. Two concurrent misses both load (no lock is held
    across the await); the later one's result is kept."""

    def __init__(self, ttl: float, maxsize: int = 16) -> None:
        self._cache: TTLCache[Hashable, T] = TTLCache(maxsize=maxsize, ttl=ttl)
        self._lock = threading.Lock()  # TTLCache is not thread-safe
        self._generation = 0

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            generation = self._generation
        value = await load()
        with self._lock:
            # A clear() during the load means the value may predate a change: do not keep it.
            if generation == self._generation:
                self._cache[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._generation += 1
