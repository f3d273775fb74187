"""Plain-text transcripts: ``Name: text`` lines, each optionally led by a ``[timestamp]``.

The rules (also in docs):

- The title is the first non-blank line when it reads ``# Title``, else the file name's stem.
- A speaker line starts in column 1 as ``Name: text`` (the colon followed by a space or the end
  of the line). A name starts with a letter, has at most 60 characters and 5 words, and holds
  only letters, digits, spaces and ``. ' - _ ( ) & @ +``; so ``Dr. Ana Silva:`` is a speaker,
  while ``http://x``, ``10:15`` and a long ``sentence ending in:`` are text.
- A ``[stamp]`` in column 1 may lead a speaker line: ``[2024-03-01 10:15]``, ``[10:15]``,
  ``[10:15:30]`` or ISO 8601 (``[2024-03-01T10:15:00Z]``, ``+01:00`` offsets, fractions).
  A bracket that looks like a clock but is none of these is an error; ``[1]`` is text.
- Stamped transcripts: when the first speaker line has a stamp, only stamped lines start
  messages, so an unstamped ``Note: remember the milk`` continues the previous message.
  Otherwise every speaker line starts a message; indent a line to keep it as text.
- Any other line continues the previous message; the continuation lines lose their common
  indent (relative indents stay); blank lines are skipped; a non-blank line before the first
  speaker line is an error.
- The stamp never stays in the text. A time-only stamp takes its date (and offset) from the last
  full stamp above it, moving to the next day when the clock goes back (past midnight); with
  no full stamp above it the timestamp is None. Stamps without an offset stay naive.
- A speaker line with no text and no continuation is dropped and counted as skipped.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import PurePath

from app.domain.conversations import ConversationInput
from app.sources.conversations._common import ParseError, ParseReport, clip_title, make_message

ORIGIN = "transcript"
UNTITLED = "Transcript"
MAX_SPEAKER_CHARS = 60
MAX_SPEAKER_WORDS = 5

_TITLE = re.compile(r"#[ \t]+(?P<title>\S.*)")
_STAMPED = re.compile(r"\[(?P<stamp>[^\]\n]*)\][ \t]*(?P<rest>.*)")
_CLOCK_LIKE = re.compile(r"\d[\d\s:./,+TZ-]*")  # and holds a colon
_FULL_STAMP = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[T ]"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?"
)
_TIME_STAMP = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?")
_SPEAKER_NAME = re.compile(r"[^\W\d_][\w .'\u2019()&@+-]*")
_STAMP_FORMATS = "[YYYY-MM-DD HH:MM], [HH:MM], [HH:MM:SS] or ISO 8601 like [2024-03-01T10:15:00Z]"


@dataclass
class _Start:
    """A line that can start a message."""

    speaker: str
    text: str
    stamp: datetime | time | None


@dataclass
class _Draft:
    speaker: str
    line: int
    timestamp: datetime | None
    first: str
    continuation: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The first line's text, then the continuation lines without their common indent."""
        rest = textwrap.dedent("\n".join(self.continuation))
        return f"{self.first}\n{rest}".strip()


@dataclass
class _Clock:
    """Gives time-only stamps the date of the last full stamp, rolling over at midnight."""

    day: date | None = None
    zone: tzinfo | None = None
    last: datetime | None = None

    def read(self, stamp: datetime | time | None) -> datetime | None:
        if stamp is None:
            return None
        if isinstance(stamp, datetime):
            self.day, self.zone, self.last = stamp.date(), stamp.tzinfo, stamp
            return stamp
        if self.day is None:
            return None
        moment = datetime.combine(self.day, stamp, tzinfo=self.zone)
        if self.last is not None and moment < self.last:
            moment += timedelta(days=1)
            self.day = moment.date()
        self.last = moment
        return moment


def parse(text: str, source: str) -> ParseReport:
    report = ParseReport(format="transcript")
    title: str | None = None
    stamped: bool | None = None  # decided by the first speaker line
    drafts: list[_Draft] = []
    clock = _Clock()
    seen_content = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if not seen_content:
            seen_content = True
            heading = _TITLE.fullmatch(line)
            if heading:
                title = heading["title"]
                continue
        start = _classify(line, number, source)
        if start is not None and stamped is None:
            stamped = start.stamp is not None
        if start is not None and (start.stamp is not None or not stamped):
            drafts.append(_Draft(start.speaker, number, clock.read(start.stamp), start.text))
        elif drafts:
            drafts[-1].continuation.append(line)
        else:
            raise ParseError(
                source, f"expected 'Name: text', found {_excerpt(line)}", at=f"line {number}"
            )
    if not drafts:
        raise ParseError(source, "has no 'Name: text' line")
    messages = []
    for draft in drafts:
        body = draft.text()
        if not body:
            report.skipped_messages += 1
            continue
        messages.append(
            make_message(
                source,
                f"line {draft.line}",
                speaker=draft.speaker,
                text=body,
                timestamp=draft.timestamp,
                external_id=None,
            )
        )
    if not messages:
        raise ParseError(source, "every message is empty", at=f"line {drafts[0].line}")
    fallback = PurePath(source).stem or UNTITLED
    report.conversations.append(
        ConversationInput(
            title=clip_title(title, clip_title(fallback, UNTITLED)),
            origin=ORIGIN,
            messages=messages,
        )
    )
    return report


def _classify(line: str, number: int, source: str) -> _Start | None:
    """The speaker, text and stamp of a line that starts a message; None for other text."""
    if line[0].isspace():
        return None
    stamp: datetime | time | None = None
    rest = line
    bracket = _STAMPED.fullmatch(line) if line[0] == "[" else None
    if bracket and ":" in bracket["stamp"] and _CLOCK_LIKE.fullmatch(bracket["stamp"].strip()):
        stamp = _parse_stamp(bracket["stamp"].strip(), number, source)
        rest = bracket["rest"]
    speaker = _speaker(rest)
    if speaker is not None:
        return _Start(speaker[0], speaker[1], stamp)
    if stamp is not None:
        raise ParseError(
            source,
            f"expected 'Name: text' after the timestamp, found {_excerpt(rest)}",
            at=f"line {number}",
        )
    return None


def _speaker(line: str) -> tuple[str, str] | None:
    """``(name, text)`` when ``line`` reads ``Name: text`` under the rules above."""
    name, colon, text = line.partition(":")
    if not colon or (text and not text[0].isspace()):
        return None
    name = name.rstrip(" \t")
    if len(name) > 2 * MAX_SPEAKER_CHARS or not _SPEAKER_NAME.fullmatch(name):
        return None
    words = name.split()
    name = " ".join(words)
    if len(name) > MAX_SPEAKER_CHARS or len(words) > MAX_SPEAKER_WORDS:
        return None
    return name, text.strip()


def _parse_stamp(stamp: str, number: int, source: str) -> datetime | time:
    try:
        if full := _FULL_STAMP.fullmatch(stamp):
            fraction = (full["fraction"] or "").ljust(6, "0")
            return datetime(
                int(full["year"]),
                int(full["month"]),
                int(full["day"]),
                int(full["hour"]),
                int(full["minute"]),
                int(full["second"] or 0),
                int(fraction),
                tzinfo=_zone(full["zone"]),
            )
        if clock := _TIME_STAMP.fullmatch(stamp):
            return time(int(clock["hour"]), int(clock["minute"]), int(clock["second"] or 0))
    except ValueError as exc:
        raise ParseError(
            source, f"invalid timestamp [{stamp}]: {exc}", at=f"line {number}"
        ) from None
    raise ParseError(
        source,
        f"unrecognised timestamp [{stamp}]: use {_STAMP_FORMATS}",
        at=f"line {number}",
    )


def _zone(text: str | None) -> tzinfo | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-offset if text[0] == "-" else offset)


def _excerpt(line: str) -> str:
    return repr(line if len(line) <= 40 else line[:37] + "...")
