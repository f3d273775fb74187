"""The value a quoted sentence holds for a question (app.ask.spans): read from the parse, never a
word the question says, never from a sentence about someone else."""

from __future__ import annotations

from datetime import date

import pytest

from app.ask.question import parse_question
from app.ask.spans import Said, answer_spans

DAY = date(2024, 8, 20)  # a Tuesday


def _span(question: str, sentence: str, names: set[str], concerns: bool = True) -> str | None:
    [span] = answer_spans(parse_question(question), [Said(sentence, DAY, concerns)], names)
    return span.text if span else None


@pytest.mark.parametrize(
    ("question", "sentence", "names", "value"),
    [
        # who: a person the recogniser found, or the named subject of the question's verb
        ("Who looked after Gus while Meera was away?", "oh and Jordan looked after Gus while we were gone.", {"gus", "meera"}, "Jordan"),
        ("Who lent Walt the Joe Pickett books?", "now i'm on the joe pickett books, denise's husband craig lent me the first six.", {"walt"}, "Craig"),
        ("Who runs the bouldering group Ines joined?", "One of the other physios, Callum, runs a bouldering group on Wednesdays.", {"ines"}, "Callum"),
        # where: a place, preferring one the question's verb governs
        ("Which city did Bernie and Ray fly into?", "We flew into Halifax, then drove the Cabot Trail.", {"bernie", "ray"}, "Halifax"),
        # when: the date phrase, read against the day the message was sent
        ("When did Bernie start at the nursery?", "Three mornings a week at the nursery, starting April 17th.", {"bernie"}, "17 April 2024"),
        ("When was Felix born?", "Felix was born yesterday, eight pounds even.", {"felix"}, "19 August 2024"),
        ("When did Tomás graduate?", "we told her at Tomás's graduation yesterday.", {"tomás"}, "19 August 2024"),
        # what: the object of the question's verb, even when the question's parse missed it
        ("What is Ray building for Felix?", "He's building Felix a cherry rocking cradle to bring out to Portland in October.", {"ray", "felix"}, "cradle"),
        ("What subject did Meera teach at Cedar Ridge?", "I've taught chemistry at Cedar Ridge for seven years.", {"meera", "cedar ridge"}, "chemistry"),
        ("What is the name of Priya's dog?", "my dog Chutney ate a whole sock", {"priya"}, "Chutney"),
    ],
)  # fmt: skip
def test_the_value_the_question_asks_for_is_read_from_the_sentence(
    question: str, sentence: str, names: set[str], value: str
) -> None:
    assert _span(question, sentence, names) == value


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("Who is Maya's boss?", "Maya met Tom at the party."),
        ("When did Maya get married?", "Maya said hi on Monday."),
        ("What book is Maya reading?", "Maya works at Google."),
    ],
)
def test_a_sentence_that_names_the_person_but_not_what_is_asked_gives_no_value(
    question: str, sentence: str
) -> None:
    assert _span(question, sentence, {"maya"}) is None


def test_a_name_is_read_as_written() -> None:
    where = _span("Where did Ana move?", "Ana moved to Saint-Malo last spring.", {"ana"})
    assert where == "Saint-Malo"


def test_a_sentence_about_someone_else_gives_no_name() -> None:
    # Priya is asked about; Theo's sentence about Hannah's wish names neither her nor her dog.
    assert (
        _span("What is the name of Priya's dog?", "Hannah wants a second dog.", {"priya"}, False)
        is None
    )


def test_words_the_question_says_and_shouted_chat_are_no_answer() -> None:
    assert (
        _span("Where does Priya live?", "PRIYA lives in Minneapolis now", {"priya"})
        == "Minneapolis"
    )
    assert _span("Where did Tess travel in March?", "WAIT. Tess went where?", {"tess"}) is None


def test_a_place_is_nobody_unless_it_does_something() -> None:
    assert _span("Who is Rafa's girlfriend?", "Rafa moved to Durham with her.", {"rafa"}) is None


def test_why_and_how_are_answered_by_the_sentence_not_a_value() -> None:
    assert (
        _span("Why did Maya move to Boston?", "Maya moved to Boston for the job.", {"maya"}) is None
    )
