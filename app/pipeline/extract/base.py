"""The extractor interface and the windowing every extractor shares."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from app.pipeline.models import Extraction, WindowMessage


@dataclass
class Usage:
    """What an extraction cost. Tokens are counts; cost is in US dollars."""

    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0

    def add(self, other: Usage) -> None:
        self.llm_calls += other.llm_calls
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.cache_write_tokens += other.cache_write_tokens
        self.cost_usd += other.cost_usd


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
