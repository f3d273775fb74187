"""What every format parser shares: the error, the report and the checks on decoded JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError

from app.domain.conversations import ConversationInput, MessageInput
from app.errors import BadInput

Format = Literal["librarian", "chatgpt", "claude", "transcript"]

TITLE_MAX = 500
_LABEL_TITLE_MAX = 40


class ParseError(BadInput):
    """A file that cannot be read as conversations; the message says which file and where.

    ``at`` is the location inside the file ("line 14", "conversation 3 ("Trip") message 2");
    both parts are also kept in ``details`` (``source``, ``location``) for the API.
    """

    def __init__(self, source: str, problem: str, *, at: str = "") -> None:
        prefix = f"{source} {at}" if at else source
        super().__init__(f"{prefix}: {problem}", source=source, location=at or None)
        self.source = source
        self.location = at
        self.problem = problem


@dataclass
class ParseReport:
    """The conversations found in one file, and what was left out of them.

    ``skipped_conversations`` names each conversation of a multi-conversation export that had no
    message with text; ``skipped_messages`` counts messages dropped by the format's rules
    (system and tool messages, hidden messages, messages without text).
    """

    format: Format
    conversations: list[ConversationInput] = field(default_factory=list)
    skipped_conversations: list[str] = field(default_factory=list)
    skipped_messages: int = 0


def conversation_label(index: int, title: str | None) -> str:
    """``conversation 3 ("Trip to Lisbon")``: the 1-based position, plus the title when known."""
    if not title:
        return f"conversation {index}"
    short = title if len(title) <= _LABEL_TITLE_MAX else title[: _LABEL_TITLE_MAX - 3] + "..."
    return f'conversation {index} ("{short}")'


def clip_title(title: str | None, fallback: str) -> str:
    cleaned = " ".join((title or "").split())
    if not cleaned:
        return fallback
    return cleaned if len(cleaned) <= TITLE_MAX else cleaned[: TITLE_MAX - 3] + "..."


def describe(value: object) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def as_object(value: object, source: str, at: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParseError(source, f"expected {what} (a JSON object), found {describe(value)}", at=at)
    return value


def as_list(value: object, source: str, at: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ParseError(source, f"expected {what} (a JSON list), found {describe(value)}", at=at)
    return value


def optional_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) and value.strip() else None


def parse_iso(value: object, source: str, at: str, key: str) -> datetime | None:
    """An ISO 8601 string (``Z`` allowed) or null; anything else is an error at ``at``."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ParseError(source, f"'{key}' is not an ISO 8601 date-time: {value!r:.60}", at=at)


def make_message(
    source: str,
    at: str,
    *,
    speaker: str,
    text: str,
    timestamp: datetime | None,
    external_id: str | None,
) -> MessageInput:
    try:
        return MessageInput(
            speaker=speaker, text=text, timestamp=timestamp, external_id=external_id
        )
    except ValidationError as exc:
        raise ParseError(source, first_error(exc), at=at) from None


def first_error(exc: ValidationError) -> str:
    """The first validation problem as "field 'x': why", plus how many more there are."""
    errors = exc.errors()
    first = errors[0]
    fields = ".".join(str(part) for part in first["loc"])
    text = f"field '{fields}': {first['msg']}" if fields else str(first["msg"])
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return text
