"""The offline answerer quotes what answers, cites it, and says so when nothing does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.ask.base import NOTHING_FOUND, Answer, AnswerEvent, EntityHint, Passage, Token
from app.ask.extractive import ExtractiveAnswerer
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


async def _answer(
    embedder: Embedder, question: str, passages: list[Passage], entities: list[EntityHint]
) -> tuple[list[str], Answer]:
    events: list[AnswerEvent] = [
        e async for e in ExtractiveAnswerer(embedder).answer(question, passages, entities)
    ]
    *tokens, last = events
    assert isinstance(last, Answer)
    assert all(isinstance(t, Token) for t in tokens)
    return [t.text for t in tokens if isinstance(t, Token)], last


async def test_the_answering_message_is_quoted_with_its_speaker_date_and_citation(
    embedder: Embedder,
) -> None:
    hints = [EntityHint("Daniel Okafor", "person"), EntityHint("Atlas", "project")]
    tokens, answer = await _answer(embedder, "When is the dashboard deadline?", PASSAGES, hints)
    assert answer.found
    assert answer.cited[0] == 2
    assert "November 15" in answer.text
    assert "Priya Raman" in answer.text
    assert "12 Sep 2024" in answer.text
    assert "[2]" in answer.text
    assert "".join(tokens) == answer.text
    assert len(tokens) > 5
    assert 2 <= len(answer.follow_ups) <= 3
    assert any("Daniel Okafor" in q for q in answer.follow_ups)
    assert answer.answerer == "extractive"


async def test_an_unrelated_question_is_answered_with_nothing_found(embedder: Embedder) -> None:
    tokens, answer = await _answer(
        embedder, "What is the airspeed of an unladen swallow?", PASSAGES, []
    )
    assert not answer.found
    assert answer.cited == []
    assert answer.text == NOTHING_FOUND
    assert "".join(tokens) == NOTHING_FOUND


async def test_no_passages_means_nothing_found(embedder: Embedder) -> None:
    _, answer = await _answer(embedder, "When is the deadline?", [], [])
    assert not answer.found
    assert answer.cited == []


async def test_a_long_message_is_quoted_around_its_best_sentence(embedder: Embedder) -> None:
    long_text = (
        "We spent the first half hour on hiring. " * 6
        + "The ramipril was switched to amlodipine because of the cough. "
        + "Then we talked about parking for a while. " * 6
    )
    _, answer = await _answer(
        embedder,
        "Why was the ramipril switched?",
        [passage(1, "Dr. Ines Alves", long_text)],
        [],
    )
    assert answer.found
    assert "amlodipine" in answer.text
    assert "…" in answer.text
    assert len(answer.text) < len(long_text)
