"""Fixtures the LLM tests share: recorded sleeps (nothing waits for real) and captured logs."""

from __future__ import annotations

import sys
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
import structlog


@pytest.fixture
def sleeps() -> list[float]:
    """Where an injected ``sleep`` records how long it was asked to wait (seconds)."""
    return []


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MutableMapping[str, Any]]]:
    """What ``app`` logs during the test. structlog keeps a module's logger bound to the
    configuration it first logged under (``cache_logger_on_first_use``), so a logger first used
    by an earlier test would log past the capture: every ``app`` module's ``log`` is a fresh
    one for the test's duration."""
    with structlog.testing.capture_logs() as captured:
        for name, module in list(sys.modules.items()):
            if name.startswith("app.") and hasattr(module, "log"):
                monkeypatch.setattr(module, "log", structlog.get_logger(name))
        yield captured
