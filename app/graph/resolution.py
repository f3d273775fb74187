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

from app.domain.corroboration import PersonEvidence, fact_key
from app.domain.match import Candidate, Decision
from app.domain.normalize import normalize_name
from app.errors import Unavailable
from app.graph.cypher import query

log = structlog.get_logger(__name__)

LOCK_KEY = "librarian:lock:resolve-write"
# Candidates per index and group. The indexes rank across every type and include merged
# entities, which are filtered out afterwards, so ask for more than the matcher needs.
BLOCK = 30
MAX_SOURCES = 50  # sources per candidate read for corroboration
MAX_ITEMS = 500  # speaker labels per candidate
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


def possible_id(a: str, b: str) -> str:
    """One PossibleMatch per pair of entities, whichever job found it."""
    first, second = sorted((a, b))
    return "pos_" + hashlib.sha256(f"{first}|{second}".encode()).hexdigest()[:24]


def _evidence(row: dict[str, Any], ignore: frozenset[str]) -> PersonEvidence:
    names = {n for n in (normalize_name(x) for x in [row["name"], *row["aliases"]]) if n}
    cited = {normalize_name(s) for s in row["cited_speakers"] if s}
    speakers = {normalize_name(s) for s in row["speakers"] if s} - ignore - {""}
    related = {(r["type"], r["name"]) for r in row["related"] if r["type"] and r["name"]}
    facts: set[tuple[str, str]] = set()
    for f in row["facts"]:
        if f["value"]:
            facts.add(fact_key(f["field"], f["value"]))
            facts.add(fact_key(f["raw_field"], f["value"]))
    return PersonEvidence(
        name=normalize_name(row["name"]),
        names=names,
        speaker_labels=cited & names & speakers,
        companions=(speakers - names) | {n for t, n in related if t == "person"},
        related={r for r in related if r[0] != "person"},
        facts=facts,
        aliases={n for n in (normalize_name(a) for a in row["aliases"]) if n},
    )


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
    reason: str | None = None,
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
            "reason": reason,
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

    async def source_speakers(self, source_id: str) -> set[str]:
        """Every speaker label of one source, as written."""
        records, _, _ = await self._driver.execute_query(
            "MATCH (:Conversation {id: $id})-[:HAS_MESSAGE]->(m:Message) "
            "RETURN collect(DISTINCT m.speaker) AS speakers",
            id=source_id,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return {s for s in records[0]["speakers"] if s} if records else set()

    async def person_evidence(
        self, ids: Sequence[str], ignore_speakers: frozenset[str] = frozenset()
    ) -> dict[str, tuple[set[str], PersonEvidence]]:
        """Per person entity id: its sources, and what corroborates it across them.

        ``ignore_speakers`` (normalised) are roles, not people ("assistant", "user"): never
        a companion.
        """
        if not ids:
            return {}
        records, _, _ = await self._driver.execute_query(
            query("resolution_person_evidence"),
            ids=list(ids),
            max_sources=MAX_SOURCES,
            max_items=MAX_ITEMS,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return {r["id"]: (set(r["sources"]), _evidence(dict(r), ignore_speakers)) for r in records}

    async def record_possible(
        self, pairs: list[dict[str, Any]], *, job_id: str, source_id: str
    ) -> None:
        """Keep ``{a, b, score, rule, reason}`` pairs as PossibleMatch records."""
        if not pairs:
            return
        rows = [{**p, "id": possible_id(p["a"], p["b"])} for p in pairs]
        await self._driver.execute_query(
            query("resolution_possible_record"),
            pairs=rows,
            job_id=job_id,
            source_id=source_id,
            database_=self._db,
        )

    async def possible_matches(self, entity_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """Entities possibly the same as ``entity_id``: ``{entity_id, id, score, rule, reason,
        created_at}``, best first."""
        records, _, _ = await self._driver.execute_query(
            query("resolution_possible_of"),
            id=entity_id,
            limit=limit,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        return [dict(r) for r in records]


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
