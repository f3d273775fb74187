"""Named Cypher statements from ``cypher/queries``: fixed text, parameters only."""

from __future__ import annotations

from functools import cache

from app.graph.migrations import CYPHER_DIR

QUERIES_DIR = CYPHER_DIR / "queries"


@cache
def query(name: str) -> str:
    """The text of ``cypher/queries/<name>.cypher``, read once per process."""
    return (QUERIES_DIR / f"{name}.cypher").read_text(encoding="utf-8")
