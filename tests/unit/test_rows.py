from __future__ import annotations

from app.domain.models import EntityMention, Extraction, FactMention, RelationMention
from app.domain.rows import fact_rows, merge_window, relation_rows


def _window() -> Extraction:
    return Extraction(
        entities=[
            EntityMention(key="e1", name="Ana", type="person", message_ids=["m1"]),
            EntityMention(key="e2", name="Acme", type="organization", message_ids=["m2"]),
        ],
        facts=[
            FactMention(
                entity="e1", field="occupation", value="Nurse", confidence=0.6, message_ids=["m1"]
            ),
            FactMention(
                entity="e1", field="occupation", value="nurse ", confidence=0.9, message_ids=["m2"]
            ),
            FactMention(entity="e9", field="age", value="34", message_ids=["m1"]),
            FactMention(entity="e1", field="likes", value="tea", message_ids=["m0-context"]),
        ],
        relations=[
            RelationMention(source="e1", target="e2", label="works_at", message_ids=["m2"]),
            RelationMention(source="e1", target="e1", label="works_at", message_ids=["m2"]),
        ],
    )


def test_windows_get_unique_keys_and_cite_only_their_own_messages() -> None:
    combined = Extraction()
    merge_window(combined, _window(), "w0", {"m1", "m2"})
    merge_window(combined, _window(), "w1", {"m1", "m2"})
    assert {e.key for e in combined.entities} == {"w0:e1", "w0:e2", "w1:e1", "w1:e2"}
    assert all(f.value != "tea" for f in combined.facts), "context messages are never cited"


def test_same_statement_is_one_row_with_best_confidence_and_all_citations() -> None:
    combined = Extraction()
    merge_window(combined, _window(), "w0", {"m1", "m2"})
    keys = {"w0:e1": "ent_ana", "w0:e2": "ent_acme"}
    rows, usage = fact_rows(combined, keys, {"occupation": "occupation", "age": "age"})
    (row,) = rows  # "Nurse" and "nurse " are one fact; e9 resolved to nothing
    assert row["confidence"] == 0.9
    assert row["message_ids"] == ["m1", "m2"]
    assert usage == {"occupation": 1}

    relations, rel_usage = relation_rows(combined, keys, {"works_at": "works_at"})
    assert [(r["source_id"], r["type"], r["target_id"]) for r in relations] == [
        ("ent_ana", "WORKS_AT", "ent_acme")
    ], "a relation from an entity to itself is dropped"
    assert rel_usage == {"works_at": 1}


def test_a_relation_id_names_the_entity_it_starts_from() -> None:
    from app.domain.rows import relation_anchor, relation_id

    rid = relation_id("ent_0123abcd", "WORKS_AT", "ent_99")
    assert rid.startswith("rel_ent_0123abcd_")
    assert relation_anchor(rid) == "ent_0123abcd"
    assert relation_id("ent_0123abcd", "WORKS_AT", "ent_99") == rid
    assert relation_id("ent_0123abcd", "LIVES_IN", "ent_99") != rid
    assert relation_anchor("rel_" + "f" * 24) is None  # no entity in it
    assert relation_anchor("fact_x") is None
