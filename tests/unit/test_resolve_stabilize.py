from __future__ import annotations

import pytest

from app.domain.labels import canonical_form, node_label, relationship_type
from app.domain.models import EntityMention, Extraction
from app.domain.resolve import entity_id, group_mentions


def _mention(key: str, name: str, etype: str = "person", *aliases: str) -> EntityMention:
    return EntityMention(key=key, name=name, type=etype, aliases=list(aliases), message_ids=[key])


def test_same_name_across_windows_is_one_entity() -> None:
    groups, keys = group_mentions(
        Extraction(entities=[_mention("w0:e1", "Ana Costa"), _mention("w1:e4", "ana  costa")])
    )
    assert len(groups) == 1
    assert keys["w0:e1"] is keys["w1:e4"]
    assert groups[0].message_ids == {"w0:e1", "w1:e4"}


def test_first_name_joins_the_only_full_name_and_becomes_an_alias() -> None:
    groups, keys = group_mentions(
        Extraction(
            entities=[_mention("a", "Ana"), _mention("b", "Ana Costa"), _mention("c", "Ben")]
        )
    )
    assert sorted(g.name for g in groups) == ["Ana Costa", "Ben"]
    assert keys["a"] is keys["b"]
    assert "Ana" in keys["a"].aliases


def test_ambiguous_first_name_stays_apart() -> None:
    groups, _ = group_mentions(
        Extraction(
            entities=[_mention("a", "Ana"), _mention("b", "Ana Costa"), _mention("c", "Ana Silva")]
        )
    )
    assert len(groups) == 3


def test_alias_links_mentions_but_types_must_agree() -> None:
    groups, keys = group_mentions(
        Extraction(
            entities=[
                _mention("a", "Robert Ng", "person", "Bob"),
                _mention("b", "Bob"),
                _mention("c", "Bob", "organization"),
            ]
        )
    )
    assert keys["a"] is keys["b"]
    assert keys["c"] is not keys["a"]
    assert len(groups) == 2


def test_entity_ids_are_deterministic_per_type_and_name() -> None:
    assert entity_id("person", "ana costa") == entity_id("person", "ana costa")
    assert entity_id("person", "ana costa") != entity_id("place", "ana costa")


def test_label_shapes() -> None:
    assert canonical_form("Works At") == "works_at"
    assert relationship_type("works_at") == "WORKS_AT"
    assert node_label("organization") == "Organization"
    assert node_label("product_line") == "ProductLine"
    for bad in ("", "!!!", "123"):
        with pytest.raises(ValueError, match="label"):
            canonical_form(bad)
    with pytest.raises(ValueError, match="canonical"):
        relationship_type("WORKS`]->(x) DETACH DELETE x //")


def test_system_labels_cannot_be_extracted() -> None:
    for kind, raw in (
        ("entity_type", "Message"),
        ("entity_type", "job"),
        ("relation", "MERGED_INTO"),
    ):
        with pytest.raises(ValueError, match="reserved"):
            canonical_form(raw, kind)
    assert canonical_form("message", "field") == "message"
