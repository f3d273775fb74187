"""An LLM as the answerer: one streamed call, citations checked, follow-ups split off.

The answer streams as the model writes it: each text delta becomes a :class:`Token` as soon as
``app.ask.stream.Splitter`` says it is safe to show. The provider (``app.llm``) retries only
before the first delta; once the asker has seen part of an answer, a failure raises
:class:`Unavailable`, because tokens already sent cannot be unsent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Final

import structlog

from app.ask.base import (
    NOTHING_FOUND,
    Answer,
    AnswerEvent,
    AnswerMethod,
    EntityHint,
    Passage,
    Token,
)
from app.ask.knowledge import Knowledge
from app.ask.prompts import answer_question
from app.ask.stream import Splitter, citations, follow_ups
from app.domain.usage import Usage
from app.errors import Unavailable
from app.llm.base import LLM, StreamEnd, TextRequest

__all__ = ["LLMAnswerer"]

log = structlog.get_logger(__name__)

#: The messages an LLM answer reads (its input is paid for): as many as before ADR 0020.
PASSAGES: Final = 6


class LLMAnswerer:
    """Answers through ``llm`` from the numbered passages alone; its ``name`` is the
    provider's (``anthropic``, ``openai``)."""

    def __init__(self, llm: LLM, *, max_tokens: int = 1024) -> None:
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        self.llm = llm
        self.name = llm.provider
        self.passages = PASSAGES
        self._max_tokens = max_tokens

    @property
    def model(self) -> str:
        return self.llm.model

    async def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint] = (),
        *,
        knowledge: Knowledge | None = None,  # unread: the LLM answers from the passages
    ) -> AsyncIterator[AnswerEvent]:
        if not passages:
            yield Token(NOTHING_FOUND)
            yield self._not_found("", entities, Usage())
            return
        prompt = answer_question(question, passages, entities)
        request = TextRequest(prompt.name, prompt.system, prompt.user, self._max_tokens)
        splitter = Splitter()
        sent = 0  # tokens shown to the asker
        end: StreamEnd | None = None
        try:
            async for event in self.llm.stream_text(request):
                if isinstance(event, StreamEnd):
                    end = event
                    break
                piece = splitter.feed(event.text)
                if piece:
                    sent += 1
                    yield Token(piece)
        except Unavailable as exc:
            if not sent:
                raise
            reason = exc.details.get("reason", exc.message)
            raise Unavailable(
                f"the answer broke off after {sent} token{'s' if sent != 1 else ''} had been "
                f"sent ({reason}); the answer shown is incomplete, ask again",
                **{**exc.details, "tokens_sent": sent},
            ) from None
        if end is None:
            raise Unavailable("the answer stream ended without its end", tokens_sent=sent)
        piece = splitter.finish()
        if piece:
            yield Token(piece)
        if end.stop_reason not in ("end_turn", "stop_sequence", "stop", None):
            log.warning(
                "ask.answer_cut_short", stop_reason=end.stop_reason, request_id=end.request_id
            )
        if not splitter.text:
            # Nothing was sent (no text means no token), so the answer can still be chosen.
            log.warning("ask.empty_answer", stop_reason=end.stop_reason, request_id=end.request_id)
            yield Token(NOTHING_FOUND)
            yield self._not_found(splitter.follow_ups or "", entities, end.usage)
            return
        yield self._finish(splitter, end, passages, entities)

    def _not_found(self, block: str, entities: Sequence[EntityHint], usage: Usage) -> Answer:
        return Answer(
            text=NOTHING_FOUND,
            cited=[],
            follow_ups=follow_ups(block, entities),
            found=False,
            answerer=self.name,
            method=AnswerMethod.NONE,
            usage=usage,
        )

    def _finish(
        self,
        splitter: Splitter,
        end: StreamEnd,
        passages: Sequence[Passage],
        entities: Sequence[EntityHint],
    ) -> Answer:
        """The closing :class:`Answer` for what was streamed (its tokens are already sent)."""
        text = splitter.text
        cited, dropped = citations(text, {p.number for p in passages})
        if dropped:
            log.warning(
                "ask.citations_dropped",
                dropped=dropped,
                passages=len(passages),
                request_id=end.request_id,
            )
        found = not splitter.not_found
        if splitter.not_found and cited:
            # The model said "not found" and cited anyway: the citations are in the text the
            # asker saw, so the answer is treated as found rather than hiding what it cites.
            log.warning("ask.not_found_with_citations", cited=cited, request_id=end.request_id)
            found = True
        return Answer(
            text=text,
            cited=cited,
            follow_ups=follow_ups(splitter.follow_ups or "", entities),
            found=found,
            answerer=self.name,
            method=AnswerMethod.LLM if found else AnswerMethod.NONE,
            usage=end.usage,
        )
