"""The stage bodies of a job: store → embed → extract → resolve → stabilize → write.

Every stage is idempotent (deterministic ids, MERGE) and leaves a checkpoint on the Job
(``app.jobs.checkpoints``), so a retry, or another worker taking over an expired lease, resumes
instead of starting over. When each runs, and what happens when one fails, is the job's
lifecycle: ``app.jobs.runner``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import neo4j
import redis.asyncio
import structlog

from app import changes
from app.config import Settings
from app.domain.corroboration import explain_gate, gate, mention_evidence
from app.domain.labels import canonical_form, node_label
from app.domain.match import Mention, decide, score
from app.domain.models import Extraction, WindowMessage
from app.domain.resolve import entity_id, entity_text, group_mentions
from app.domain.rows import fact_rows, merge_window, relation_rows, usage_row
from app.domain.usage import Usage
from app.embed import Embedder
from app.errors import LibrarianError
from app.extract.base import Extractor, ExtractResult, windows
from app.extract.local.lexicon import ASSISTANT_SPEAKERS, USER_SPEAKERS
from app.graph.conversations import messages_of, store_staged_messages
from app.graph.jobs import Job, JobStore
from app.graph.knowledge import KnowledgeStore
from app.graph.resolution import HeldLock, ResolutionStore, decision_row
from app.jobs.checkpoints import Checkpoints
from app.jobs.progress import publish
from app.jobs.queue import JobQueue
from app.nlp import label_lemmas

__all__ = ["STAGE_START", "PipelineDeps", "Stages"]

log = structlog.get_logger(__name__)
EMBED_BATCH = 64
# Speaker labels that are roles, not people: never a shared companion.
ROLE_SPEAKERS = ASSISTANT_SPEAKERS | USER_SPEAKERS

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


class Stages:
    """The six stage bodies, over one process's clients."""

    def __init__(self, deps: PipelineDeps, jobs: JobStore, checkpoints: Checkpoints) -> None:
        self.deps = deps
        self.jobs = jobs
        self.checkpoints = checkpoints
        db = deps.settings.neo4j_database
        self.knowledge = KnowledgeStore(deps.driver, db)
        self.resolution = ResolutionStore(deps.driver, db)
        # Name embeddings computed by resolve, reused by write for new entities.
        self._vectors: dict[str, dict[str, list[float]]] = {}
        #: The resolve-and-write lock of each job between its resolve and write stages (the
        #: runner takes it before resolve and holds it until write is done).
        self.locks: dict[str, HeldLock] = {}

    def in_order(self) -> list[tuple[str, Callable[[Job], Awaitable[None]]]]:
        return [
            ("store", self.store),
            ("embed", self.embed),
            ("extract", self.extract),
            ("resolve", self.resolve),
            ("stabilize", self.stabilize),
            ("write", self.write),
        ]

    def forget(self, job_id: str) -> None:
        self._vectors.pop(job_id, None)
        self.locks.pop(job_id, None)

    async def _progress(self, job: Job, stage: str, fraction: float) -> None:
        job = await self.jobs.set_stage(job, stage, round(fraction, 4))
        await publish(self.deps.redis, job)

    # -- stages ---------------------------------------------------------------------------

    async def store(self, job: Job) -> None:
        """Turn the staged document into Message nodes (a no-op once done)."""
        stored = await store_staged_messages(
            self.deps.driver, self.deps.settings.neo4j_database, job.source_id
        )
        if stored:
            log.info("job.messages_stored", count=stored)

    async def embed(self, job: Job) -> None:
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

    async def extract(self, job: Job) -> None:
        if await self.checkpoints.load(job.id, "extract") is not None:
            return
        if job.extractor != self.deps.extractor.name:
            # The Job (and the facts and decisions written from it) names the extractor that
            # runs here, not the one the ingesting process had configured.
            job = await self.jobs.set_extractor(job, self.deps.extractor.name)
        settings = self.deps.settings
        messages = await messages_of(self.deps.driver, settings.neo4j_database, job.source_id)
        combined = Extraction()
        total = max(1, -(-len(messages) // settings.extract_window))
        span = STAGE_START["resolve"] - STAGE_START["extract"]
        # An LLM's windows are paid for: keep each as it is done, so an outage (or a crash)
        # halfway resumes at the next window instead of paying for the first ones again.
        keep_each = self.deps.extractor.name != "local"
        # What the windows were cut with and by whom: a checkpoint made otherwise is not resumed.
        shape = {
            "window": settings.extract_window,
            "context": settings.extract_context,
            "messages": len(messages),
            "extractor": self.deps.extractor.name,
            "model": getattr(self.deps.extractor, "model", None),
        }
        done = 0
        partial = await self.checkpoints.load(job.id, "extract_partial") if keep_each else None
        if partial is not None and partial.get("shape") == shape:
            done = int(partial["done"])
            combined = Extraction.model_validate(partial["extraction"])
            log.info("job.extract_resumed", windows_done=done, windows=total)
        elif partial is not None:
            log.info("job.extract_restarted", reason="windows or extractor changed")
        for i, (window, context) in enumerate(
            windows(messages, settings.extract_window, settings.extract_context)
        ):
            if i < done:
                continue
            result = await self._extract_window(job, window, context)
            merge_window(combined, result.extraction, f"w{i}", {m.id for m in window})
            if keep_each:
                partial = {"shape": shape, "done": i + 1, "extraction": combined.model_dump()}
                await self.checkpoints.save(job, "extract_partial", partial)
            await self._progress(job, "extract", STAGE_START["extract"] + span * (i + 1) / total)
        await self.checkpoints.save(job, "extract", combined.model_dump())

    async def _extract_window(
        self, job: Job, window: list[WindowMessage], context: list[WindowMessage]
    ) -> ExtractResult:
        """One window through the extractor; what an LLM charged is on the Job even when the
        call failed in the end (re-asks of an answer that stayed invalid are paid for too)."""
        try:
            result = await asyncio.to_thread(self.deps.extractor.extract, window, context=context)
        except LibrarianError as exc:
            spent = exc.details.get("usage")
            if isinstance(spent, Usage) and spent.llm_calls:
                await self.jobs.add_usage(job, usage_row(spent))
            raise
        if result.usage.llm_calls:
            await self.jobs.add_usage(job, usage_row(result.usage))
        return result

    async def resolve(self, job: Job) -> None:
        """Group this source's mentions, then match each group against the whole graph.

        Always recomputed, never resumed from a checkpoint: it runs under the write lock, and
        what it decided before a crash may be stale now that other jobs have written.
        """
        settings = self.deps.settings
        extraction = Extraction.model_validate(await self.checkpoints.load(job.id, "extract"))
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
        mentions = [
            Mention(g.name, g.type, g.names(), vec) for g, vec in zip(groups, vectors, strict=True)
        ]
        # People are scoped to their source: what each close candidate is known by elsewhere.
        close = {
            c.id
            for i, m in enumerate(mentions)
            if m.type == "person"
            for c in candidates.get(i, [])
            if score(m, c).score >= settings.resolve_threshold
        }
        known = await self.resolution.person_evidence(sorted(close), ROLE_SPEAKERS)
        speakers = await self.resolution.source_speakers(job.source_id) if close else set()
        decisions: list[dict[str, Any]] = []
        possible: list[dict[str, Any]] = []
        for i, (group, query) in enumerate(zip(groups, mentions, strict=True)):
            pool = candidates.get(i, [])
            checked = None
            if group.type == "person" and any(c.id in close for c in pool):
                evidence = mention_evidence(group, extraction, key_map, speakers, ROLE_SPEAKERS)
                checked = gate(
                    query, evidence, pool, known, job.source_id, settings.resolve_threshold
                )
                pool = checked.allowed
            decision = decide(query, pool, settings.resolve_threshold)
            group.id = decision.entity_id or entity_id(
                group.type,
                group.normalized_name,
                job.source_id if group.type == "person" else None,
            )
            reason, pairs = explain_gate(query, pool, decision, checked, settings.resolve_threshold)
            possible += [{**p, "a": group.id} for p in pairs if p["b"] != group.id]
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
                    reason=reason,
                )
            )
        self._vectors[job.id] = {g.id: v for g, v in zip(groups, vectors, strict=True) if g.id}
        await self.checkpoints.save(
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
                "possible": possible,
            },
        )

    async def stabilize(self, job: Job) -> None:
        """Map raw field and relation labels to canonical ones (kept in the write checkpoint)."""
        extraction = Extraction.model_validate(await self.checkpoints.load(job.id, "extract"))
        fields = await self._canonical("field", {f.field for f in extraction.facts})
        relations = await self._canonical("relation", {r.label for r in extraction.relations})
        await self.checkpoints.save(job, "labels", {"field": fields, "relation": relations})

    async def write(self, job: Job) -> None:
        extraction = Extraction.model_validate(await self.checkpoints.load(job.id, "extract"))
        resolved: dict[str, Any] = await self.checkpoints.load(job.id, "resolve") or {}
        labels: dict[str, dict[str, str]] = await self.checkpoints.load(job.id, "labels") or {}
        keys: dict[str, str] = resolved.get("keys", {})
        entities = [{**e, "label": node_label(e["type"])} for e in resolved.get("entities", [])]
        facts, _ = fact_rows(extraction, keys, labels.get("field", {}))
        relations, _ = relation_rows(extraction, keys, labels.get("relation", {}))
        if (lock := self.locks.get(job.id)) is not None:
            await lock.ensure()  # resolve's decisions are only sound while we hold it
        await self.knowledge.write(
            source_id=job.source_id,
            job_id=job.id,
            extractor=job.extractor,
            entities=entities,
            facts=facts,
            relations=relations,
        )
        if lock is not None:
            await lock.ensure()  # history is recomputed under the same lock (ADR 0017)
        await self.knowledge.update_history(facts, relations)
        await self.resolution.record(resolved.get("decisions", []))
        await self.resolution.record_possible(
            resolved.get("possible", []), job_id=job.id, source_id=job.source_id
        )
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
