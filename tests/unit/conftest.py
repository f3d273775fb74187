"""Fixtures the LLM tests share: recorded sleeps (nothing waits for real) and captured logs."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
import structlog


@pytest.fixture
def sleeps() -> list[float]:
    """Where an injected ``sleep`` records how long it was asked to wait (seconds)."""
    return []


@pytest.fixture
def logs() -> Iterator[list[MutableMapping[str, Any]]]:
    with structlog.testing.capture_logs() as captured:
        yield captured
