"""Short-lived caches of the API process, for reads that are costly or hot.

- The schema-registry overview counts usage over the whole graph: cached per kind for
  ``REGISTRY_TTL_SECONDS``.
- Hot entities: entity rows by id (what ``entity``, ``node`` and every nested ``entity``
  field read), for ``ENTITY_TTL_SECONDS``.

Every cache is cleared on writes: at once by this process's own mutations (``changed``), and
by the graph-changed notice that workers and other API processes publish (``app.changes``).
The TTL bounds staleness only when a notice is lost (Redis down).
"""

from __future__ import annotations

import threading
import weakref
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Final, Protocol

import redis.asyncio
from cachetools import TTLCache

from app import changes
from app.graph.registry import RegistryEntry
from app.graph.resolution import HeldLock, graph_write_lock
from app.ttlcache import AsyncTTLCache

REGISTRY_TTL_SECONDS: Final = 30.0
ENTITY_TTL_SECONDS: Final = 60.0
API_LOCK_WAIT_SECONDS: Final = 30.0
ENTITY_CACHE_SIZE: Final = 20_000

if TYPE_CHECKING:
    from app.api.context import Services

#: One per API process: cleared by makeLabelAlias, makeLabelCanonical and undoLabelChange.
registry_overview: Final[AsyncTTLCache[list[RegistryEntry]]] = AsyncTTLCache(REGISTRY_TTL_SECONDS)


class RowCache:
    """Rows by id shared by the requests of one process; misses are loaded by the caller.

    ``lookup`` returns the cached rows and a generation; ``store`` keeps loaded rows only if
    no clear happened in between, so a row read before a write is never cached after it.
    """

    def __init__(self, ttl: float, maxsize: int) -> None:
        self._cache: TTLCache[str, dict[str, Any]] = TTLCache(maxsize=maxsize, ttl=ttl)
        self._lock = threading.Lock()
        self._generation = 0

    def lookup(self, ids: list[str]) -> tuple[dict[str, dict[str, Any]], int]:
        with self._lock:
            found = {i: self._cache[i] for i in ids if i in self._cache}
            return found, self._generation

    def store(self, rows: dict[str, dict[str, Any]], generation: int) -> None:
        with self._lock:
            if generation == self._generation:
                self._cache.update(rows)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._generation += 1


#: Entity rows by the id asked for (a merged id maps to its survivor's row).
entities: Final[RowCache] = RowCache(ENTITY_TTL_SECONDS, ENTITY_CACHE_SIZE)


class _Clearable(Protocol):
    def clear(self) -> None: ...


#: Caches owned elsewhere (a Searcher's results) that writes must clear too.
_others: weakref.WeakSet[_Clearable] = weakref.WeakSet()


def register(other: _Clearable) -> None:
    """Clear ``other`` with the caches of this module, for as long as it lives."""
    _others.add(other)


def clear_all(reason: str = "") -> None:
    registry_overview.clear()
    entities.clear()
    for other in list(_others):
        other.clear()


async def changed(client: redis.asyncio.Redis, reason: str) -> None:
    """After a write made by this process: clear its caches, then tell the others."""
    clear_all(reason)
    await changes.announce(client, reason)


def write_lock(services: Services) -> AbstractAsyncContextManager[HeldLock]:
    """The resolve-and-write lock (adr/0009) for a correction made through the API, so a job
    never writes between a merge or label change and its commit."""
    settings = services.settings
    return graph_write_lock(
        services.redis,
        ttl=settings.resolve_lock_ttl_seconds,
        wait=min(settings.resolve_lock_wait_seconds, API_LOCK_WAIT_SECONDS),
    )
