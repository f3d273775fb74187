"""Claude's ``conversations.json``: a list of conversations with their ``chat_messages``.

A message's ``text`` is used when it has any; otherwise its ``content`` blocks of type
``text`` are joined (tool use, tool results, thinking and attachments are left out).
"""

from __future__ import annotations

from typing import Any

from app.domain.conversations import ConversationInput, MessageInput
from app.sources.conversations._common import (
    ParseError,
    ParseReport,
    as_list,
    as_object,
    clip_title,
    conversation_label,
    make_message,
    optional_str,
    parse_iso,
)

ORIGIN = "claude"
UNTITLED = "Untitled Claude conversation"
_SPEAKERS = {"human": "User", "assistant": "Claude"}


def looks_like(obj: dict[str, Any]) -> bool:
    return "chat_messages" in obj


def parse(data: object, source: str) -> ParseReport:
    items = data if isinstance(data, list) else [data]
    report = ParseReport(format="claude")
    for index, item in enumerate(items, start=1):
        obj = as_object(item, source, conversation_label(index, None), "a conversation")
        label = conversation_label(index, optional_str(obj, "name"))
        if "chat_messages" not in obj:
            raise ParseError(source, "is not a Claude conversation: no 'chat_messages'", at=label)
        messages: list[MessageInput] = []
        raw_messages = as_list(obj["chat_messages"], source, label, "'chat_messages'")
        for position, raw in enumerate(raw_messages, start=1):
            message = _message(raw, f"{label} message {position}", source)
            if message is None:
                report.skipped_messages += 1
            else:
                messages.append(message)
        if not messages:
            report.skipped_conversations.append(f"{label}: no message with text")
            continue
        title = clip_title(optional_str(obj, "name"), UNTITLED)
        report.conversations.append(
            ConversationInput(title=title, origin=ORIGIN, messages=messages)
        )
    return report


def _message(raw: object, at: str, source: str) -> MessageInput | None:
    msg = as_object(raw, source, at, "a message")
    sender = optional_str(msg, "sender")
    if sender is None:
        raise ParseError(source, "has no 'sender'", at=at)
    text = optional_str(msg, "text") or _content_text(msg.get("content"))
    if not text:
        return None
    return make_message(
        source,
        at,
        speaker=_SPEAKERS.get(sender, sender),
        text=text,
        timestamp=parse_iso(msg.get("created_at"), source, at, "created_at"),
        external_id=optional_str(msg, "uuid"),
    )


def _content_text(content: object) -> str:
    if not isinstance(content, list):
        return ""
    texts = [
        block["text"].strip()
        for block in content
        if isinstance(block, dict)
        and block.get("type") == "text"
        and isinstance(block.get("text"), str)
        and block["text"].strip()
    ]
    return "\n".join(texts)
