"""What Anthropic's Messages API sends and expects, apart from the provider's control flow:
errors as the retry policy sees them, the forced tool call, the re-ask turns, stream events."""

from __future__ import annotations

from dataclasses import dataclass, field

import anthropic
import httpx2
from anthropic.types import (
    ContentBlockParam,
    Message,
    MessageParam,
    RawContentBlockDeltaEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    RawMessageStopEvent,
    RawMessageStreamEvent,
    TextBlock,
    TextBlockParam,
    TextDelta,
    ToolUseBlock,
)

from app.llm.base import Usage
from app.llm.retry import Failure
from app.llm.validation import problem_listing

__all__ = ["StreamCall", "classified", "classify", "reask_turns", "tool_use_of"]


def classify(exc: Exception) -> Failure | None:
    """The retry policy's view of an SDK error; None for anything that is not one."""
    if isinstance(exc, anthropic.APIStatusError):
        return Failure.from_status(
            exc.status_code,
            exc.response.headers,
            error_type=getattr(exc, "type", None),
            api_message=getattr(exc, "api_message", None),
            request_id=exc.request_id,
        )
    if isinstance(exc, anthropic.APIConnectionError | httpx2.TransportError):
        return Failure.connection(exc)
    return None


def classified(exc: Exception) -> Failure:
    """:func:`classify`, re-raising what is not an SDK error."""
    failure = classify(exc)
    if failure is None:
        raise exc
    return failure


def tool_use_of(response: Message, tool_name: str) -> ToolUseBlock | None:
    for block in response.content:
        if isinstance(block, ToolUseBlock) and block.name == tool_name:
            return block
    return None


def reask_turns(
    response: Message, tool_use: ToolUseBlock | None, tool_name: str, problems: list[str]
) -> list[MessageParam]:
    """The failed answer and the correction that follows it."""
    listing = problem_listing(problems)
    texts: list[ContentBlockParam] = [
        {"type": "text", "text": block.text}
        for block in response.content
        if isinstance(block, TextBlock) and block.text.strip()
    ]
    if tool_use is None:
        if not texts:  # an empty assistant turn is not accepted; the forced tool_choice stands
            return []
        reminder: TextBlockParam = {
            "type": "text",
            "text": f"Problems:\n{listing}\nCall {tool_name} with the whole answer.",
        }
        return [{"role": "assistant", "content": texts}, {"role": "user", "content": [reminder]}]
    replayed: ContentBlockParam = {
        "type": "tool_use",
        "id": tool_use.id,
        "name": tool_use.name,
        "input": tool_use.input,
    }
    return [
        {"role": "assistant", "content": [*texts, replayed]},
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": tool_use.id,
                    "is_error": True,
                    "content": (
                        f"The {tool_use.name} input was invalid:\n{listing}\n"
                        f"Call {tool_use.name} again with the whole corrected answer."
                    ),
                }
            ],
        },
    ]


@dataclass
class StreamCall:
    """What one streamed response reported: its usage (cumulative counts), model, stop."""

    usage: Usage = field(default_factory=Usage)
    model: str | None = None
    request_id: str | None = None
    stop_reason: str | None = None
    stopped: bool = False

    def observe(self, event: RawMessageStreamEvent) -> str:
        """Records ``event``; returns the text it adds ("" for none)."""
        if isinstance(event, RawContentBlockDeltaEvent):
            return event.delta.text if isinstance(event.delta, TextDelta) else ""
        if isinstance(event, RawMessageStartEvent):
            start = event.message.usage
            self.model = event.message.model
            self.usage.llm_calls = 1
            self.usage.input_tokens = start.input_tokens
            self.usage.output_tokens = start.output_tokens
            self.usage.cache_read_tokens = start.cache_read_input_tokens or 0
            self.usage.cache_write_tokens = start.cache_creation_input_tokens or 0
        elif isinstance(event, RawMessageDeltaEvent):
            # message_delta counts are cumulative; absent ones keep message_start's values.
            delta = event.usage
            self.usage.output_tokens = delta.output_tokens
            if delta.input_tokens is not None:
                self.usage.input_tokens = delta.input_tokens
            if delta.cache_read_input_tokens is not None:
                self.usage.cache_read_tokens = delta.cache_read_input_tokens
            if delta.cache_creation_input_tokens is not None:
                self.usage.cache_write_tokens = delta.cache_creation_input_tokens
            self.stop_reason = event.delta.stop_reason or self.stop_reason
        elif isinstance(event, RawMessageStopEvent):
            self.stopped = True
        return ""
