"""Short-lived caches of the API process, for reads that are costly and may be a little stale.

The schema-registry overview counts usage over the whole graph, so it is cached per kind for
``REGISTRY_TTL_SECONDS``. Label mutations made through this API clear it at once; labels and
data written by workers are seen within the TTL.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Hashable
from typing import Final, Generic, TypeVar

from cachetools import TTLCache

from app.graph.registry import RegistryEntry

REGISTRY_TTL_SECONDS: Final = 30.0

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


#: One per API process: cleared by makeLabelAlias, makeLabelCanonical and undoLabelChange.
registry_overview: Final[AsyncTTLCache[list[RegistryEntry]]] = AsyncTTLCache(REGISTRY_TTL_SECONDS)
