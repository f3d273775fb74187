"""The schema registry: stabilising raw labels (DESIGN §5.4) and reading the registry back.

A normalised label maps to a canonical label of the same kind by, in order: **exact** (the
label is known: its deterministic id), **lemma** (a known label shares its lemma form:
``worked_at`` ~ ``works_at``), **embedding** (a known label's embedding is at least
``EMBEDDING_THRESHOLD`` cosine-similar), else it is proposed as a **new** canonical label. Each
step is an index lookup (uniqueness constraint, (kind, lemma) range index, vector index), so the
cost per label does not grow with the registry.

Label changes made by people (aliases, undo) live in ``app.graph.label_changes``.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import neo4j
import structlog

from app.domain.labels import label_text, node_label, relationship_type
from app.graph.cypher import query

log = structlog.get_logger(__name__)

KINDS: Final = ("field", "relation", "entity_type")

#: Labels that hold one value at a time: a newer value supersedes the older one and history is
#: kept (``app.graph.history``). A label the registry maps onto one of these (an alias) is
#: single-valued through its canonical label. Migration 011 marks those already in a graph.
SINGLE_VALUED: Final[dict[str, frozenset[str]]] = {
    "field": frozenset(
        {
            "lives_in",
            "works_at",
            "occupation",
            "employer_role",
            "job_title",
            "relationship_status",
            "status",
        }
    ),
    "relation": frozenset(
        {"lives_in", "works_at", "married_to", "dating", "engaged_to", "employed_by"}
    ),
}


def is_single_valued(kind: str, label: str) -> bool:
    """Whether ``label`` is single-valued by name (the registry node says it for aliases)."""
    return label in SINGLE_VALUED.get(kind, frozenset())


#: Cosine similarity at or above which a new label becomes an alias of a known one. Measured with
#: all-MiniLM-L6-v2 on label text ("works at") over the golden vocabulary
#: (tests/golden/VOCABULARY.md): the closest pair of distinct field labels scores 0.606
#: (birthday/date), of relation labels 0.790 (parent_of/child_of, inverses). At 0.85
#: email/email_address (0.865) and pet/pets merge; phone/telephone (0.807), spouse_of/married_to
#: (0.762), workplace/place_of_work (0.676) and employer/works_at (0.476) stay apart.
EMBEDDING_THRESHOLD: Final = 0.85
#: Neighbours asked of the vector index, which holds every kind: the nearest of the right kind
#: must be among them. Same-text labels of other kinds are at most two (field, entity_type).
VECTOR_CANDIDATES: Final = 10

EmbedFn = Callable[[Sequence[str]], list[list[float]]]
#: Labels to their lemmas, word by word (``worked_at`` → ``work_at``): ``app.nlp.label_lemmas``.
LemmaFn = Callable[[Sequence[str]], list[str]]


def label_id(kind: str, label: str) -> str:
    return "lbl_" + hashlib.sha256(f"{kind}:{label}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class LabelMapping:
    """How one normalised label was mapped: ``matched_by`` is exact, lemma, embedding or new;
    ``score`` is the cosine similarity for an embedding match."""

    label: str
    canonical: str
    matched_by: str
    score: float | None = None


@dataclass(frozen=True)
class AliasEntry:
    label: str
    usage: int
    matched_by: str | None
    score: float | None
    created_at: datetime | None


@dataclass(frozen=True)
class RegistryEntry:
    """A canonical label with its aliases; ``usage`` counts the data stored under each label."""

    kind: str
    label: str
    usage: int
    matched_by: str | None
    score: float | None
    created_at: datetime | None
    aliases: list[AliasEntry]


# Usage is derived from the data, so a retried write can never count twice. Facts are counted
# through the Fact.field index. Relationships and active entities (only they carry the type
# label, ADR 0008) come from Neo4j's count store, all at once: a count with a dynamic type or
# label (``$(t)``) is planned as a scan of the whole graph, so that is not used.
_FIELD_USAGE: Final = (
    "UNWIND $labels AS label RETURN label, COUNT { MATCH (f:Fact {field: label}) } AS usage"
)
_STORE_COUNTS: Final = "CALL db.stats.retrieve('GRAPH COUNTS') YIELD data RETURN data"


def storage_token(kind: str, label: str) -> str:
    """The relationship type or node label a relation or entity type label is stored as."""
    if kind == "relation":
        return relationship_type(label)
    if kind == "entity_type":
        return node_label(label)
    return label


class LabelRegistry:
    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._db = database

    async def stabilize(
        self,
        kind: str,
        labels: set[str],
        embed: EmbedFn | None = None,
        *,
        lemmatize: LemmaFn,
    ) -> dict[str, LabelMapping]:
        """Map each normalised label (``canonical_form``) to its canonical label.

        Known labels cost one batched lookup. Each new label is mapped in its own write
        transaction, one after another, so two new labels of one batch that match each other
        (``likes`` and ``liked``) end as one canonical label and an alias. Without ``embed``
        the embedding step is skipped.

        Concurrent jobs proposing the *same* label end with one node (MERGE on its id). Two
        jobs proposing two *different* labels that would match each other at the same moment
        may both make them canonical (neither sees the other's uncommitted label); a person
        can then alias one to the other (``makeLabelAlias``).
        """
        if kind not in KINDS:
            raise ValueError(f"unknown label kind {kind!r}")
        if not labels:
            return {}
        records, _, _ = await self._driver.execute_query(
            query("resolve_labels"),
            ids=[label_id(kind, label) for label in sorted(labels)],
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        mapped = {
            r["label"]: LabelMapping(r["label"], r["canonical"], "exact", 1.0) for r in records
        }
        new = sorted(labels - mapped.keys())
        if not new:
            return mapped
        lemmas = await asyncio.to_thread(lemmatize, new)
        vectors: list[list[float] | None] = [None] * len(new)
        if embed is not None:
            vectors = list(await asyncio.to_thread(embed, [label_text(x) for x in new]))
        async with self._driver.session(database=self._db) as session:
            for label, lemma, vector in zip(new, lemmas, vectors, strict=True):
                mapping = await session.execute_write(_propose, kind, label, lemma, vector)
                log.info(
                    "label.stabilized",
                    kind=kind,
                    label=label,
                    canonical=mapping.canonical,
                    matched_by=mapping.matched_by,
                    score=mapping.score,
                )
                mapped[label] = mapping
        return mapped

    async def overview(self, kind: str | None = None) -> list[RegistryEntry]:
        """Every canonical label (of ``kind``, or all) with its aliases and derived usage."""
        records, _, _ = await self._driver.execute_query(
            query("label_overview"),
            kind=kind,
            database_=self._db,
            routing_=neo4j.RoutingControl.READ,
        )
        per_kind: dict[str, set[str]] = {}
        for r in records:
            labels = per_kind.setdefault(r["label"]["kind"], set())
            labels.add(r["label"]["label"])
            labels.update(a["label"] for a in r["aliases"])
        usage = {k: await self.usage(k, sorted(v)) for k, v in per_kind.items()}
        entries = []
        for r in records:
            s, k = r["label"], r["label"]["kind"]
            entries.append(
                RegistryEntry(
                    kind=k,
                    label=s["label"],
                    usage=usage[k].get(s["label"], 0),
                    matched_by=s["matched_by"],
                    score=s["score"],
                    created_at=_native(s["created_at"]),
                    aliases=[
                        AliasEntry(
                            label=a["label"],
                            usage=usage[k].get(a["label"], 0),
                            matched_by=a["matched_by"],
                            score=a["score"],
                            created_at=_native(a["created_at"]),
                        )
                        for a in r["aliases"]
                    ],
                )
            )
        return entries

    async def usage(self, kind: str, labels: Sequence[str]) -> dict[str, int]:
        """How many facts, relationships or active entities are stored under each label."""
        if kind == "field":
            records, _, _ = await self._driver.execute_query(
                _FIELD_USAGE,
                labels=list(labels),
                database_=self._db,
                routing_=neo4j.RoutingControl.READ,
            )
            return {r["label"]: r["usage"] for r in records}
        records, _, _ = await self._driver.execute_query(
            _STORE_COUNTS, database_=self._db, routing_=neo4j.RoutingControl.READ
        )
        data = records[0]["data"]
        if kind == "relation":
            counts = {
                c["relationshipType"]: c["count"]
                for c in data["relationships"]
                if "relationshipType" in c and "startLabel" not in c and "endLabel" not in c
            }
        else:
            counts = {c["label"]: c["count"] for c in data["nodes"] if "label" in c}
        usage = {}
        for label in labels:
            try:
                usage[label] = counts.get(storage_token(kind, label), 0)
            except ValueError:  # not a storable label: nothing can be stored under it
                usage[label] = 0
        return usage


async def _propose(
    tx: neo4j.AsyncManagedTransaction,
    kind: str,
    label: str,
    lemma: str,
    embedding: list[float] | None,
) -> LabelMapping:
    """Lemma, then embedding lookup, then MERGE the label (an alias of the match, if any)."""
    target: str | None = None
    matched_by, score = "new", None
    found = await (await tx.run(query("label_by_lemma"), kind=kind, lemma=lemma)).single()
    if found is not None:
        target, matched_by, score = found["id"], "lemma", 1.0
    elif embedding is not None:
        found = await (
            await tx.run(
                query("label_by_embedding"),
                kind=kind,
                embedding=embedding,
                candidates=VECTOR_CANDIDATES,
                # Neo4j's cosine index scores (1 + cosine) / 2, in [0, 1].
                threshold=(1 + EMBEDDING_THRESHOLD) / 2,
            )
        ).single()
        if found is not None:
            cosine = 2 * found["score"] - 1
            target, matched_by, score = found["id"], "embedding", round(cosine, 4)
    record = await (
        await tx.run(
            query("label_create"),
            id=label_id(kind, label),
            kind=kind,
            label=label,
            lemma=lemma,
            embedding=embedding,
            target=target,
            matched_by=matched_by,
            score=score,
            single_valued=is_single_valued(kind, label),
        )
    ).single(strict=True)
    if record["matched_by"] != matched_by:  # another job proposed it first: its mapping stands
        return LabelMapping(label, record["canonical"], "exact", 1.0)
    return LabelMapping(label, record["canonical"], matched_by, score)


def _native(value: Any) -> datetime | None:
    return value.to_native() if value is not None else None
