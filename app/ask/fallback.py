"""Answers that survive the LLM: when it cannot be reached, the offline answerer answers, and
the answer says so (``Answer.notice``)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence

import structlog

from app.ask.base import Answer, Answerer, AnswerEvent, EntityHint, Passage
from app.ask.knowledge import Knowledge
from app.errors import LibrarianError, RateLimited, Unavailable
from app.llm.base import LLMAuthFailed

__all__ = ["FallbackAnswerer"]

log = structlog.get_logger(__name__)

# What makes the LLM unusable for now; anything else (a bug, a rejected request) propagates.
_FALL_BACK_ON = (Unavailable, RateLimited, LLMAuthFailed)


class FallbackAnswerer:
    """``primary`` (the LLM) unless it fails before its first token; then ``fallback``."""

    def __init__(self, primary: Answerer, fallback: Answerer) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name
        self.passages = max(primary.passages, fallback.passages)

    async def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint] = (),
        *,
        knowledge: Knowledge | None = None,
    ) -> AsyncIterator[AnswerEvent]:
        started = False
        try:
            async for event in self.primary.answer(
                question, passages[: self.primary.passages], entities, knowledge=knowledge
            ):
                started = True
                yield event
            return
        except _FALL_BACK_ON as exc:
            if started:  # part of the answer was shown: say so rather than start another
                raise
            failure: LibrarianError = exc
        log.warning(
            "ask.fallback",
            primary=self.primary.name,
            fallback=self.fallback.name,
            code=failure.code,
            error=failure.message,
        )
        notice = (
            f"The LLM ({self.primary.name}) could not answer ({failure.message}); this answer "
            "answers offline instead."
        )
        async for event in self.fallback.answer(question, passages, entities, knowledge=knowledge):
            yield dataclasses.replace(event, notice=notice) if isinstance(event, Answer) else event
