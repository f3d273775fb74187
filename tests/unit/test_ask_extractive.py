"""The offline answerer: a fact when one answers, else the best sentence of the messages found,
else a plain "nothing"; citations numbered in order of appearance. The graph is held in memory
here (MemoryKnowledge); tests/api/test_ask_graph.py asks the real one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from app.ask.base import Answer, AnswerEvent, AnswerMethod, EntityHint, Passage, Token
from app.ask.extractive import ExtractiveAnswerer
from app.ask.knowledge import EntityRef, Evidence, Knowledge, MemoryKnowledge, Statement
from app.embed import Embedder, create_embedder

T = datetime(2024, 9, 12, 9, 3, tzinfo=UTC)


def passage(number: int, speaker: str, text: str) -> Passage:
    return Passage(number, f"msg_{number}", "conv_1", "Atlas weekly sync", speaker, T, text, 0.03)


PASSAGES = [
    passage(1, "Kwame Mensah", "Design-wise the read-only views are nearly done."),
    passage(
        2,
        "Priya Raman",
        "I talked to my manager, Daniel Okafor, yesterday. He's fine with moving it. "
        "So the new deadline for the dashboard is November 15, not October 31.",
    ),
    passage(3, "Lena Fischer", "Can someone send me the slides after the call?"),
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return create_embedder("local")


@pytest.fixture(scope="module")
def answerer(embedder: Embedder) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(embedder)


async def _answer(
    answerer: ExtractiveAnswerer,
    question: str,
    passages: Sequence[Passage] = (),
    entities: Sequence[EntityHint] = (),
    knowledge: Knowledge | None = None,
) -> tuple[list[str], Answer]:
    events: list[AnswerEvent] = [
        e async for e in answerer.answer(question, passages, entities, knowledge=knowledge)
    ]
    *tokens, last = events
    assert isinstance(last, Answer)
    assert all(isinstance(t, Token) for t in tokens)
    texts = [t.text for t in tokens if isinstance(t, Token)]
    assert "".join(texts) == last.text
    return texts, last


# --- passages ----------------------------------------------------------------------------------


async def test_the_date_the_answering_sentence_names_leads_and_the_sentence_is_its_basis(
    answerer: ExtractiveAnswerer,
) -> None:
    hints = [EntityHint("Daniel Okafor", "person"), EntityHint("Atlas", "project")]
    tokens, answer = await _answer(answerer, "When is the dashboard deadline?", PASSAGES, hints)
    assert answer.found
    assert answer.method is AnswerMethod.PASSAGE
    # "November 15" in a message of 12 September 2024, as a date; cited as [1].
    assert answer.text == "15 November 2024 [1]."
    assert tokens == ["15 ", "November ", "2024 ", "[1]."]
    # The basis quotes the one sentence it was read in, with who said it and when.
    assert answer.basis is not None
    assert "November 15" in answer.basis
    assert "Priya Raman" in answer.basis
    assert "12 Sep 2024" in answer.basis
    assert "manager" not in answer.basis
    assert answer.cited == [1]
    assert answer.sources is not None
    assert [(p.number, p.message_id) for p in answer.sources] == [(1, "msg_2")]
    assert 2 <= len(answer.follow_ups) <= 3
    assert any("Daniel Okafor" in q for q in answer.follow_ups)
    assert answer.answerer == "extractive"


async def test_the_asked_about_persons_statement_beats_the_other_speakers_question(
    answerer: ExtractiveAnswerer,
) -> None:
    chat = [
        passage(1, "Jonah", "So Maya, what do you do for a living these days?"),
        passage(2, "Maya", "I'm a nurse now, nights at the children's hospital."),
        passage(3, "Jonah", "I do accounting for a living, boring but fine."),
    ]
    _, answer = await _answer(answerer, "What does Maya do for a living?", chat)
    assert answer.method is AnswerMethod.PASSAGE
    assert answer.sources is not None
    assert answer.sources[0].message_id == "msg_2"
    assert "nurse" in answer.text


@pytest.mark.parametrize(
    ("question", "text", "value"),
    [
        ("Where did Ana move in May?", "Ana: we finally moved to Lisbon in May.", "Lisbon"),
        ("Who did Ana go climbing with?", "I went climbing with Tomas on Sunday.", "Tomas"),
        ("What is the name of Ana's dog?", "My dog Pimento ate a sock again.", "Pimento"),
        ("What instrument is Ana learning?", "I am learning the cello this winter.", "cello"),
        ("When did Ana start at the bakery?", "I started at the bakery yesterday!", "11 September 2024"),
    ],
)  # fmt: skip
async def test_a_sentence_that_holds_the_kind_of_value_asked_for_answers_with_that_value(
    answerer: ExtractiveAnswerer, question: str, text: str, value: str
) -> None:
    chat = [
        passage(1, "Ben", "How was your week, Ana? Anything new?"),
        passage(2, "Ana", text),
    ]
    _, answer = await _answer(answerer, question, chat)
    assert answer.method is AnswerMethod.PASSAGE
    assert answer.text == f"{value} [1].", answer.basis
    assert answer.basis is not None
    assert text.split(": ")[-1] in answer.basis
    assert answer.sources is not None
    assert answer.sources[0].message_id == "msg_2"


async def test_no_value_is_read_from_a_sentence_about_someone_else(
    answerer: ExtractiveAnswerer,
) -> None:
    chat = [passage(1, "Theo", "Hannah wants a second dog, a corgi maybe.")]
    _, answer = await _answer(answerer, "What is the name of Priya's dog?", chat)
    # The sentence may be quoted, but no value is offered as the name of Priya's dog.
    assert answer.basis is None
    assert not answer.text.startswith("Hannah")


async def test_an_unrelated_question_is_answered_plainly_with_nothing(
    answerer: ExtractiveAnswerer,
) -> None:
    question = "What is the airspeed of an unladen swallow?"
    _, answer = await _answer(answerer, question, PASSAGES)
    assert not answer.found
    assert answer.method is AnswerMethod.NONE
    assert answer.cited == []
    assert answer.text == f"I found nothing in the library about “{question}”."


async def test_no_passages_and_no_graph_means_nothing_found(answerer: ExtractiveAnswerer) -> None:
    _, answer = await _answer(answerer, "When is the deadline?")
    assert (answer.found, answer.method, answer.cited) == (False, AnswerMethod.NONE, [])


async def test_a_long_message_is_quoted_by_its_best_sentence(answerer: ExtractiveAnswerer) -> None:
    long_text = (
        "We spent the first half hour on hiring. " * 6
        + "The ramipril was switched to amlodipine because of the cough. "
        + "Then we talked about parking for a while. " * 6
    )
    _, answer = await _answer(
        answerer, "Why was the ramipril switched?", [passage(1, "Dr. Ines Alves", long_text)]
    )
    assert answer.found
    # "Why" asks for a reason, which is no single value: the sentence itself answers.
    assert "amlodipine" in answer.text
    assert "hiring" not in answer.text
    assert "parking" not in answer.text
    assert "…" in answer.text
    assert answer.basis is None


# --- facts -------------------------------------------------------------------------------------

MAYA = EntityRef("e_maya", "Maya Okonkwo", "person", ("Maya",))
LEO = EntityRef("e_leo", "Leo", "person")
DENVER = EntityRef("e_denver", "Denver", "place")
BOSTON = EntityRef("e_boston", "Boston", "place")
KIWI = EntityRef("e_kiwi", "Kiwi", "animal")


def said(n: int, speaker: str, text: str, day: int) -> Evidence:
    when = datetime(2024, 3, day, 18, 0, tzinfo=UTC)
    return Evidence(
        {"id": f"m{n}", "text": text, "speaker": speaker, "conversation_id": "c1",
         "timestamp": int(when.timestamp() * 1000)},
        {"id": "c1", "title": "Maya and Jonah"},
    )  # fmt: skip


GRAPH = MemoryKnowledge(
    [
        Statement(
            "f1", "fact", MAYA, "pet", "Kiwi", value_type="animal",
            evidence=(said(41, "Maya", "My parrot Kiwi learned to whistle!", 2),),
        ),
        Statement(
            "f2", "fact", MAYA, "occupation", "nurse",
            evidence=(said(12, "Maya", "I work as a nurse at Saint Luke's now.", 1),),
        ),
        Statement(
            "r1", "relation", MAYA, "sibling_of", "Leo", other=LEO, value_type="person",
            evidence=(said(20, "Maya", "My brother Leo is visiting next week.", 3),),
        ),
        Statement(
            "r2", "relation", LEO, "lives_in", "Denver", other=DENVER, value_type="place",
            evidence=(said(21, "Maya", "Leo lives in Denver, he loves the mountains.", 3),),
        ),
        Statement(
            "r3", "relation", MAYA, "lives_in", "Boston", other=BOSTON, value_type="place",
            valid_from="2024-03",
            evidence=(said(30, "Maya", "Settling into the new place in Boston.", 5),),
        ),
        Statement(
            "f3", "fact", MAYA, "adopted", "Kiwi", value_type="animal", event_date="2024-03-09",
            evidence=(said(40, "Maya", "I adopted Kiwi yesterday!", 10),),
        ),
    ],
    [KIWI],
)  # fmt: skip


@pytest.mark.parametrize(
    ("question", "value", "basis", "message"),
    [
        ("What is the name of Maya's parrot?", "Kiwi", "Maya's pet", "m41"),
        ("What does Maya do for a living?", "nurse", "Maya's occupation", "m12"),
        ("Where does Maya live?", "Boston", "Maya lives in", "m30"),
        ("Who is Maya's brother?", "Leo", "Maya's sibling", "m20"),
        ("When did Maya adopt Kiwi?", "9 March 2024", "Maya adopted Kiwi", "m40"),
    ],
)
async def test_a_fact_answers_with_its_value_and_cites_its_message(
    answerer: ExtractiveAnswerer, question: str, value: str, basis: str, message: str
) -> None:
    _, answer = await _answer(answerer, question, PASSAGES, knowledge=GRAPH)
    assert answer.method is AnswerMethod.FACT
    assert answer.found
    assert answer.text == f"{value} [1].", answer.text
    assert answer.basis == basis
    assert answer.cited == [1]
    assert answer.sources is not None
    assert [p.message_id for p in answer.sources] == [message]


async def test_two_steps_answer_where_maya_s_brother_lives(answerer: ExtractiveAnswerer) -> None:
    _, answer = await _answer(answerer, "In which city does Maya's brother live?", knowledge=GRAPH)
    assert answer.method is AnswerMethod.FACT
    assert answer.text == "Denver [1][2]."
    assert answer.basis is not None
    assert answer.basis.startswith("Leo (")
    # Numbered in order of appearance: the fact that answers, then the relation that led to it.
    assert answer.cited == [1, 2]
    assert answer.sources is not None
    assert [p.message_id for p in answer.sources] == ["m21", "m20"]


async def test_a_question_no_fact_fits_falls_back_to_the_passages(
    answerer: ExtractiveAnswerer,
) -> None:
    _, answer = await _answer(
        answerer, "When is the dashboard deadline?", PASSAGES, knowledge=GRAPH
    )
    assert answer.method is AnswerMethod.PASSAGE
    assert answer.text == "15 November 2024 [1]."


async def test_a_fact_about_someone_else_does_not_answer(answerer: ExtractiveAnswerer) -> None:
    _, answer = await _answer(answerer, "What is Maya's favourite colour?", knowledge=GRAPH)
    assert answer.method is AnswerMethod.NONE
    assert answer.text.startswith("I found nothing in the library about")


async def test_a_replaced_value_gives_way_to_the_current_one(answerer: ExtractiveAnswerer) -> None:
    old = Statement(
        "r0", "relation", MAYA, "lives_in", "Denver", other=DENVER, value_type="place",
        superseded=True, evidence=(said(5, "Maya", "Denver has been home for years.", 1),),
    )  # fmt: skip
    graph = MemoryKnowledge([old, *await GRAPH.statements_about([MAYA, LEO])])
    _, now = await _answer(answerer, "Where does Maya live?", knowledge=graph)
    _, before = await _answer(answerer, "Where did Maya live before?", knowledge=graph)
    assert now.text.startswith("Boston [")
    assert before.text.startswith("Denver [")


async def test_a_date_a_message_gives_beats_a_fact_known_only_by_the_day_it_was_said(
    answerer: ExtractiveAnswerer,
) -> None:
    moved = Statement(
        "f9", "fact", MAYA, "moved_to", "Lisbon", value_type="place",
        evidence=(said(50, "Maya", "Maya moved to Lisbon, she says it's lovely.", 20),),
    )  # fmt: skip
    graph = MemoryKnowledge([moved], [])
    chat = [passage(1, "Maya", "We moved to Lisbon on the 14th, boxes everywhere.")]
    _, without = await _answer(answerer, "When did Maya move to Lisbon?", knowledge=graph)
    assert without.method is AnswerMethod.FACT
    assert without.text == "Said on 20 March 2024 [1]."
    _, answer = await _answer(answerer, "When did Maya move to Lisbon?", chat, knowledge=graph)
    assert answer.method is AnswerMethod.PASSAGE
    assert answer.text == "14 August 2024 [1]."  # "the 14th" before 12 September


async def test_passages_of_conversations_the_person_is_not_in_do_not_answer_about_them(
    answerer: ExtractiveAnswerer,
) -> None:
    """Maya is known from c1 only: a better-worded sentence from another conversation, about
    someone else's car, is not her answer."""
    text = "Maya drives a red Tacoma, the other Maya, from climbing."
    elsewhere = Passage(1, "msg_x", "conv_other", "Ben and Theo", "Ben", T, text, 0.05)
    text = "Finally bought a car! a green Civic"
    hers = Passage(2, "msg_m", "c1", "Maya and Jonah", "Maya", T, text, 0.02)
    _, answer = await _answer(
        answerer, "What car does Maya drive?", [elsewhere, hers], knowledge=GRAPH
    )
    assert answer.method is AnswerMethod.PASSAGE
    assert answer.sources is not None
    assert [p.message_id for p in answer.sources] == ["msg_m"]
    # With no passage of hers at all, the others are still read.
    _, other = await _answer(answerer, "What car does Maya drive?", [elsewhere], knowledge=GRAPH)
    assert other.sources is not None
    assert [p.message_id for p in other.sources] == ["msg_x"]


JONAH = EntityRef("e_jonah", "Jonah", "person")
CIAN = EntityRef("e_cian", "Cian", "person")
MAYA_TOO = EntityRef("e_maya", "Maya", "person")
MUM = EntityRef("e_mum", "Mum", "person")  # someone's mother, as they call her
LEEDS = EntityRef("e_leeds", "Leeds", "place")
JONAH_GRAPH = MemoryKnowledge(
    [
        Statement(
            "r1", "relation", JONAH, "lives_in", "Boston", other=BOSTON, value_type="place",
            evidence=(said(50, "Jonah", "Boston in March is grey, grey, grey.", 4),),
        ),
        Statement(
            "r2", "relation", JONAH, "roommate_of", "Cian", other=CIAN, value_type="person",
            evidence=(said(51, "Jonah", "Cian and I finally fixed the boiler in our flat.", 4),),
        ),
        Statement(
            "r4", "relation", MUM, "lives_in", "Leeds", other=LEEDS, value_type="place",
            evidence=(said(70, "Cian", "Mum still lives in Leeds, never leaving", 7),),
        ),
        Statement(
            "r3", "relation", JONAH, "talks_with", "Maya", other=MAYA_TOO, value_type="person",
            evidence=tuple(
                said(60 + i, s, t, 6)
                for i, (s, t) in enumerate(
                    [("Maya", "Owen proposed!!!"), ("Jonah", "WHAT"), ("Maya", "at the lake"),
                     ("Jonah", "so happy for you"), ("Maya", "I said yes obviously")]
                )
            ),
        ),
    ],
)  # fmt: skip


async def test_a_question_about_a_relative_is_not_answered_by_the_persons_own_statement(
    answerer: ExtractiveAnswerer,
) -> None:
    """Jonah lives in Boston; nothing says where his sister lives, so Boston is no answer."""
    _, own = await _answer(answerer, "In which city does Jonah live?", knowledge=JONAH_GRAPH)
    assert own.method is AnswerMethod.FACT
    assert own.text == "Boston [1]."
    questions = (
        "Where does Jonah's sister live?",
        "What city does Jonah's mom live in?",
        "Where do Jonah's in-laws live?",
        "Where does Jonah's ex live?",
    )
    for asked in (*questions, "Where does Jonah's mum live?"):  # nor by anyone's "Mum"
        _, other = await _answer(answerer, asked, knowledge=JONAH_GRAPH)
        assert other.method is not AnswerMethod.FACT, asked


async def test_a_flatmate_is_a_roommate(answerer: ExtractiveAnswerer) -> None:
    _, answer = await _answer(answerer, "Who is Jonah's flatmate?", knowledge=JONAH_GRAPH)
    assert answer.method is AnswerMethod.FACT
    assert answer.text == "Cian [1]."


async def test_who_talks_with_whom_is_no_evidence_for_what_their_messages_say(
    answerer: ExtractiveAnswerer,
) -> None:
    """Their messages say "proposed", but talking with Maya says nothing of who proposed."""
    _, answer = await _answer(answerer, "Who proposed to Jonah?", knowledge=JONAH_GRAPH)
    assert answer.method is not AnswerMethod.FACT
    assert "Maya" not in answer.text
