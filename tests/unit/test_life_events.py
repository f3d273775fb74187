"""Life events told the way people tell them in chat (issue 14): births, babies due, first days,
trips asked about, answers that lean on the question, roles, and two types. Conversations
written for these tests; the message day is Sunday 10 March 2024."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.models import Extraction
from tests.unit.test_statements import _extract, _facts, _relations, _types


def _birthdays(out: Extraction) -> dict[str, str]:
    return {name: value for (name, field, value) in _facts(out) if field == "birthday"}


def _events(out: Extraction) -> set[tuple[str, str]]:
    return {(name, value) for (name, field, value) in _facts(out) if field == "event"}


# -- births ----------------------------------------------------------------------------------


def test_a_birth_told_with_a_weekday_is_dated_that_day_and_named_in_the_next_sentence() -> None:
    out = _extract(
        "Bernie: Walt, he's here! My grandson was born Wednesday at 4:12 in the morning, "
        "eight pounds even. His name is Felix.",
        "Walt: congratulations grandma!!",
    )
    assert _birthdays(out) == {"Felix": "2024-03-06"}
    assert _facts(out)[("Felix", "birthday", "2024-03-06")][2] == "2024-03-06"


def test_born_last_night_and_born_in_a_year() -> None:
    assert _birthdays(_extract("Nadia: Maeve was born last night!!")) == {"Maeve": "2024-03-09"}
    assert _birthdays(_extract("Nadia: I was born in 1990.")) == {"Nadia": "1990"}


@pytest.mark.parametrize(
    "text",
    [
        "Was Felix born on Wednesday?",
        "Felix wasn't born on Wednesday, it was Thursday morning.",
        "The idea was born on Wednesday at the pub.",
    ],
)
def test_no_birthday_from_questions_negations_or_things(text: str) -> None:
    out = _extract(f"Bernie: {text}")
    assert ("Felix", "2024-03-06") not in _birthdays(out).items()
    assert "idea" not in " ".join(_birthdays(out))


# -- a baby due --------------------------------------------------------------------------------


def test_a_baby_due_is_the_mothers_event_with_its_month() -> None:
    out = _extract("Theo: twins on the way. his wife Adaeze is due in December.")
    assert ("Adaeze", "baby due December 2024") in _events(out)
    assert _facts(out)[("Adaeze", "event", "baby due December 2024")][2] == "2024-12"


def test_due_without_a_subject_is_the_speakers_next_april_when_a_pregnancy_is_spoken_of() -> None:
    out = _extract(
        "Meera: due in April!! we found out a few weeks ago and waited till the 12 week scan",
        when=datetime(2024, 9, 29, 12, 0, tzinfo=UTC),
    )
    assert _events(out) == {("Meera", "baby due April 2025")}


def test_the_one_expecting_is_the_mother() -> None:
    out = _extract(
        "Bernie: Claire finally said I could tell people. She's expecting! A boy, due in August."
    )
    assert ("Claire", "baby due August 2024") in _events(out)
    assert not any(name == "Bernie" for name, _ in _events(out))


@pytest.mark.parametrize(
    "text",
    [
        "my essay is due in April",
        "rent is due on the 1st",
        "the flight was late due to the storm in April",
        "due in April, no extensions",
    ],
)
def test_essays_rent_and_reasons_are_no_babies(text: str) -> None:
    assert _events(_extract(f"Ana: {text}")) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Marco is due in Berlin on Monday",
        "Dana is due in court on Monday",
        "Lena is due back in April",
    ],
)
def test_a_person_due_somewhere_is_no_baby(text: str) -> None:
    assert _events(_extract(f"Ana: {text}")) == set()


def test_someone_elses_pregnancy_is_not_the_speakers() -> None:
    out = _extract("Ana: Maya's expecting! due in August")
    assert not any(name == "Ana" for name, _ in _events(out))


# -- first days --------------------------------------------------------------------------------


def test_monday_was_day_one_at_the_new_job() -> None:
    out = _extract(
        "Meera: I joined Verdant Labs in March.",
        "Meera: I got it AND I already started. Monday was day one at Verdant",  # its short name
    )
    assert ("Meera", "first_day_at", "Verdant Labs") in _relations(out)
    assert _relations(out)[("Meera", "first_day_at", "Verdant Labs")][2] == "2024-03-04"


def test_day_one_of_something_else_is_nobodys_first_day() -> None:
    out = _extract("Meera: Today was day one of the festival and it rained")
    assert not any("first day" in value for _, value in _events(out))
    assert not any(label == "first_day_at" for _, label, _ in _relations(out))


# -- trips asked about ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ("Tess: my parents just got back from Lisbon", "Priya: how was Lisbon?"),
        ("Priya: how was Paris? no wait, you didn't go",),
        ("Priya: Tess how was Porto!!", "Tess: we never went in the end"),
        ("Priya: how was Marcus?",),
    ],
)
def test_asking_how_a_place_was_says_no_one_went(lines: tuple[str, ...]) -> None:
    """A question presumes; the trip may be someone else's or never have happened."""
    out = _extract("Priya: hi Tess", "Tess: hi!", *lines)
    assert not any(label == "visited" for _, label, _ in _relations(out))


# -- answers that lean on the question ---------------------------------------------------------


def test_a_bare_title_answers_what_are_you_reading() -> None:
    out = _extract(
        "Nadia: what are you reading these days? I need something for the train",
        "Sam: Lessons in Chemistry! finally got to it. the main character is my new hero",
    )
    assert ("Sam", "reads", "Lessons in Chemistry") in _relations(out)
    assert _types(out)["Lessons in Chemistry"] == "product"
    assert ("Lessons in Chemistry", "category", "book") in _facts(out)


def test_a_game_title_stops_at_the_comma() -> None:
    out = _extract("Sam: so what are you playing?", "Nadia: Baldur's Gate 3, obviously")
    assert ("Nadia", "plays", "Baldur's Gate 3") in _relations(out)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("what are you driving these days?", "yep. the minivan life chose me"),
        ("what are you reading?", "Nothing, I'm too tired"),
        ("what did you think of Dune?", "Dune Messiah is better"),
        ("what are you reading?", "Lessons in Chemistry! finally got to it."),  # own question
    ],
)
def test_no_statement_without_a_bare_name_answering_the_other_speaker(
    question: str, answer: str
) -> None:
    speakers = ("Sam", "Sam") if "finally" in answer else ("Sam", "Nadia")
    out = _extract(f"{speakers[0]}: {question}", f"{speakers[1]}: {answer}")
    assert not any(
        label in ("reads", "drives", "plays", "watches") for _, label, _ in _relations(out)
    )


# -- types ------------------------------------------------------------------------------------


def test_leaving_a_big_city_is_leaving_a_place() -> None:
    out = _extract(
        "Priya: so you're really leaving Dallas. how do you feel",
        "Meera: kinda sad honestly? I've taught at Cedar Ridge High School for seven years",
    )
    assert _types(out)["Dallas"] == "place"
    assert _types(out)["Cedar Ridge High School"] == "organization"


def test_a_canadian_province_is_a_place() -> None:
    out = _extract("Walt: my cousin drove all the way from Nova Scotia for the funeral")
    assert _types(out).get("Nova Scotia") == "place"


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("I'm just a humble UX designer at Brightwell", "UX designer"),
        ("I'm a proud nurse", "nurse"),
        ("my sister Mia is a glorified receptionist at the clinic", "receptionist"),
    ],
)
def test_a_role_is_what_it_is_not_how_it_is_held(text: str, role: str) -> None:
    occupations = {
        v for (_, field, v) in _facts(_extract(f"Tess: {text}")) if field == "occupation"
    }
    assert occupations == {role}


@pytest.mark.parametrize(
    "text",
    [
        "I was born in March, a spring baby",
        "Marcus was born on a Tuesday, funnily enough",
        "Mia was born in summer",
    ],
)
def test_a_birth_without_its_year_or_day_gets_no_date(text: str) -> None:
    assert _birthdays(_extract(f"Nadia: {text}")) == {}


def test_a_birthday_without_a_year_stays_without_one() -> None:
    assert _birthdays(_extract("Nadia: I was born on July 4th")) == {"Nadia": "07-04"}


@pytest.mark.parametrize(
    "text",
    [
        "yeah Monday was day one at Verdant Labs for him",
        "Monday was day one for Leo at daycare",
        "Monday was day one at the gym, my legs are jelly",
    ],
)
def test_day_one_of_someone_else_or_of_a_habit_is_no_first_day(text: str) -> None:
    out = _extract("Meera: I joined Verdant Labs in March.", f"Meera: {text}")
    assert not any(label == "first_day_at" for _, label, _ in _relations(out))
    assert not any("first day" in value for _, value in _events(out))


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("what are you reading?", "Mum, mostly. she won't stop sending me thrillers"),
        ("what are you playing?", "Sam!"),
        ("what are you watching?", "The Bear? No. Succession"),
        ("what are you driving these days?", "Still the Civic"),
    ],
)
def test_a_person_a_question_back_or_more_than_a_name_is_no_title(
    question: str, answer: str
) -> None:
    out = _extract("Priya: hi Sam", "Sam: hi", f"Nadia: {question}", f"Tess: {answer}")
    assert not any(
        label in ("reads", "drives", "plays", "watches") for _, label, _ in _relations(out)
    )


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("I'm the former CTO of Acme Robotics", "CTO"),
        ("Sam is a Simple Wallet engineer", "Wallet engineer"),
    ],
)
def test_former_and_names_are_not_passing_words(text: str, kept: str) -> None:
    roles = {
        v
        for (_, field, v) in _facts(_extract(f"Tess: {text}"))
        if "role" in field or field == "occupation"
    }
    assert kept not in roles


def test_day_one_at_a_name_the_window_does_not_know_is_still_a_first_day() -> None:
    out = _extract("Meera: I got it AND I already started. Monday was day one at Verdant")
    assert ("Meera", "first day 4 March 2024") in _events(out)
