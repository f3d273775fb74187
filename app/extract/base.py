"""The extractor interface and the windowing every extractor shares."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from app.domain.models import Extraction, WindowMessage
from app.domain.usage import Usage

__all__ = ["ExtractResult", "Extractor", "Usage", "windows"]


@dataclass
class ExtractResult:
    extraction: Extraction
    usage: Usage = field(default_factory=Usage)


class Extractor(Protocol):
    """Turns a window of messages into mentions citing those messages' ids.

    ``context`` holds the messages just before the window: they help resolve pronouns, but
    nothing may be extracted from, or cite, them.
    """

    name: str

    def extract(
        self, window: Sequence[WindowMessage], *, context: Sequence[WindowMessage] = ()
    ) -> ExtractResult: ...


def windows(
    messages: Sequence[WindowMessage], size: int, context: int
) -> Iterator[tuple[list[WindowMessage], list[WindowMessage]]]:
    """Consecutive windows of ``size`` messages, each with up to ``context`` messages before it."""
    if size < 1:
        raise ValueError("window size must be at least 1")
    for start in range(0, len(messages), size):
        yield (
            list(messages[start : start + size]),
            list(messages[max(0, start - context) : start]),
        )
