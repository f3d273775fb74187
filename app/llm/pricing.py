"""What LLM tokens cost: US dollars per million tokens, per model.

The table holds list prices of common models; ``LIBRARIAN_LLM_PRICES`` (JSON, model name →
``{"input": .., "output": .., "cache_read": .., "cache_write": ..}``) adds or overrides entries.
A model is matched by its longest listed prefix, so dated names (``gpt-4.1-2025-04-14``) find
their family. A model with no entry (a local one, say) costs 0 and is logged once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import structlog

from app.llm.base import Usage

__all__ = ["DEFAULT_PRICES", "FREE", "Prices", "prices_for"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Prices:
    """US dollars per million tokens."""

    input: float = 0.0
    output: float = 0.0
    cache_write: float = 0.0
    cache_read: float = 0.0

    def cost_usd(self, usage: Usage) -> float:
        return (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_write_tokens * self.cache_write
            + usage.cache_read_tokens * self.cache_read
        ) / 1_000_000


FREE: Final = Prices()

DEFAULT_PRICES: Final[Mapping[str, Prices]] = {
    # Anthropic: cache writes are the 5-minute ephemeral cache.
    "claude-opus-4": Prices(15.00, 75.00, 18.75, 1.50),
    "claude-sonnet-4": Prices(3.00, 15.00, 3.75, 0.30),
    "claude-haiku-4": Prices(1.00, 5.00, 1.25, 0.10),
    # OpenAI: cached input is billed at cache_read; there is no separate write price.
    "gpt-4.1": Prices(2.00, 8.00, 0.0, 0.50),
    "gpt-4.1-mini": Prices(0.40, 1.60, 0.0, 0.10),
    "gpt-4.1-nano": Prices(0.10, 0.40, 0.0, 0.025),
    "gpt-4o": Prices(2.50, 10.00, 0.0, 1.25),
    "gpt-4o-mini": Prices(0.15, 0.60, 0.0, 0.075),
}

_unknown_logged: set[str] = set()


def prices_for(model: str, overrides: Mapping[str, Prices] | None = None) -> Prices:
    """The prices of ``model``: an override first, then the longest matching prefix."""
    table = {**DEFAULT_PRICES, **(overrides or {})}
    if model in table:
        return table[model]
    matches = [name for name in table if model.startswith(name)]
    if matches:
        return table[max(matches, key=len)]
    if model not in _unknown_logged:
        _unknown_logged.add(model)
        log.warning("llm.price_unknown", model=model, hint="set LIBRARIAN_LLM_PRICES")
    return FREE
