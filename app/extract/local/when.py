"""When a statement holds: date phrases resolved against the timestamp of the message saying them.

``resolve("yesterday", said, tense="past")`` in a message of 10 March 2024 is ``"2024-03-09"``.
The result is a partial ISO date whose length is its precision: ``2024`` (year), ``2024-03``
(month) or ``2024-03-09`` (day). A phrase that names a vague span ("last week", "a few days ago",
"last summer") gets the precision it can honestly carry (the month, or the year), never a day
it does not name. A phrase with no calendar meaning ("recently", "for ages") gives None.

The tense of the clause chooses the direction of a bare name: "on Friday" in a past-tense clause
is the Friday before the message, in a future one the Friday after; "in March" likewise. Without
a tense, a bare month or day is taken in the message's own year.

No library here: the phrases conversations use are few and their meaning relative to the message
is what matters (``dateparser`` resolves relative to *now*, and its ambiguity rules are made for
other text); ADR 0018 records the choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

from app.domain.dates import earliest, latest

__all__ = ["Tense", "Validity", "resolve"]

Tense = Literal["past", "future", "present"]

MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAYS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}  # fmt: skip
SEASONS: Final = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}
_NUMBERS: Final = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2, "a few": 3, "few": 3,
    "several": 3,
}  # fmt: skip
_VAGUE_COUNTS: Final = frozenset(
    {"a couple of", "a couple", "couple of", "couple", "a few", "few", "several"}
)
_MONTH_RE: Final = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_RE: Final = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR_RE: Final = r"(?P<year>(?:19|20)\d\d)"
_DATE_FORMS: Final = (
    re.compile(rf"\b{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+{_YEAR_RE})?\b"),
    re.compile(
        rf"\b{_MONTH_RE}\s+(?:the\s+)?{_DAY_RE}\b(?!\s*(?:am|pm|h|hrs?|:))(?:,?\s+{_YEAR_RE})?"
    ),
    re.compile(rf"\b{_MONTH_RE}(?:\s+(?:of\s+)?{_YEAR_RE})?\b"),
)
_ISO_RE: Final = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)(?:-(?P<day>[0-3]\d))?\b")
_COUNT_WORDS: Final = "|".join(sorted((re.escape(k) for k in _NUMBERS), key=len, reverse=True))
_AGO_RE: Final = re.compile(
    rf"\b(?P<n>\d+|{_COUNT_WORDS})\s+(?P<unit>day|week|month|year)s?\s+(?:ago|back|before)\b"
)
_IN_RE: Final = re.compile(
    rf"\b(?:in|within)\s+(?P<n>\d+|{_COUNT_WORDS})\s+(?P<unit>day|week|month|year)s?\b"
)
_RELATIVE_RE: Final = re.compile(
    r"\b(?P<which>last|past|this|next|coming)\s+(?P<unit>week|weekend|month|year|"
    r"spring|summer|autumn|fall|winter|"
    + "|".join(sorted(WEEKDAYS, key=len, reverse=True))
    + ")\\b"
)
_WEEKDAY_RE: Final = re.compile(
    r"\b(?:on\s+)?(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\b"
)
_ORDINAL_DAY_RE: Final = re.compile(r"\b(?:on\s+)?the\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b")
_SEASON_RE: Final = re.compile(
    r"\b(?:in\s+)?(?:the\s+)?(?P<season>spring|summer|autumn|fall|winter)\b"
)
_FIXED: Final = {
    "day before yesterday": -2,
    "yesterday": -1,
    "last night": -1,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "earlier today": 0,
    "tomorrow": 1,
    "tmrw": 1,
    "tmr": 1,
    "tomorow": 1,
    "yday": -1,
    "day after tomorrow": 2,
}
_FIXED_RE: Final = re.compile(r"\b(?:" + "|".join(sorted(_FIXED, key=len, reverse=True)) + r")\b")


def _day(d: date) -> str:
    return d.isoformat()


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


PRESENT_BACK: Final = 180  # days
PRESENT_AHEAD: Final = 335


_LAST_NEXT_MONTH_RE: Final = re.compile(
    r"\b(?P<which>last|next)\s+(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b"
)


def _other_year(partial: str, years: int) -> str | None:
    moved = f"{int(partial[:4]) + years:04d}{partial[4:]}"
    if len(moved) == 10:
        try:
            date.fromisoformat(moved)
        except ValueError:
            return None  # 29 February
    return moved


def _year_for(month: int, said: date, tense: Tense, day: int | None) -> int:
    """The year of a bare month (and day): the last one before the message in a past clause,
    the next one in a future clause; otherwise, as the present speaks of what is scheduled more
    than of what is past, the next one unless it is more than ``PRESENT_BACK`` days gone ("I start
    January 8" said in November is next January; "the wedding is in October" said in March this
    October) or more than ``PRESENT_AHEAD`` away ("December 20" said on 10 January is last
    one; "I start December 2" said on 20 February is this one)."""
    when, now = (month, day or 0), (said.month, said.day if day else 0)
    if tense == "past" and when > now:
        return said.year - 1
    if tense == "future" and when < now:
        return said.year + 1
    if tense == "present":
        days = (month - said.month) * 30.5 + ((day or said.day) - said.day)
        if days > PRESENT_AHEAD:
            return said.year - 1
        if days < -PRESENT_BACK:
            return said.year + 1
    return said.year


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def resolve(phrase: str, said: date, tense: Tense = "present") -> str | None:
    """The partial ISO date ``phrase`` names, read in a message sent on ``said``; None if it
    names no date."""
    text = " ".join(phrase.casefold().replace("\u2019", "'").split())
    if not text:
        return None
    if m := _ISO_RE.search(text):
        return m.group()
    if last_next := _LAST_NEXT_MONTH_RE.search(text):  # "last October", whatever the tense
        tense = "past" if last_next["which"] == "last" else "future"
    if m := _FIXED_RE.search(text):
        return _day(said + timedelta(days=_FIXED[m.group()]))
    if m := _AGO_RE.search(text):
        return _shifted(said, -_count(m["n"]), m["unit"], vague=m["n"] in _VAGUE_COUNTS)
    if m := _IN_RE.search(text):
        return _shifted(said, _count(m["n"]), m["unit"], vague=m["n"] in _VAGUE_COUNTS)
    if m := _RELATIVE_RE.search(text):
        return _relative(m["which"], m["unit"], said)
    for form in _DATE_FORMS:
        if m := form.search(text):
            found = _named(m, said, tense)
            if last_next and found and found[:7] == f"{said.year:04d}-{said.month:02d}":
                found = _other_year(found, -1 if last_next["which"] == "last" else 1)
            return found  # "last March" said in March is a year ago
    if m := _ORDINAL_DAY_RE.search(text):
        return _day_of_month(int(m["day"]), said, tense)
    if m := _WEEKDAY_RE.search(text):
        return _weekday(WEEKDAYS[m["weekday"]], said, tense)
    if m := _SEASON_RE.search(text):
        return str(_season_year(SEASONS[m["season"]], said, tense))
    if m := re.search(r"\b(?:in\s+|since\s+|of\s+)?(?P<year>(?:19|20)\d\d)\b", text):
        return m["year"]
    return None


def _shifted(said: date, n: int, unit: str, *, vague: bool) -> str:
    if unit == "day":
        moved = said + timedelta(days=n)
        return _month(moved.year, moved.month) if vague else _day(moved)
    if unit == "week":
        moved = said + timedelta(weeks=n)
        return _month(moved.year, moved.month)
    if unit == "month":
        return _month(*_add_months(said.year, said.month, n))
    return str(said.year + n)


def _relative(which: str, unit: str, said: date) -> str:
    step = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[which]
    if unit == "week":
        moved = said + timedelta(weeks=step)
        return _month(moved.year, moved.month)
    if unit == "weekend":
        saturday = said + timedelta(days=(5 - said.weekday()) % 7)  # this coming Saturday
        if step < 0 or (step == 0 and said.weekday() == 6):
            saturday -= timedelta(days=7)
        elif step > 0 and said.weekday() >= 5:
            saturday += timedelta(days=7)
        return _day(saturday)
    if unit == "month":
        return _month(*_add_months(said.year, said.month, step))
    if unit == "year":
        return str(said.year + step)
    if unit in SEASONS:
        start = SEASONS[unit]
        if step == 0:
            return str(said.year)
        tense: Tense = "past" if step < 0 else "future"
        year = _season_year(start, said, tense)
        if step < 0 and year == said.year and said.month < start + 3:
            year -= 1  # "last summer" in August is the summer before
        return str(year)
    return _weekday(WEEKDAYS[unit], said, "past" if step < 0 else "future")


def _named(m: re.Match[str], said: date, tense: Tense) -> str | None:
    month = MONTHS[m["month"]]
    groups = m.groupdict()
    day = int(groups["day"]) if groups.get("day") else None
    if day is not None and not 1 <= day <= 31:
        return None
    year = int(m["year"]) if m["year"] else _year_for(month, said, tense, day)
    if day is None:
        if m["month"] == "may" and not m["year"]:
            return None  # "may" is far more often the verb
        return _month(year, month)
    try:
        return _day(date(year, month, day))
    except ValueError:
        return None


def _day_of_month(day: int, said: date, tense: Tense) -> str | None:
    """ "on the 20th": this month's, or the nearest one in the clause's direction."""
    year, month = said.year, said.month
    step = 0
    if tense == "past" and day > said.day:
        step = -1
    elif tense == "future" and day < said.day:
        step = 1
    if step:
        year, month = _add_months(year, month, step)
    for _ in range(3):  # "the 31st" in a past clause of 10 March is 31 January
        try:
            return _day(date(year, month, day))
        except ValueError:
            if not step:
                return None
            year, month = _add_months(year, month, step)
    return None


def _weekday(weekday: int, said: date, tense: Tense) -> str:
    if tense == "past":
        back = (said.weekday() - weekday) % 7 or 7
        return _day(said - timedelta(days=back))
    ahead = (weekday - said.weekday()) % 7 or 7
    return _day(said + timedelta(days=ahead))


def _season_year(start: int, said: date, tense: Tense) -> int:
    if tense == "past" and start > said.month:
        return said.year - 1
    if tense == "future" and start + 2 < said.month:
        return said.year + 1
    return said.year


@dataclass
class Validity:
    """When a fact or relation holds: partial ISO dates (``app.domain.models``)."""

    valid_from: str | None = None
    valid_to: str | None = None
    event_date: str | None = None

    def absorb(self, other: Validity) -> None:
        """Said twice: the earliest start and event, the latest end; a date beats none."""
        self.valid_from = earliest(self.valid_from, other.valid_from)
        self.event_date = earliest(self.event_date, other.event_date)
        self.valid_to = latest(self.valid_to, other.valid_to)  # "2024" ends after "2024-03"
