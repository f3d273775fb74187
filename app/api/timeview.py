"""Time on Fact and Relation: the fields every value carries and the view a read asks for
(``asOf``, ``includeHistory``; ``app.graph.timeview``, ADR 0017)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from app.api.scalars import native
from app.errors import BadInput
from app.graph.timeview import TimeView, is_current

VALID_FROM = "When it starts to hold, as the text says: a partial ISO date (2024, 2024-03)."
VALID_TO = (
    "When it stopped holding: as the text says, or the start of the value that superseded it."
)
EVENT_DATE = "When it happened, for an event: a partial ISO date."
SAID_FIRST = "When the first message that says it was sent."
SAID_LAST = "When the last message that says it was sent."
CURRENT = "Not superseded by a newer value, and not ended (validTo) before today."
AS_OF = (
    "A partial ISO date (2024, 2024-03, 2024-03-09): the values that held then (at the end "
    "of that period)."
)
VIEW = "Current values only, unless asOf or includeHistory says otherwise."
HISTORY = "Superseded and ended values too (with asOf: every value that had started by then)."


def time_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "valid_from": row.get("valid_from"),
        "valid_to": row.get("valid_to"),
        "event_date": row.get("event_date"),
        "said_first": native(row.get("first_said")),
        "said_last": native(row.get("last_said")),
        "current": is_current(row.get("superseded_by"), row.get("valid_to")),
        "superseded_by_id": row.get("superseded_by"),
        "supersedes_id": row.get("supersedes"),
    }


def view(as_of: str | None, include_history: bool) -> TimeView:
    try:
        return TimeView.of(as_of, include_history)
    except ValueError:
        raise BadInput(
            f"asOf {as_of!r} is not a partial ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
        ) from None


@strawberry.type
class Timed:
    """The time fields of a Fact and a Relation."""

    valid_from: str | None = strawberry.field(description=VALID_FROM)
    valid_to: str | None = strawberry.field(description=VALID_TO)
    event_date: str | None = strawberry.field(description=EVENT_DATE)
    said_first: datetime | None = strawberry.field(description=SAID_FIRST)
    said_last: datetime | None = strawberry.field(description=SAID_LAST)
    current: bool = strawberry.field(description=CURRENT)
    superseded_by_id: strawberry.Private[str | None]
    supersedes_id: strawberry.Private[str | None]
