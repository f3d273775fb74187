"""Reading a streamed answer: what may be shown as it arrives, its citations and follow-ups.

Two things are held back from the tokens: the ``<follow_ups>`` block after the answer (its tag
may arrive split across deltas, so a delta's tail that could still become the tag waits for the
next delta, and nothing more), and the ``<not_found/>`` marker the model starts an answer with
when the passages do not answer the question. The answer is trimmed as it streams: leading
whitespace is never sent, and trailing whitespace waits until more text follows it, so the
tokens joined are exactly the answer's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.ask.base import MAX_FOLLOW_UPS, EntityHint, entity_follow_ups
from app.ask.prompts import FOLLOW_UPS_CLOSE, FOLLOW_UPS_OPEN, NOT_FOUND_MARKER

__all__ = ["Splitter", "citations", "follow_ups"]

_NOT_FOUND_MARKERS = (NOT_FOUND_MARKER, "<not_found />")
_MARKERS = (FOLLOW_UPS_OPEN, *_NOT_FOUND_MARKERS)
_LONGEST_MARKER = max(len(m) for m in _MARKERS)

# [3], [1, 3], [1,3]; [1][2] is two matches.
_CITATION = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s*")


class Splitter:
    """Splits streamed text into the answer, released as soon as it is safe, and the rest.

    ``feed`` returns the text that may be shown now: never a marker, never a tail that could
    still grow into one, never leading whitespace, and trailing whitespace only once more text
    follows it. Everything from ``<follow_ups>`` on is kept in ``follow_ups``.
    """

    def __init__(self) -> None:
        self._pending = ""  # received, not yet released: a possible marker, or trailing spaces
        self._parts: list[str] = []
        self.follow_ups: str | None = None  # None until the <follow_ups> tag is seen
        self.not_found = False

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def feed(self, delta: str) -> str:
        if self.follow_ups is not None:
            self.follow_ups += delta
            return ""
        if not delta:
            return ""
        pending = self._pending + delta
        for marker in _NOT_FOUND_MARKERS:
            if marker in pending:
                self.not_found = True
                pending = pending.replace(marker, "")
        cut = pending.find(FOLLOW_UPS_OPEN)
        if cut >= 0:
            self.follow_ups = pending[cut + len(FOLLOW_UPS_OPEN) :]
            return self._release(pending[:cut], final=True)
        hold = _possible_marker_length(pending)
        return self._release(pending[: len(pending) - hold], rest=pending[len(pending) - hold :])

    def finish(self) -> str:
        """The held text that never became a marker, at the end of the stream."""
        if self.follow_ups is not None:
            return ""
        return self._release(self._pending, final=True)

    def _release(self, ready: str, *, rest: str = "", final: bool = False) -> str:
        if not self._parts:
            ready = ready.lstrip()
        shown = ready.rstrip()
        self._pending = ("" if final else ready[len(shown) :]) + rest
        if shown:
            self._parts.append(shown)
        return shown


def _possible_marker_length(text: str) -> int:
    """The length of the longest tail of ``text`` that a marker starts with (0 for none)."""
    for length in range(min(len(text), _LONGEST_MARKER - 1), 0, -1):
        tail = text[-length:]
        if any(marker.startswith(tail) for marker in _MARKERS):
            return length
    return 0


def citations(text: str, numbers: set[int]) -> tuple[list[int], list[int]]:
    """The passage numbers ``text`` cites, in order of first citation, and those it cites but
    were not given (each once)."""
    cited: list[int] = []
    dropped: list[int] = []
    for match in _CITATION.finditer(text):
        for part in match.group(1).split(","):
            number = int(part)
            kept = cited if number in numbers else dropped
            if number not in kept:
                kept.append(number)
    return cited, dropped


def follow_ups(block: str, entities: Sequence[EntityHint]) -> list[str]:
    """Up to three questions from the follow-up block, topped up from the entities."""
    questions: list[str] = []
    seen: set[str] = set()
    for line in block.split(FOLLOW_UPS_CLOSE, 1)[0].splitlines():
        question = " ".join(_CITATION.sub("", _BULLET.sub("", line)).split())
        if question and question.casefold() not in seen:
            seen.add(question.casefold())
            questions.append(question)
    if len(questions) >= 2:
        return questions[:MAX_FOLLOW_UPS]
    fallback = [q for q in entity_follow_ups(entities) if q.casefold() not in seen]
    if not questions:
        return fallback[:MAX_FOLLOW_UPS]
    return [*questions, *fallback][:2]
