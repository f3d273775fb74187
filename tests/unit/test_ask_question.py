"""What a question asks for: the kind of value, the words that may name an entity, its topic,
and how a graph answer reads (dates by precision, value first)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.ask.knowledge import EntityRef, Statement
from app.ask.phrasing import date_phrase, describe, said_phrase, subject_phrase
from app.ask.question import Expect, parse_question


@pytest.mark.parametrize(
    ("text", "expects"),
    [
        ("What is the name of Maya's parrot?", Expect.THING),
        ("Where does Maya live?", Expect.PLACE),
        ("In which city does Maya's brother live?", Expect.PLACE),
        ("What country did Jonah visit?", Expect.PLACE),
        ("Who is Maya's brother?", Expect.PERSON),
        ("When did Maya adopt Kiwi?", Expect.DATE),
        ("What year did Leo move to Denver?", Expect.DATE),
        ("How many cats does Maya have?", Expect.THING),
        ("Which cousin of Priya's flew in from Austin?", Expect.PERSON),
    ],
)
def test_the_kind_of_value_a_question_wants(text: str, expects: Expect) -> None:
    assert parse_question(text).expects is expects


def test_topical_words_leave_out_question_words_framing_and_the_wanted_noun() -> None:
    q = parse_question("In which city does Maya's brother live?")
    assert q.topical == ("maya", "brother", "live")
    assert q.without({"maya"}) == ("brother", "live")
    assert parse_question("What is the name of Maya's parrot?").topical == ("maya", "parrot")
    # Dates say when, not what is asked.
    assert parse_question("Where did Nadia move in April 2024?").topical == ("nadia", "move")


def test_name_runs_cover_multi_word_names_and_possessives() -> None:
    runs = parse_question("Where does Maya Okonkwo's brother work?").name_runs()
    assert "maya okonkwo" in runs
    assert "maya" in runs
    assert "brother" in runs
    assert "saint luke hospital" in parse_question("Is Saint Luke's Hospital big?").name_runs()


@pytest.mark.parametrize(
    ("text", "past"),
    [
        ("Where did Maya live before?", True),
        ("Where did Maya use to live?", False),
        ("What did Maya used to do?", True),
        ("Where does Maya live?", False),
        ("When did Maya first visit Lisbon?", False),
    ],
)
def test_a_question_about_an_earlier_value_is_told_apart(text: str, past: bool) -> None:
    assert parse_question(text).past is past


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("2024-03-09", "9 March 2024"),
        ("2024-03", "March 2024"),
        ("2024", "2024"),
        ("someday", None),
        (None, None),
    ],
)
def test_dates_are_written_to_their_precision(value: str | None, written: str | None) -> None:
    assert date_phrase(value) == written


def test_a_message_time_is_written_as_a_day() -> None:
    assert said_phrase(datetime(2024, 3, 9, 23, 30, tzinfo=UTC)) == "9 March 2024"


MAYA = EntityRef("e1", "Maya", "person")
LEO = EntityRef("e2", "Leo", "person")


@pytest.mark.parametrize(
    ("statement", "phrase", "whole"),
    [
        (Statement("f", "fact", MAYA, "pet", "Kiwi"), "Maya's pet", "Maya's pet is Kiwi"),
        (
            Statement("r", "relation", MAYA, "lives_in", "Denver"),
            "Maya lives in",
            "Maya lives in Denver",
        ),
        (Statement("f", "fact", MAYA, "adopted", "Kiwi"), "Maya adopted", "Maya adopted Kiwi"),
        (
            Statement("r", "relation", MAYA, "sibling_of", "Leo", other=LEO),
            "Maya's sibling",
            "Maya's sibling is Leo",
        ),
        (
            Statement("r", "relation", MAYA, "parent_of", "Leo", direction="in", other=LEO),
            "parent of Maya",
            "Leo parent of Maya",
        ),
    ],
)
def test_a_statement_reads_as_a_short_phrase(statement: Statement, phrase: str, whole: str) -> None:
    assert subject_phrase(statement) == phrase
    assert describe(statement) == whole
