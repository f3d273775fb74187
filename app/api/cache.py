"""Short-lived caches of the API process, for reads that are costly or hot.

- The schema-registry overview counts usage over the whole graph: cached per kind for
  ``REGISTRY_TTL_SECONDS``.
- Hot entities: entity rows by id (what ``entity``, ``node`` and every nested ``entity``
  field read), for ``ENTITY_TTL_SECONDS``.

Every cache is cleared on writes: at once by this process's own mutations (``changed``), and
by the graph-changed notice that workers and other API processes publish (``app.changes``).
The TTL bounds staleness only when a notice is lost (Redis down). One :class:`Caches` belongs
to each API process's ``Services``; nothing here is a module-level singleton.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Final, Protocol

import redis.asyncio
from cachetools import TTLCache

from app import changes
from app.graph.registry import RegistryEntry
from app.ttlcache import AsyncTTLCache

REGISTRY_TTL_SECONDS: Final = 30.0
ENTITY_TTL_SECONDS: Final = 60.0
ENTITY_CACHE_SIZE: Final = 20_000
LLM_CHECK_TTL_S: Final = 60.0


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


class _Clearable(Protocol):
    def clear(self) -> None: ...


class Caches:
    """The caches of one API process."""

    def __init__(self) -> None:
        #: Cleared by makeLabelAlias, makeLabelCanonical and undoLabelChange (and any write).
        self.registry_overview: AsyncTTLCache[list[RegistryEntry]] = AsyncTTLCache(
            REGISTRY_TTL_SECONDS
        )
        #: Entity rows by the id asked for (a merged id maps to its survivor's row).
        self.entities = RowCache(ENTITY_TTL_SECONDS, ENTITY_CACHE_SIZE)
        #: The LLM check behind ``health { llm }`` (not cleared by writes).
        self.llm_health: AsyncTTLCache[Any] = AsyncTTLCache(LLM_CHECK_TTL_S, maxsize=1)
        #: Caches owned elsewhere (a Searcher's results) that writes must clear too.
        self._others: weakref.WeakSet[_Clearable] = weakref.WeakSet()

    def register(self, other: _Clearable) -> None:
        """Clear ``other`` with these caches, for as long as it lives."""
        self._others.add(other)

    def clear_all(self, reason: str = "") -> None:
        self.registry_overview.clear()
        self.entities.clear()
        for other in list(self._others):
            other.clear()

    async def changed(self, client: redis.asyncio.Redis, reason: str) -> None:
        """After a write made by this process: clear its caches, then tell the others."""
        self.clear_all(reason)
        await changes.announce(client, reason)
