"""Runs one job through the pipeline: store → embed → extract → resolve → stabilize → write.

Every stage is idempotent (deterministic ids, MERGE) and leaves a checkpoint on the Job, so a
retry, or another worker taking over an expired lease, resumes instead of starting over.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import neo4j
import redis.asyncio
import structlog

from app import changes
from app.config import Settings
from app.domain.labels import canonical_form, node_label
from app.domain.match import Mention, decide
from app.domain.models import Extraction
from app.domain.resolve import entity_id, entity_text, group_mentions
from app.domain.rows import fact_rows, merge_window, relation_rows, usage_row
from app.embed import Embedder
from app.errors import LibrarianError
from app.extract.base import Extractor, windows
from app.graph.conversations import messages_of, store_staged_messages
from app.graph.jobs import Job, JobStore, LeaseLost
from app.graph.knowledge import KnowledgeStore
from app.graph.resolution import HeldLock, ResolutionStore, decision_row, graph_write_lock
from app.jobs.progress import publish
from app.jobs.queue import JobQueue
from app.llm.base import LLMAuthFailed, LLMRateLimited, LLMUnavailable
from app.logging import bound
from app.nlp import label_lemmas

log = structlog.get_logger(__name__)
EMBED_BATCH = 64
LLM_WAIT_CAP_S = 900.0

# Progress reached when each stage starts; extraction fills the span up to resolve.
STAGE_START = {
    "store": 0.01,
    "embed": 0.05,
    "extract": 0.15,
    "resolve": 0.8,
    "stabilize": 0.85,
    "write": 0.9,
}


@dataclass
class PipelineDeps:
    settings: Settings
    driver: neo4j.AsyncDriver
    redis: redis.asyncio.Redis
    queue: JobQueue
    embedder: Embedder
    extractor: Extractor


class JobRunner:
    def __init__(self, deps: PipelineDeps) -> None:
        self.deps = deps
        db = deps.settings.neo4j_database
        self.jobs = JobStore(deps.driver, db)
        self.knowledge = KnowledgeStore(deps.driver, db)
        self.resolution = ResolutionStore(deps.driver, db)
        # Stage outputs of the jobs running in this process; a resumed job reads them from Neo4j.
        self._checkpoints: dict[tuple[str, str], Any] = {}
        # Name embeddings computed by resolve, reused by write for new entities.
        self._vectors: dict[str, dict[str, list[float]]] = {}
        # The resolve-and-write lock of each job between its resolve and write stages.
        self._locks: dict[str, HeldLock] = {}

    async def run(self, job_id: str) -> Job | None:
        """Claim and run the job; None when another worker holds it or it is finished."""
        settings = self.deps.settings
        job = await self.jobs.claim(job_id, settings.job_lease_seconds)
        if job is None:
            log.info("job.not_claimed", job_id=job_id, reason="finished or held elsewhere")
            return None
        with bound(job_id=job.id, correlation_id=job.correlation_id, source_id=job.source_id):
            if job.attempts > settings.job_max_attempts:
                # Its earlier runs died without recording anything (killed, OOM, time limit).
                return await self._failed(
                    job, job.stage, RuntimeError("the worker running it stopped"), always_final=True
                )
            log.info("job.start", attempt=job.attempts, extractor=self.deps.extractor.name)
            lost = asyncio.Event()
            work = asyncio.current_task()
            renewer = asyncio.create_task(self._renew_lease(job, lost, work))
            stage = job.stage
            try:
                timings: dict[str, float] = {}
                async with contextlib.AsyncExitStack() as held:
                    for stage, step in self._stages():
                        if stage == "resolve":  # until the end of write (see ADR 0009)
                            began = time.perf_counter()
                            self._locks[job.id] = await held.enter_async_context(
                                graph_write_lock(
                                    self.deps.redis,
                                    ttl=settings.resolve_lock_ttl_seconds,
                                    wait=settings.resolve_lock_wait_seconds,
                                )
                            )
                            timings["lock_wait"] = round((time.perf_counter() - began) * 1000, 1)
                        began = time.perf_counter()
                        job = await self.jobs.set_stage(job, stage, STAGE_START[stage])
                        await publish(self.deps.redis, job)
                        await step(job)
                        timings[stage] = round((time.perf_counter() - began) * 1000, 1)
                job = await self.jobs.complete(job)
                await publish(self.deps.redis, job)
                log.info(
                    "job.complete", stage_ms=timings, llm_calls=job.llm_calls, cost_usd=job.cost_usd
                )
                return job
            except LeaseLost:
                log.warning("job.lease_lost", stage=stage)
                return None
            except asyncio.CancelledError:
                if lost.is_set():  # another worker owns the job now: leave it alone
                    log.warning("job.lease_lost", stage=stage)
                    return None
                # Dramatiq's time limit or a shutdown: record it, then let the cancel through.
                with contextlib.suppress(Exception):
                    await self._failed(job, stage, TimeoutError("the run was cancelled"))
                raise
            except Exception as exc:
                return await self._failed(job, stage, exc)
            finally:
                for key in [k for k in self._checkpoints if k[0] == job_id]:
                    del self._checkpoints[key]
                self._vectors.pop(job_id, None)
                self._locks.pop(job_id, None)
                renewer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewer

    def _stages(self) -> list[tuple[str, Callable[[Job], Awaitable[None]]]]:
        return [
            ("store", self._store),
            ("embed", self._embed),
            ("extract", self._extract),
            ("resolve", self._resolve),
            ("stabilize", self._stabilize),
            ("write", self._write),
        ]

    async def _failed(
        self, job: Job, stage: str, exc: BaseException, *, always_final: bool = False
    ) -> Job | None:
        settings = self.deps.settings
        if isinstance(exc, LLMUnavailable | LLMRateLimited) and not always_final:
            return await self._wait_for_llm(job, stage, exc)
        # A rejected key fails on every try: say so now instead of after four.
        always_final = always_final or isinstance(exc, LLMAuthFailed)
        final = always_final or job.attempts >= settings.job_max_attempts
        log.error("job.failed", stage=stage, final=final, attempt=job.attempts, exc_info=exc)
        try:
            job = await self.jobs.record_failure(job, _public_error(stage, exc), final=final)
        except LeaseLost:
            log.warning("job.lease_lost", stage=stage)
            return None
        await publish(self.deps.redis, job)
        if not final:
            delay = settings.job_retry_backoff_seconds * 2 ** (job.attempts - 1)
            try:
                await asyncio.to_thread(self.deps.queue.enqueue, job.id, delay_ms=int(delay * 1000))
                await self.jobs.mark_enqueued(job.id)
            except Exception as enqueue_error:  # the reconciler will pick the job up
                log.warning("job.requeue_failed", error=str(enqueue_error))
        return job

    async def _wait_for_llm(
        self, job: Job, stage: str, exc: LLMUnavailable | LLMRateLimited
    ) -> Job | None:
        """The LLM cannot be reached: the job waits and tries again (doubling the wait up to
        15 minutes, or longer when the vendor asks), visibly on the Job, without using up its
        attempts. Windows extracted before the outage are kept (``extract_partial``)."""
        settings = self.deps.settings
        waits = await self.jobs.llm_waits(job.id)
        delay = min(LLM_WAIT_CAP_S, settings.llm_unavailable_retry_seconds * 2**waits)
        hinted = exc.details.get("retry_after_s")
        if isinstance(hinted, int | float) and hinted > delay:
            delay = float(hinted)
        message = (
            f"Waiting for the LLM: {exc.message}. Trying again in {_duration(delay)} "
            f"(wait {waits + 1}; nothing is lost)."
        )
        log.warning("job.llm_wait", stage=stage, waits=waits + 1, delay_s=delay, error=exc.message)
        try:
            job = await self.jobs.record_llm_wait(job, message, delay)
        except LeaseLost:
            log.warning("job.lease_lost", stage=stage)
            return None
        await publish(self.deps.redis, job)
        try:
            await asyncio.to_thread(self.deps.queue.enqueue, job.id, delay_ms=int(delay * 1000))
        except Exception as enqueue_error:  # the reconciler picks it up once its time comes
            log.warning("job.requeue_failed", error=str(enqueue_error))
        return job

    async def _renew_lease(
        self, job: Job, lost: asyncio.Event, work: asyncio.Task[Any] | None
    ) -> None:
        every = self.deps.settings.job_lease_seconds / 3
        while True:
            await asyncio.sleep(every)
            try:
                await self.jobs.renew_lease(job, every * 3)
            except LeaseLost:
                lost.set()
                if work is not None:
                    work.cancel()
                return
            except Exception as exc:  # keep trying: a missed renewal is not yet a lost lease
                log.warning("job.lease_renew_failed", error=str(exc))

    async def _save(self, job: Job, name: str, payload: Any) -> None:
        """Keep a stage's output on the Job (for a resume) and in memory (for the next stage)."""
        await self.jobs.save_checkpoint(job, name, payload)
        self._checkpoints[(job.id, name)] = payload

    async def _load(self, job_id: str, name: str) -> Any | None:
        if (job_id, name) in self._checkpoints:
            return self._checkpoints[(job_id, name)]
        return await self.jobs.load_checkpoint(job_id, name)

    async def _progress(self, job: Job, stage: str, fraction: float) -> None:
        job = await self.jobs.set_stage(job, stage, round(fraction, 4))
        await publish(self.deps.redis, job)

    # -- stages ---------------------------------------------------------------------------

    async def _store(self, job: Job) -> None:
        """Turn the staged document into Message nodes (a no-op once done)."""
        stored = await store_staged_messages(
            self.deps.driver, self.deps.settings.neo4j_database, job.source_id
        )
        if stored:
            log.info("job.messages_stored", count=stored)

    async def _embed(self, job: Job) -> None:
        settings = self.deps.settings
        pending = await messages_of(
            self.deps.driver, settings.neo4j_database, job.source_id, without_embedding=True
        )
        for start in range(0, len(pending), EMBED_BATCH):
            batch = pending[start : start + EMBED_BATCH]
            vectors = await asyncio.to_thread(self.deps.embedder.embed, [m.text for m in batch])
            await self.knowledge.set_embeddings(
                "Message", {m.id: v for m, v in zip(batch, vectors, strict=True)}
            )

    async def _extract(self, job: Job) -> None:
        if await self._load(job.id, "extract") is not None:
            return
        settings = self.deps.settings
        messages = await messages_of(self.deps.driver, settings.neo4j_database, job.source_id)
        combined = Extraction()
        total = max(1, -(-len(messages) // settings.extract_window))
        span = STAGE_START["resolve"] - STAGE_START["extract"]
        # An LLM's windows are paid for: keep each as it is done, so an outage (or a crash)
        # halfway resumes at the next window instead of paying for the first ones again.
        keep_each = self.deps.extractor.name != "local"
        done = 0
        partial = await self._load(job.id, "extract_partial") if keep_each else None
        if partial is not None:
            done = int(partial["done"])
            combined = Extraction.model_validate(partial["extraction"])
            log.info("job.extract_resumed", windows_done=done, windows=total)
        for i, (window, context) in enumerate(
            windows(messages, settings.extract_window, settings.extract_context)
        ):
            if i < done:
                continue
            result = await asyncio.to_thread(self.deps.extractor.extract, window, context=context)
            merge_window(combined, result.extraction, f"w{i}", {m.id for m in window})
            if result.usage.llm_calls:
                await self.jobs.add_usage(job, usage_row(result.usage))
            if keep_each:
                await self._save(
                    job, "extract_partial", {"done": i + 1, "extraction": combined.model_dump()}
                )
            await self._progress(job, "extract", STAGE_START["extract"] + span * (i + 1) / total)
        await self._save(job, "extract", combined.model_dump())

    async def _resolve(self, job: Job) -> None:
        """Group this source's mentions, then match each group against the whole graph.

        Always recomputed, never resumed from a checkpoint: it runs under the write lock, and
        what it decided before a crash may be stale now that other jobs have written.
        """
        settings = self.deps.settings
        extraction = Extraction.model_validate(await self._load(job.id, "extract"))
        types = await self._canonical("entity_type", {e.type for e in extraction.entities})
        for mention in extraction.entities:
            mention.type = types.get(mention.type, "")
        extraction.entities = [e for e in extraction.entities if e.type]
        groups, key_map = group_mentions(extraction)
        vectors = await asyncio.to_thread(
            self.deps.embedder.embed, [entity_text(g.name, g.type) for g in groups]
        )
        candidates = await self.resolution.candidates(
            [
                {"idx": i, "type": g.type, "names": sorted(g.names()), "vec": vec}
                for i, (g, vec) in enumerate(zip(groups, vectors, strict=True))
            ]
        )
        decisions: list[dict[str, Any]] = []
        for i, (group, vec) in enumerate(zip(groups, vectors, strict=True)):
            query = Mention(group.name, group.type, group.names(), vec)
            decision = decide(query, candidates.get(i, []), settings.resolve_threshold)
            group.id = decision.entity_id or entity_id(group.type, group.normalized_name)
            decisions.append(
                decision_row(
                    job_id=job.id,
                    source_id=job.source_id,
                    extractor=job.extractor,
                    entity_id=group.id,
                    entity_type=group.type,
                    normalized_name=group.normalized_name,
                    mention=group.name,
                    names=sorted(group.names()),
                    decision=decision,
                )
            )
        self._vectors[job.id] = {g.id: v for g, v in zip(groups, vectors, strict=True) if g.id}
        await self._save(
            job,
            "resolve",
            {
                "entities": [
                    {
                        "id": g.id,
                        "name": g.name,
                        "normalized_name": g.normalized_name,
                        "type": g.type,
                        "aliases": sorted(g.aliases),
                        "message_ids": sorted(g.message_ids),
                    }
                    for g in groups
                ],
                "keys": {key: g.id for key, g in key_map.items()},
                "decisions": decisions,
            },
        )

    async def _stabilize(self, job: Job) -> None:
        """Map raw field and relation labels to canonical ones (kept in the write checkpoint)."""
        extraction = Extraction.model_validate(await self._load(job.id, "extract"))
        fields = await self._canonical("field", {f.field for f in extraction.facts})
        relations = await self._canonical("relation", {r.label for r in extraction.relations})
        await self._save(job, "labels", {"field": fields, "relation": relations})

    async def _write(self, job: Job) -> None:
        extraction = Extraction.model_validate(await self._load(job.id, "extract"))
        resolved: dict[str, Any] = await self._load(job.id, "resolve") or {}
        labels: dict[str, dict[str, str]] = await self._load(job.id, "labels") or {}
        keys: dict[str, str] = resolved.get("keys", {})
        entities = [{**e, "label": node_label(e["type"])} for e in resolved.get("entities", [])]
        facts, _ = fact_rows(extraction, keys, labels.get("field", {}))
        relations, _ = relation_rows(extraction, keys, labels.get("relation", {}))
        if (lock := self._locks.get(job.id)) is not None:
            await lock.ensure()  # resolve's decisions are only sound while we hold it
        await self.knowledge.write(
            source_id=job.source_id,
            job_id=job.id,
            extractor=job.extractor,
            entities=entities,
            facts=facts,
            relations=relations,
        )
        await self.resolution.record(resolved.get("decisions", []))
        missing = await self.knowledge.entities_without_embedding([e["id"] for e in entities])
        if missing:
            # The vectors resolve computed from the names this job used, when it has them.
            known = self._vectors.pop(job.id, {})
            todo = [(eid, name, etype) for eid, name, etype in missing if eid not in known]
            if todo:
                fresh = await asyncio.to_thread(
                    self.deps.embedder.embed, [entity_text(n, t) for _, n, t in todo]
                )
                known.update({eid: v for (eid, _, _), v in zip(todo, fresh, strict=True)})
            await self.knowledge.set_embeddings(
                "Entity", {eid: known[eid] for eid, _, _ in missing}
            )
        # Announced once the entities' vectors are written. Message and fact text reach Lucene
        # a moment later (indexed eventually, migration 010): API processes clear their caches
        # again shortly after each notice (app.changes.listen).
        await changes.announce(self.deps.redis, "job_write")

    async def _canonical(self, kind: str, raw_labels: set[str]) -> dict[str, str]:
        """Raw label → canonical label; labels with nothing usable left are dropped (logged)."""
        forms: dict[str, str] = {}
        for raw in raw_labels:
            try:
                forms[raw] = canonical_form(raw, kind)
            except ValueError:
                log.warning("label.unusable", kind=kind, raw=raw)
        mapping = await self.knowledge.canonical_labels(
            kind, set(forms.values()), embed=self.deps.embedder.embed, lemmatize=label_lemmas
        )
        return {raw: mapping[form] for raw, form in forms.items()}


def _duration(seconds: float) -> str:
    return f"{round(seconds)} s" if seconds < 90 else f"{round(seconds / 60)} min"


def _public_error(stage: str, exc: BaseException) -> str:
    """What a job's errorMessage shows: our own errors' safe message, else only the type.

    Raw exception text can hold hosts, ports or query text; it stays in the worker's log.
    """
    if isinstance(exc, LibrarianError):
        return f"{stage}: {exc.message}"
    return f"{stage}: {type(exc).__name__} (details in the worker log)"
