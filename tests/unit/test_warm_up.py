"""The API's start-up warm-up: the embedding model is loaded before the first search, a broken
model does not stop the API from starting, and only a served process freezes its heap."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from app import asgi
from app.asgi import warm_up


class _Embedder:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        if self.error is not None:
            raise self.error
        return [[1.0, 0.0] for _ in texts]


def _services(embedder: _Embedder) -> Any:
    return SimpleNamespace(searcher=SimpleNamespace(embedder=embedder))


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    return calls


async def test_a_served_process_loads_the_model_then_freezes_its_heap(
    freezes: list[str],
) -> None:
    embedder = _Embedder()
    await warm_up(_services(embedder), freeze=True)
    assert embedder.calls == [["warm up"]]
    assert freezes == ["freeze"]


async def test_an_app_in_a_test_or_tool_process_never_freezes(freezes: list[str]) -> None:
    embedder = _Embedder()
    await warm_up(_services(embedder), freeze=False)
    assert embedder.calls == [["warm up"]]
    assert freezes == []


async def test_a_model_that_fails_to_load_is_logged_and_the_api_still_starts(
    freezes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = _Embedder(OSError("model.onnx: no such file"))
    with capture_logs() as logs:
        # A fresh logger: app.asgi's own was cached, with the suite's processors, when an
        # earlier test first logged through it, and would bypass the capture.
        monkeypatch.setattr(asgi, "log", structlog.get_logger(asgi.__name__))
        await warm_up(_services(embedder), freeze=True)  # does not raise
    failures = [entry for entry in logs if entry["event"] == "api.warm_up_failed"]
    assert len(failures) == 1
    assert failures[0]["log_level"] == "error"
    assert freezes == ["freeze"]
