"""While the LLM cannot answer, the offline answerer does, and the answer says why."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest

from app.ask.base import Answer, AnswerEvent, AnswerMethod, EntityHint, Passage, Token
from app.ask.fallback import FallbackAnswerer
from app.ask.knowledge import Knowledge, MemoryKnowledge
from app.errors import LibrarianError, Unavailable
from app.llm.base import LLMAuthFailed, LLMRateLimited, LLMRejected, LLMUnavailable

PASSAGES = [
    Passage(1, "m-1", "c-1", "Standup", "Ana", datetime(2024, 3, 1, tzinfo=UTC), "I moved.", 0.1)
]


class Failing:
    """An LLM answerer that sends ``tokens`` tokens, then raises ``error``."""

    name = "openai"
    passages = 6

    def __init__(self, error: LibrarianError, tokens: int = 0) -> None:
        self.error = error
        self.tokens = tokens

    async def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint] = (),
        *,
        knowledge: Knowledge | None = None,
    ) -> AsyncIterator[AnswerEvent]:
        for _ in range(self.tokens):
            yield Token("Ana ")
        raise self.error


class Offline:
    name = "extractive"
    passages = 16

    def __init__(self) -> None:
        self.knowledge: Knowledge | None = None

    async def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint] = (),
        *,
        knowledge: Knowledge | None = None,
    ) -> AsyncIterator[AnswerEvent]:
        self.knowledge = knowledge
        yield Token("Ana: I moved. [1]")
        yield Answer("Ana: I moved. [1]", [1], [], True, self.name, AnswerMethod.PASSAGE)


GRAPH = MemoryKnowledge([])


async def events(answerer: FallbackAnswerer) -> list[AnswerEvent]:
    return [e async for e in answerer.answer("Where is Ana?", PASSAGES, knowledge=GRAPH)]


@pytest.mark.parametrize(
    "error",
    [
        LLMUnavailable("OpenAI unavailable (HTTP 503) after 3 attempts to answer"),
        LLMRateLimited("OpenAI rate limited (HTTP 429) after 3 attempts to answer"),
        LLMAuthFailed("the LLM key was rejected by OpenAI (HTTP 401)"),
    ],
)
async def test_the_offline_answerer_answers_and_says_why(error: LibrarianError) -> None:
    offline = Offline()
    *tokens, answer = await events(FallbackAnswerer(Failing(error), offline))

    assert tokens == [Token("Ana: I moved. [1]")]
    assert isinstance(answer, Answer)
    assert answer.answerer == "extractive"
    assert answer.method is AnswerMethod.PASSAGE
    assert offline.knowledge is GRAPH, "the offline answerer may read the graph"
    assert answer.cited == [1]
    assert answer.notice is not None
    assert "openai" in answer.notice
    assert error.message in answer.notice


async def test_an_answer_already_showing_is_not_replaced() -> None:
    broken = LLMUnavailable("the answer broke off after 2 tokens had been sent")

    with pytest.raises(Unavailable, match="broke off"):
        await events(FallbackAnswerer(Failing(broken, tokens=2), Offline()))


async def test_a_refused_request_is_not_hidden_behind_the_fallback() -> None:
    refused = LLMRejected("OpenAI rejected the request to answer (HTTP 400): context too long")

    with pytest.raises(LLMRejected):
        await events(FallbackAnswerer(Failing(refused), Offline()))
