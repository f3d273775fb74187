"""Entity resolution against the whole graph: candidate blocking, the lock, decision records.

Candidates for a mention group come from three index lookups, never a scan: the fulltext index
on entity names and aliases (every name word, fuzzy by one edit), the vector index on entity
embeddings, and the range index on normalised names. ``app.domain.match`` scores them.

Two jobs resolving at once could each decide that "Ana Costa" is new, or that "Ana" is new while
the other writes "Ana Costa". The resolve and write stages of every job therefore run under
one Redis lock (``graph_write_lock``), so each job sees every entity written before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

import neo4j
import redis.asyncio
import structlog
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

from app.domain.match import Candidate, Decision
from app.errors import Unavailable

log = structlog.get_logger(__name__)

LOCK_KEY = "librarian:lock:resolve-write"
# Candidates per index and group. The indexes rank across every type and include merged
# entities, which are filtered out afterwards, so ask for more than the matcher needs.
BLOCK = 30
_TERM = re.compile(r"[^\W_]+")  # letters and digits of any script: never Lucene syntax

CANDIDATES = """
UNWIND $groups AS g
CALL (g) {
  WITH g WHERE g.q <> ''
  CALL db.index.fulltext.queryNodes('entity_text', g.q, {limit: $k}) YIELD node
  RETURN node
  UNION
  CALL db.index.vector.queryNodes('entity_embedding', $k, g.vec) YIELD node
  RETURN node
  UNION
  MATCH (node:Entity) WHERE node.normalized_name IN g.names
  RETURN node
}
WITH g, node WHERE node.type = g.type AND NOT node:Merged
RETURN g.idx AS idx, collect({id: node.id, name: node.name, type: node.type,
       aliases: coalesce(node.aliases, []), embedding: node.embedding}) AS candidates
"""

RECORD = """
UNWIND $decisions AS d
MATCH (e:Entity {id: d.entity_id})
MERGE (r:Resolution {id: d.id})
  ON CREATE SET r += d.props, r.created_at = datetime()
MERGE (r)-[:RESOLVED_TO]->(e)
"""


def lucene_query(names: Sequence[str]) -> str:
    """Every word of every name, fuzzy by one edit when long enough to survive a typo.

    Only runs of letters and digits (any script) are kept, so no Lucene syntax can get
    through; the empty string comes back when nothing is left, and the fulltext lookup is then
    skipped (Lucene refuses an empty query).
    """
    terms: list[str] = []
    for name in names:
        for word in _TERM.findall(name.casefold()):
            term = f"{word}~1" if len(word) >= 4 else word
            if term not in terms:
                terms.append(term)
    return " OR ".join(terms)


def decision_id(job_id: str, entity_type: str, normalized_name: str) -> str:
    """One record per job and mention group, so a retried write does not add another."""
    key = f"{job_id}|{entity_type}|{normalized_name}"
    return "res_" + hashlib.sha256(key.encode()).hexdigest()[:24]


def decision_row(
    *,
    job_id: str,
    source_id: str,
    extractor: str,
    entity_id: str,
    entity_type: str,
    normalized_name: str,
    mention: str,
    names: Sequence[str],
    decision: Decision,
) -> dict[str, Any]:
    return {
        "id": decision_id(job_id, entity_type, normalized_name),
        "entity_id": entity_id,
        "props": {
            "job_id": job_id,
            "source_id": source_id,
            "extractor": extractor,
            "entity_id": entity_id,
            "mention": mention,
            "names": list(names),
            "type": entity_type,
            "outcome": decision.outcome,
            "rule": decision.rule,
            "score": decision.score,
            "candidate_name": decision.candidate_name,
            "candidates": decision.candidates,
            "features": json.dumps(decision.features, sort_keys=True),
            "runner_up": json.dumps(decision.runner_up) if decision.runner_up else None,
        },
    }


class ResolutionStore:
    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._db = database

    async def candidates(self, groups: list[dict[str, Any]]) -> dict[int, list[Candidate]]:
        """For each ``{idx, type, names, vec}``: active entities of that type the indexes
        offer as possibly the same."""
        if not groups:
            return {}
        rows = [{**g, "q": lucene_query(g["names"])} for g in groups]
        records, _, _ = await self._driver.execute_query(
            CANDIDATES,
            groups=rows,
            k=BLOCK,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return {
            r["idx"]: [
                Candidate(c["id"], c["name"], c["type"], list(c["aliases"]), c["embedding"])
                for c in r["candidates"]
            ]
            for r in records
        }

    async def record(self, decisions: list[dict[str, Any]]) -> None:
        if decisions:
            await self._driver.execute_query(RECORD, decisions=decisions, database_=self._db)


class HeldLock:
    """The lock while held: ``ensure`` before writing, since a long stall (GC, a Redis
    failover) can let it expire and another job take it."""

    def __init__(self, lock: Lock) -> None:
        self._lock = lock
        self.lost = asyncio.Event()

    async def ensure(self) -> None:
        if self.lost.is_set() or not await self._lock.owned():
            self.lost.set()
            raise Unavailable("lost the graph write lock; the job will be retried")


@contextlib.asynccontextmanager
async def graph_write_lock(
    client: redis.asyncio.Redis, *, ttl: float, wait: float
) -> AsyncIterator[HeldLock]:
    """Hold the resolve-and-write lock; it is kept alive while held and expires if we die.

    Raises Unavailable when it cannot be had within ``wait`` seconds (a job is retried).
    """
    lock = client.lock(LOCK_KEY, timeout=ttl, blocking_timeout=wait)
    if not await lock.acquire():
        raise Unavailable("the graph is busy: another job held the write lock too long")
    held = HeldLock(lock)

    async def keep_alive() -> None:
        while True:
            await asyncio.sleep(ttl / 3)
            try:
                await lock.reacquire()
            except LockError:
                log.error("resolve_lock.lost")
                held.lost.set()
                return
            except Exception as exc:  # Redis blip: try again before the lock runs out
                log.warning("resolve_lock.renew_failed", error=str(exc))

    keeper = asyncio.create_task(keep_alive())
    try:
        yield held
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
        try:
            await lock.release()
        except LockError:
            log.warning("resolve_lock.release_failed", reason="expired or taken over")
        except Exception as exc:  # it expires on its own
            log.warning("resolve_lock.release_failed", error=str(exc))
