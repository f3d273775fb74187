"""The lemma form of snake_case labels, the registry's second way to match a label."""

from __future__ import annotations

import pytest

from app.domain.labels import label_text
from app.nlp import label_lemmas


@pytest.mark.parametrize(
    ("label", "lemma"),
    [
        ("worked_at", "work_at"),
        ("works_at", "work_at"),
        ("working_at", "work_at"),
        ("likes", "like"),
        ("liked", "like"),
        ("children", "child"),
        ("allergies", "allergy"),
        ("lived_in", "live_in"),
        ("parents_of", "parent_of"),
        ("email", "email"),
        ("date_of_birth", "date_of_birth"),
    ],
)
def test_each_word_of_a_label_is_lemmatised(label: str, lemma: str) -> None:
    assert label_lemmas([label]) == [lemma]


def test_distinct_golden_labels_keep_distinct_lemmas() -> None:
    fields = ["occupation", "employer_role", "likes", "dislikes", "date", "deadline", "pet"]
    relations = ["parent_of", "child_of", "manages", "reports_to", "founded", "owns", "uses"]
    for labels in (fields, relations):
        assert len(set(label_lemmas(labels))) == len(labels)


def test_a_batch_gives_the_same_lemmas_as_one_at_a_time() -> None:
    labels = ["worked_at", "likes", "children", "status"]
    assert label_lemmas(labels) == [label_lemmas([x])[0] for x in labels]
    assert label_lemmas([]) == []


def test_a_bare_string_is_refused_not_lemmatised_letter_by_letter() -> None:
    with pytest.raises(TypeError):
        label_lemmas("likes")


def test_label_text_is_what_the_embedder_reads() -> None:
    assert label_text("place_of_work") == "place of work"
