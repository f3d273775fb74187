"""What a search query becomes (terms, a Lucene query) and how hits are shown and ranked."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.ask.base import defuse_citations
from app.search.engine import _entity_lucene
from app.search.fusion import RRF_K, Method, RankedList, fuse
from app.search.text import MAX_TERMS, parse_query, snippet

# Lucene's query syntax: its special characters, and its operators (upper case only).
_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')
_OPERATORS = {"AND", "OR", "NOT", "TO"}


def test_question_words_are_dropped_and_topics_kept() -> None:
    terms = parse_query("Who is Priya Raman's manager?")
    assert terms.words == ("priya", "raman", "manager")
    assert terms.lucene() == "priya OR raman OR manager"


def test_a_query_of_stop_words_only_is_searched_as_it_is() -> None:
    assert parse_query("The Who").words == ("the", "who")


@pytest.mark.parametrize(
    "query",
    ["title:x", "a AND b", "NOT x", "x*", "x~2", "(a) [b TO c]", "a && b || !c", "\\", "x^4"],
)
def test_lucene_operators_become_words_or_nothing(query: str) -> None:
    _assert_only_words(parse_query(query).lucene())


@given(st.text(max_size=300))
def test_any_text_gives_only_words_phrases_and_or(query: str) -> None:
    terms = parse_query(query)
    _assert_only_words(terms.lucene())
    _assert_only_words(_entity_lucene(terms), fuzzy=True)


def _assert_only_words(lucene: str, *, fuzzy: bool = False) -> None:
    """Clauses joined by " OR ", each a word or a quoted phrase (or word~1 when fuzzy)."""
    for clause in lucene.split(" OR ") if lucene else []:
        if fuzzy and clause.endswith("~1"):
            clause = clause[:-2]
        if clause.startswith('"'):
            assert clause.endswith('"'), clause
            assert clause.count('"') == 2, clause
            clause = clause[1:-1]
        for word in clause.split(" "):
            assert word, lucene
            assert not _SPECIAL & set(word), lucene
            assert word not in _OPERATORS, lucene


def test_entity_names_forgive_a_typo_in_long_words_only() -> None:
    assert _entity_lucene(parse_query("Ana Okafor")) == "ana OR okafor~1"


def test_words_keep_their_combining_marks_and_compose() -> None:
    assert parse_query("नमस्ते दुनिया").words == ("नमस्ते", "दुनिया")
    decomposed = unicodedata.normalize("NFD", "naïve café")
    assert parse_query(decomposed).words == ("naïve", "café")


def test_message_text_cannot_cite() -> None:
    assert defuse_citations("as I said [3], see [1, 2] [x]") == "as I said (3), see (1, 2) [x]"


def test_quoted_words_become_a_phrase() -> None:
    terms = parse_query('"Marlow Finch" pilot "unclosed')
    assert terms.phrases == (("marlow", "finch"),)
    assert terms.lucene() == '"marlow finch" OR marlow OR finch OR pilot OR unclosed'


def test_terms_are_capped() -> None:
    terms = parse_query(" ".join(f"word{i}" for i in range(100)))
    assert len(terms.words) == MAX_TERMS


def test_snippet_highlights_matches_and_stem_variants() -> None:
    result = snippet(
        "The deadlines moved: Atlas ships on November 15.", parse_query("deadline atlas")
    )
    assert [p.text for p in result.parts if p.highlighted] == ["deadlines", "Atlas"]
    assert "".join(p.text for p in result.parts) == result.text


def test_a_long_text_is_cut_around_its_densest_matches() -> None:
    text = "filler words here " * 40 + "the ramipril dose changed to amlodipine" + " more" * 60
    result = snippet(text, parse_query("ramipril amlodipine"), width=120)
    assert result.text.startswith("…")
    assert result.text.endswith("…")
    assert len(result.text) <= 122
    assert {p.text for p in result.parts if p.highlighted} == {"ramipril", "amlodipine"}


def test_a_snippet_without_matches_shows_the_start() -> None:
    result = snippet("Nothing relevant at all here.", parse_query("zebra"))
    assert result.text == "Nothing relevant at all here."
    assert not any(p.highlighted for p in result.parts)


# --- fusion -------------------------------------------------------------------------------------


def test_agreement_between_lists_beats_one_lists_first_place() -> None:
    fused = fuse(
        [
            RankedList(Method.FULLTEXT, ["a", "b", "c"]),
            RankedList(Method.VECTOR, ["d", "b", "e"]),
        ]
    )
    assert fused[0].key == "b"
    assert fused[0].methods == {Method.FULLTEXT, Method.VECTOR}
    assert fused[0].score == pytest.approx(2 / (RRF_K + 2))


def test_weights_scale_a_lists_votes_and_repeats_keep_their_first_rank() -> None:
    fused = fuse(
        [
            RankedList(Method.FULLTEXT, ["x", "x", "y"]),
            RankedList(Method.GRAPH, ["y"], weight=0.5),
        ]
    )
    scores = {f.key: f.score for f in fused}
    assert scores["x"] == pytest.approx(1 / (RRF_K + 1))
    assert scores["y"] == pytest.approx(1 / (RRF_K + 2) + 0.5 / (RRF_K + 1))
    assert [f.key for f in fused] == ["y", "x"]


def test_fusing_nothing_gives_nothing() -> None:
    assert fuse([]) == []
    assert fuse([RankedList(Method.VECTOR, [])]) == []
