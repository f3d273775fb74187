"""Which values of an entity a read shows: current ones, all of them, or those that held at a
date (``asOf``), as one Cypher predicate per page key (ADR 0017).

A key carries ``mode`` and ``point`` (a day, ``YYYY-MM-DD``):

- ``current``: not superseded, and no stated or derived ``valid_to`` ended before ``point``
  (today);
- ``all``: everything, superseded values included;
- ``as_of``: started by ``point`` (``valid_from``, else ``event_date``, else the day it was
  first said or written), not ended before it, and not superseded by a value that also holds
  then (at the boundary period both would, and the newer wins);
- ``until``: ``asOf`` with ``includeHistory``: everything that had started by ``point``.

Partial dates are compared as strings (``app.domain.dates``): ``start <= point`` is "its period
starts by that day", ``valid_to >= left(point, size(valid_to))`` "its period ends on or after".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.domain.dates import as_of_point, ended_before

__all__ = ["TimeView", "held", "is_current"]


@dataclass(frozen=True)
class TimeView:
    mode: str
    point: str

    @classmethod
    def of(cls, as_of: str | None, include_history: bool, today: date | None = None) -> TimeView:
        """The view an ``asOf`` / ``includeHistory`` pair asks for; ValueError for a malformed
        ``asOf`` (the API reports it as BAD_INPUT)."""
        if as_of is not None:
            return cls("until" if include_history else "as_of", as_of_point(as_of.strip()))
        day = (today or datetime.now(UTC).date()).isoformat()
        return cls("all" if include_history else "current", day)


def is_current(superseded_by: str | None, valid_to: str | None, today: date | None = None) -> bool:
    """The ``current`` flag of a value: what the ``current`` view shows."""
    day = (today or datetime.now(UTC).date()).isoformat()
    return superseded_by is None and not ended_before(valid_to, day)


def _start(v: str, created: str) -> str:
    return (
        f"coalesce({v}.valid_from, {v}.event_date, toString(date({v}.first_said)), "
        f"toString(date({v}.{created})))"
    )


def _spans(v: str, key: str, created: str) -> str:
    point = f"{key}.point"
    return (
        f"{_start(v, created)} <= {point} AND "
        f"({v}.valid_to IS NULL OR {v}.valid_to >= left({point}, size({v}.valid_to)))"
    )


def held(v: str, kind: str, key: str = "k", start_node: str = "") -> str:
    """The predicate on ``v`` (a Fact node, or a relationship whose start node is
    ``start_node``) for the view in ``{key}.mode`` / ``{key}.point``."""
    if kind == "fact":
        created = "created_at"
        superseded = f"EXISTS {{ ({v})-[:SUPERSEDED_BY]->(:Fact) }}"
        newer_holds = (
            f"EXISTS {{ MATCH ({v})-[:SUPERSEDED_BY]->(nx:Fact) "
            f"WHERE {_spans('nx', key, created)} }}"
        )
    else:
        created = "first_seen"
        superseded = f"{v}.superseded_by IS NOT NULL"
        newer_holds = (
            f"({v}.superseded_by IS NOT NULL AND EXISTS {{ MATCH ({start_node})-[nx]->(:Entity) "
            f"WHERE nx.id = {v}.superseded_by AND {_spans('nx', key, created)} }})"
        )
    point = f"{key}.point"
    return (
        f"({key}.mode = 'all'"
        f" OR ({key}.mode = 'current' AND NOT {superseded} AND ({v}.valid_to IS NULL"
        f" OR {v}.valid_to >= left({point}, size({v}.valid_to))))"
        f" OR ({key}.mode = 'as_of' AND {_spans(v, key, created)} AND NOT {newer_holds})"
        f" OR ({key}.mode = 'until' AND {_start(v, created)} <= {point}))"
    )
