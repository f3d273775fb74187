"""No extracted label can become one of the labels or relationship types the system uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.domain.labels import canonical_form
from app.domain.normalize import normalize_label

CYPHER = Path(__file__).resolve().parents[2] / "cypher"
SOURCES = [*CYPHER.rglob("*.cypher"), *(CYPHER.parent / "app").rglob("*.py")]
NODE_LABEL = re.compile(r"\(\w*:(?!\$)([A-Z][A-Za-z]+)")
REL_TYPE = re.compile(r"-\[\w*:(?!\$)([A-Z][A-Z_]+)")


def _used(pattern: re.Pattern[str]) -> set[str]:
    return {m for path in SOURCES for m in pattern.findall(path.read_text(encoding="utf-8"))}


def test_the_scan_finds_the_system_labels() -> None:
    assert {"Message", "Resolution", "Merged", "SchemaLabel"} <= _used(NODE_LABEL)
    assert {"MERGED_INTO", "RESOLVED_TO", "HAS_FACT"} <= _used(REL_TYPE)


@pytest.mark.parametrize("label", sorted(_used(NODE_LABEL)))
def test_system_node_labels_are_reserved(label: str) -> None:
    with pytest.raises(ValueError, match="reserved"):
        canonical_form(normalize_label(label), "entity_type")


@pytest.mark.parametrize("rel_type", sorted(_used(REL_TYPE)))
def test_system_relationship_types_are_reserved(rel_type: str) -> None:
    with pytest.raises(ValueError, match="reserved"):
        canonical_form(rel_type.lower(), "relation")
