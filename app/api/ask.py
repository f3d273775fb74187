"""ask(question) over GraphQL: a subscription of answer tokens, then the cited answer."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.search import SearchFilters
from app.api.types import Message
from app.ask.base import AnswerMethod, Token
from app.ask.service import Asked
from app.ask.service import ask as ask_question

__all__ = ["AnswerMethod", "AskAnswer", "AskEvent", "AskToken", "Citation", "ask"]

# The answerer's enum, registered with its GraphQL name (strawberry.enum decorates it in place).
strawberry.enum(
    AnswerMethod,
    name="AnswerMethod",
    description=(
        "How an answer was made. FACT: from facts or relations of the graph, citing the "
        "messages they come from (offline). PASSAGE: a quoted sentence of a message found, "
        "when no fact answered (offline). LLM: written by the LLM from the messages found. "
        "NONE: nothing answered; the text says so."
    ),
)


@strawberry.type(description="A piece of the answer, as it is written.")
class AskToken:
    text: str


@strawberry.type
class Citation:
    number: int = strawberry.field(description="As cited in the answer: [number].")
    message: Message


@strawberry.type(description="The last event: the whole answer, what it cites, what to ask next.")
class AskAnswer:
    text: str = strawberry.field(description="Exactly the tokens sent before, joined.")
    citations: list[Citation] = strawberry.field(
        description="In order of first citation (the offline answerer numbers them so: [1], [2])."
    )
    follow_ups: list[str]
    found: bool = strawberry.field(
        description="False when nothing in the conversations answered the question."
    )
    answerer: str = strawberry.field(description="extractive (offline), anthropic or openai.")
    method: AnswerMethod = strawberry.field(description="How the answer was made.")
    basis: str | None = strawberry.field(
        description="Offline answers: what the answer's value is of (\"Maya's pet\"), or the "
        "sentence it was read from, with who said it and when; null otherwise."
    )
    notice: str | None = strawberry.field(
        description="Set when the configured LLM could not answer and the offline answerer did."
    )
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float = strawberry.field(description="US dollars this answer cost.")


AskEvent = Annotated[AskToken | AskAnswer, strawberry.union("AskEvent")]


async def ask(
    info: Info[Context, None], question: str, filters: SearchFilters | None = None
) -> AsyncGenerator[AskEvent, None]:
    """Search for the question, then stream an answer from the messages found: AskToken
    events, then one AskAnswer."""
    context = info.context
    context.fresh_state()
    services = context.services
    events = ask_question(
        context.db,
        services.searcher,
        services.answerer,
        question,
        filters.to_filters() if filters else None,
    )
    async for event in events:
        if isinstance(event, Token):
            yield AskToken(text=event.text)
            continue
        assert isinstance(event, Asked)
        context.loaders.conversation.prime_many(
            {c.conversation["id"]: c.conversation for c in event.citations if c.conversation}
        )
        answer = event.answer
        yield AskAnswer(
            text=answer.text,
            citations=[
                Citation(number=c.number, message=Message.from_row(c.message))
                for c in event.citations
            ],
            follow_ups=answer.follow_ups,
            found=answer.found,
            answerer=answer.answerer,
            method=answer.method,
            basis=answer.basis,
            notice=answer.notice,
            llm_calls=answer.usage.llm_calls,
            input_tokens=answer.usage.input_tokens
            + answer.usage.cache_read_tokens
            + answer.usage.cache_write_tokens,
            output_tokens=answer.usage.output_tokens,
            cost_usd=answer.usage.cost_usd,
        )
