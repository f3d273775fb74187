"""The offline extractor holds the quality measured on the golden set (`librarian eval extraction`).

Floors are the F1 measured when the extractor last changed, rounded down to two decimals; the
extractor is deterministic, so any drop is a regression to explain, not noise. Raise them when
the extractor improves. Figures and history: docs/benchmarks.md.
"""

from __future__ import annotations

import pytest

from app.eval.extraction import evaluate, load_golden
from app.extract.local.extractor import LocalExtractor

FLOORS = {"entities": 0.82, "facts": 0.70, "relations": 0.48}


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return evaluate(LocalExtractor())


def test_golden_set_is_the_one_documented() -> None:
    golden = load_golden()
    assert len(golden) >= 12
    assert sum(len(g["conversation"]["messages"]) for _, g in golden) >= 250


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_local_extractor_holds_its_floor(report, kind: str) -> None:  # type: ignore[no-untyped-def]
    score = getattr(report, kind)
    assert score.f1 >= FLOORS[kind], (
        f"{kind}: F1 {score.f1:.3f} fell below {FLOORS[kind]}\n{report.table()}"
    )
