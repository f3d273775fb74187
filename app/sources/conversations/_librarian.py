"""Librarian's own JSON: the ``ingestConversation`` input, one object or a list of them."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from app.domain.conversations import ConversationInput
from app.sources.conversations._common import (
    ParseError,
    ParseReport,
    as_list,
    as_object,
    conversation_label,
    optional_str,
)

ORIGIN = "librarian"


def looks_like(obj: dict[str, Any]) -> bool:
    return "messages" in obj


def parse(data: object, source: str) -> ParseReport:
    """Every conversation must be valid: unlike an export, this file was written on purpose."""
    items = data if isinstance(data, list) else [data]
    report = ParseReport(format="librarian")
    for index, item in enumerate(items, start=1):
        report.conversations.append(_conversation(item, index, source))
    return report


def _conversation(item: object, index: int, source: str) -> ConversationInput:
    obj = as_object(item, source, conversation_label(index, None), "a conversation")
    label = conversation_label(index, optional_str(obj, "title"))
    raw_messages = as_list(obj.get("messages"), source, label, "'messages'")
    if not raw_messages:
        raise ParseError(source, "has no messages", at=label)
    messages = [
        _message(raw, f"{label} message {position}", source)
        for position, raw in enumerate(raw_messages, start=1)
    ]
    fields = {key: value for key, value in obj.items() if key != "messages"}
    fields.setdefault("origin", ORIGIN)
    try:
        return ConversationInput.model_validate({**fields, "messages": messages})
    except ValidationError as exc:
        raise _located(exc, label, source) from None


def _message(raw: object, at: str, source: str) -> dict[str, Any]:
    """The message with ``externalId`` renamed to the model's ``external_id``."""
    obj = dict(as_object(raw, source, at, "a message"))
    if "externalId" in obj:
        camel = obj.pop("externalId")
        if "external_id" in obj and obj["external_id"] != camel:
            raise ParseError(source, "'externalId' and 'external_id' disagree", at=at)
        obj["external_id"] = camel
    return obj


def _located(exc: ValidationError, label: str, source: str) -> ParseError:
    """Turn pydantic's ``("messages", 2, "text")`` into ``message 3 field 'text'``."""
    first = exc.errors()[0]
    loc = list(first["loc"])
    at = label
    if len(loc) >= 2 and loc[0] == "messages" and isinstance(loc[1], int):
        at = f"{label} message {loc[1] + 1}"
        loc = loc[2:]
    problem = str(first["msg"])
    if loc:
        problem = f"field '{'.'.join(str(part) for part in loc)}': {problem}"
    more = len(exc.errors()) - 1
    if more:
        problem += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ParseError(source, problem, at=at)
