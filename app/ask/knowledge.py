"""What the offline answerer reads from the graph: entities, and statements about them.

:class:`Knowledge` is the seam: :class:`GraphKnowledge` reads Neo4j (``app.graph.answer_facts``)
for one question, :class:`MemoryKnowledge` holds statements in memory for tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from app.domain.normalize import normalize_name
from app.graph import answer_facts
from app.graph.browse import Reader
from app.graph.search import Filters

__all__ = [
    "EntityRef",
    "Evidence",
    "GraphKnowledge",
    "Knowledge",
    "MemoryKnowledge",
    "Statement",
]


@dataclass(frozen=True)
class EntityRef:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EntityRef:
        return cls(
            id=str(row["id"]),
            name=str(row["name"]),
            type=str(row.get("type") or ""),
            aliases=tuple(str(a) for a in row.get("aliases") or ()),
        )

    @property
    def keys(self) -> set[str]:
        """Its name and aliases as :func:`normalize_name` spells them."""
        return {k for k in (normalize_name(n) for n in (self.name, *self.aliases)) if k}


@dataclass(frozen=True)
class Evidence:
    """A message a statement comes from, with what a citation shows of it."""

    message: dict[str, Any]  # app.graph.browse.MESSAGE's shape
    conversation: dict[str, Any] | None  # app.graph.browse.CONVERSATION's shape

    @property
    def id(self) -> str:
        return str(self.message["id"])

    @property
    def text(self) -> str:
        return str(self.message.get("text") or "")

    @property
    def speaker(self) -> str:
        return str(self.message.get("speaker") or "")

    @property
    def timestamp(self) -> datetime | None:
        ms = self.message.get("timestamp")
        return datetime.fromtimestamp(ms / 1000, tz=UTC) if ms is not None else None


@dataclass(frozen=True)
class Statement:
    """A fact of ``subject``, or a relation between ``subject`` and ``other``, as the subject
    sees it: ``value`` is the fact's value or the other entity's name, and ``direction`` says
    whether the relation points from the subject (``out``) or to it (``in``)."""

    id: str
    kind: Literal["fact", "relation"]
    subject: EntityRef
    predicate: str  # snake_case field or relation label
    value: str
    direction: Literal["out", "in"] = "out"
    other: EntityRef | None = None
    value_type: str | None = None  # the type of the entity the value names, when known
    confidence: float = 0.8
    valid_from: str | None = None  # partial ISO dates
    valid_to: str | None = None
    event_date: str | None = None
    first_said: datetime | None = None
    superseded: bool = False
    evidence: tuple[Evidence, ...] = ()

    @property
    def said(self) -> datetime | None:
        """When it was first said: ``first_said``, else its earliest message's time."""
        if self.first_said is not None:
            return self.first_said
        times = [t for t in (e.timestamp for e in self.evidence) if t is not None]
        return min(times) if times else None


class Knowledge(Protocol):
    async def entities_named(self, names: Sequence[str], words: Sequence[str]) -> list[EntityRef]:
        """Entities whose name or alias may be among ``names`` (normalised word runs of the
        question) or contain one of ``words``: candidates, for the caller to check."""
        ...

    async def statements_about(self, entities: Sequence[EntityRef]) -> list[Statement]:
        """Every fact and relation of each entity, each with the messages it comes from."""
        ...

    async def sources_of(self, entities: Sequence[EntityRef]) -> set[str]:
        """The conversations that mention any of the entities (ids)."""
        ...


class GraphKnowledge:
    """The graph, read through ``reader`` under ``filters`` (those of the message kind)."""

    def __init__(self, reader: Reader, filters: Filters | None = None) -> None:
        self._reader = reader
        params = (filters or Filters()).params()
        self._filters = {k: params[k] for k in ("conversation", "speaker", "since", "until")}

    async def entities_named(self, names: Sequence[str], words: Sequence[str]) -> list[EntityRef]:
        lucene = " OR ".join(words)  # words are runs of letters and digits: never syntax
        rows = await answer_facts.entities_named(self._reader, list(names), lucene)
        return [EntityRef.from_row(r) for r in rows]

    async def statements_about(self, entities: Sequence[EntityRef]) -> list[Statement]:
        by_id = {e.id: e for e in entities}
        rows = await answer_facts.statements_about(self._reader, list(by_id), self._filters)
        return [_statement(by_id[entity_id], row) for entity_id, row in rows]

    async def sources_of(self, entities: Sequence[EntityRef]) -> set[str]:
        return await answer_facts.sources_of(self._reader, [e.id for e in entities])


def _statement(subject: EntityRef, row: Mapping[str, Any]) -> Statement:
    first_said = row.get("first_said")
    other = row.get("other")
    return Statement(
        id=str(row["id"]),
        kind="relation" if row["kind"] == "relation" else "fact",
        subject=subject,
        predicate=str(row.get("predicate") or ""),
        value=str(row.get("value") or ""),
        direction="in" if row.get("direction") == "in" else "out",
        other=EntityRef.from_row(other) if other else None,
        value_type=row.get("value_type"),
        confidence=float(row.get("confidence") or 0.0),
        valid_from=row.get("valid_from"),
        valid_to=row.get("valid_to"),
        event_date=row.get("event_date"),
        first_said=datetime.fromtimestamp(first_said / 1000, tz=UTC) if first_said else None,
        superseded=bool(row.get("superseded")),
        evidence=tuple(
            Evidence(dict(e["message"]), dict(e["conversation"]) if e["conversation"] else None)
            for e in row.get("evidence") or ()
        ),
    )


class MemoryKnowledge:
    """Entities and statements held in memory: the stub of :class:`Knowledge` for tests."""

    def __init__(self, statements: Sequence[Statement], entities: Sequence[EntityRef] = ()) -> None:
        self._statements = list(statements)
        found: dict[str, EntityRef] = {e.id: e for e in entities}
        for s in statements:
            found.setdefault(s.subject.id, s.subject)
            if s.other is not None:
                found.setdefault(s.other.id, s.other)
        self._entities = list(found.values())

    async def entities_named(self, names: Sequence[str], words: Sequence[str]) -> list[EntityRef]:
        wanted, folded = set(names), {w.casefold() for w in words}
        return [
            e
            for e in self._entities
            if e.keys & wanted or any(set(k.split()) & folded for k in e.keys)
        ]

    async def sources_of(self, entities: Sequence[EntityRef]) -> set[str]:
        """Where their statements were said (memory holds no mentions)."""
        return {
            str(e.message.get("conversation_id"))
            for s in await self.statements_about(entities)
            for e in s.evidence
            if e.message.get("conversation_id")
        }

    async def statements_about(self, entities: Sequence[EntityRef]) -> list[Statement]:
        ids = {e.id for e in entities}
        out = [s for s in self._statements if s.subject.id in ids]
        for s in self._statements:  # a relation is known from both of its ends
            if s.kind == "relation" and s.other is not None and s.other.id in ids:
                out.append(_reversed(s))
        return out


def _reversed(s: Statement) -> Statement:
    assert s.other is not None
    return Statement(
        id=s.id,
        kind=s.kind,
        subject=s.other,
        predicate=s.predicate,
        value=s.subject.name,
        direction="in" if s.direction == "out" else "out",
        other=s.subject,
        value_type=s.subject.type,
        confidence=s.confidence,
        valid_from=s.valid_from,
        valid_to=s.valid_to,
        event_date=s.event_date,
        first_said=s.first_said,
        superseded=s.superseded,
        evidence=s.evidence,
    )
