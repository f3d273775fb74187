"""Partial ISO dates: ``2024`` (a year), ``2024-03`` (a month) or ``2024-03-09`` (a day).

A partial date names a *period*; its length is its precision. Facts and relations carry them as
``valid_from`` / ``valid_to`` / ``event_date`` (``app.domain.models``). The rules here are the
only ones: the write side keeps the earliest start and the latest end with them, history orders
values with them, and reads ask ``holds_at`` (in Python) or its Cypher twin
(``app.graph.browse``), which compares the strings themselves: for two well-formed partial
dates, string order is the order of their period starts, and ``end_key`` orders period ends.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Final

__all__ = [
    "Precision",
    "as_of_point",
    "clean",
    "earliest",
    "end_key",
    "ended_before",
    "holds_at",
    "is_partial_date",
    "latest",
    "parse",
    "period_end",
    "period_start",
    "precision",
    "said_date",
    "starts_after",
]

_SHAPE: Final = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
#: Years a stated date may name: anything else is an extractor's slip, not history.
MIN_YEAR: Final = 1000
MAX_YEAR: Final = 2999


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


def parse(value: str) -> tuple[int, int | None, int | None]:
    """(year, month, day) of a partial ISO date, month and day None when absent.

    ValueError names what is wrong: the shape, a month outside 1-12, a day the month does not
    have, a year outside ``MIN_YEAR``-``MAX_YEAR``.
    """
    found = _SHAPE.match(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError(f"{value!r} is not a partial ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year = int(found.group(1))
    month = int(found.group(2)) if found.group(2) else None
    day = int(found.group(3)) if found.group(3) else None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{value!r}: year outside {MIN_YEAR}-{MAX_YEAR}")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{value!r}: month must be 01-12")
    if month is not None and day is not None and day > calendar.monthrange(year, month)[1]:
        raise ValueError(f"{value!r}: that month has no day {day}")
    return year, month, day


def is_partial_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse(value)
    except ValueError:
        return False
    return True


def clean(value: str | None) -> str | None:
    """``value`` stripped when it is a well-formed partial date, None when absent or empty;
    ValueError when it is malformed (the caller decides whether to drop or refuse it)."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    parse(text)
    return text


def precision(value: str) -> Precision:
    _, month, day = parse(value)
    if day is not None:
        return Precision.DAY
    return Precision.MONTH if month is not None else Precision.YEAR


def period_start(value: str) -> date:
    """The first day of the period: ``2024-03`` → 2024-03-01."""
    year, month, day = parse(value)
    return date(year, month or 1, day or 1)


def period_end(value: str) -> date:
    """The last day of the period: ``2024`` → 2024-12-31, ``2024-02`` → 2024-02-29."""
    year, month, day = parse(value)
    if month is None:
        return date(year, 12, 31)
    return date(year, month, day or calendar.monthrange(year, month)[1])


def end_key(value: str) -> str:
    """A string whose order is the order of period ends (``2024`` ends after ``2024-03``).

    Cypher computes the same key as ``left(value + '-99-99', 10)``.
    """
    return (value + "-99-99")[:10]


def earliest(a: str | None, b: str | None) -> str | None:
    """The date whose period starts first; a date beats None. On a tie, the first given."""
    if a is None or b is None:
        return a if b is None else b
    return b if b < a else a


def latest(a: str | None, b: str | None) -> str | None:
    """The date whose period ends last; a date beats None. On a tie, the first given."""
    if a is None or b is None:
        return a if b is None else b
    return b if end_key(b) > end_key(a) else a


def said_date(moment: datetime | None) -> str | None:
    """The day a message was sent, as a partial date (its UTC date when it has a zone)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date().isoformat()


def as_of_point(value: str) -> str:
    """The day ``asOf`` stands for: the last day of its period (``2024-03`` → ``2024-03-31``),
    so "as of March" is the state at the end of March. ValueError when malformed."""
    return period_end(value).isoformat()


def starts_after(start: str | None, point: str) -> bool:
    """Whether a period starting at ``start`` begins after the day ``point`` (None: never)."""
    return start is not None and period_start(start).isoformat() > point


def ended_before(end: str | None, point: str) -> bool:
    """Whether a period ending at ``end`` was over before the day ``point`` (None: never)."""
    return end is not None and period_end(end).isoformat() < point


def holds_at(valid_from: str | None, valid_to: str | None, as_of: str) -> bool:
    """Whether something valid from ``valid_from`` to ``valid_to`` holds at ``as_of``.

    ``valid_from`` counts from the start of its period and ``valid_to`` to the end of its own
    ("until May" holds through 31 May); ``as_of`` is a partial date standing for the last day
    of its period (``as_of_point``). A missing bound is open.
    """
    point = as_of_point(as_of)
    return not starts_after(valid_from, point) and not ended_before(valid_to, point)


MONTH_NAMES: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_LEADING_DATE: Final = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def spoken(value: str | None) -> str | None:
    """A partial ISO date as people write it, to its precision: ``2024-03-09`` → ``9 March
    2024``, ``2024-03`` → ``March 2024``, ``2024`` → ``2024``; None for anything else."""
    found = _LEADING_DATE.match(value or "")
    if found is None:
        return None
    year, month, day = found.groups()
    if month is None or not 1 <= int(month) <= 12:
        return year
    if day is None:
        return f"{MONTH_NAMES[int(month) - 1]} {year}"
    return f"{int(day)} {MONTH_NAMES[int(month) - 1]} {year}"
