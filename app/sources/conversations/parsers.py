"""Read a conversation file in any supported format into ``ConversationInput`` objects.

The format is decided by the content, never by the extension alone:

- JSON (the text starts with ``{`` or ``[``, or the file is named ``*.json``) is decoded and
  recognised by its shape: objects with ``mapping`` are a ChatGPT export, with
  ``chat_messages`` a Claude export, with ``messages`` Librarian's own format. A list is
  recognised by its first element.
- Anything else is a plain transcript (see ``app.sources.conversations._transcript`` for its
  rules). A first line such as ``[10:15] Ana: hi`` is a transcript too, although it starts
  with ``[``.

Errors are ``ParseError`` (``BAD_INPUT``) naming the file and the place: a line and column, or a
1-based conversation and message position. Empty conversations in ChatGPT and Claude exports are
skipped and listed by ``parse_file_report``; a file that yields no conversation is an error.
The whole file is read into memory: fine for exports of a few hundred MB, not a streaming parser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePath
from typing import Any

from app.domain.conversations import ConversationInput
from app.sources.conversations import _chatgpt, _claude, _librarian, _transcript
from app.sources.conversations._common import Format, ParseError, ParseReport, describe

__all__ = [
    "Format",
    "ParseError",
    "ParseReport",
    "detect_format",
    "parse_file",
    "parse_file_report",
    "parse_text",
    "parse_text_report",
]

_TRANSCRIPT_FIRST_LINE = re.compile(r"\[\s*\d[^\]\n]*\]")
_ZIP_MAGIC = b"PK\x03\x04"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def parse_file(path: Path) -> list[ConversationInput]:
    """The conversations in the file at ``path``; raises ``ParseError``."""
    return parse_file_report(path).conversations


def parse_text(text: str, *, name: str) -> list[ConversationInput]:
    """The conversations in ``text``; ``name`` (a file name) titles transcripts and errors."""
    return parse_text_report(text, name=name).conversations


def detect_format(text: str, *, name: str = "input") -> Format:
    """Which parser reads ``text``; raises ``ParseError`` for empty text, bad or unknown JSON."""
    return _sniff(text, name)[0]


def parse_file_report(path: Path) -> ParseReport:
    """Like ``parse_file``, also saying what was skipped."""
    source = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParseError(source, f"cannot read the file: {exc.strerror or exc}") from None
    return parse_text_report(_decode(raw, source), name=source)


def parse_text_report(text: str, *, name: str) -> ParseReport:
    """Like ``parse_text``, also saying what was skipped."""
    text = text.removeprefix("\ufeff")
    kind, data = _sniff(text, name)
    if kind == "transcript":
        return _transcript.parse(text, name)
    report = _JSON_PARSERS[kind](data, name)
    if not report.conversations:
        skipped = len(report.skipped_conversations)
        raise ParseError(
            name, f"no conversation has a message with text ({skipped} skipped as empty)"
        )
    return report


_JSON_PARSERS = {
    "librarian": _librarian.parse,
    "chatgpt": _chatgpt.parse,
    "claude": _claude.parse,
}


def _sniff(text: str, source: str) -> tuple[Format, object]:
    """The format, plus the decoded JSON so that a large export is decoded only once."""
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise ParseError(source, "the file is empty")
    first_line = stripped.split("\n", 1)[0]
    is_json_name = PurePath(source).suffix.lower() == ".json"
    if not is_json_name and (stripped[0] not in "{[" or _TRANSCRIPT_FIRST_LINE.match(first_line)):
        return "transcript", None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            source, f"invalid JSON: {exc.msg}", at=f"line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise ParseError(source, "invalid JSON: nested too deeply") from None
    return _json_shape(data, source), data


def _json_shape(data: object, source: str) -> Format:
    if isinstance(data, list):
        if not data:
            raise ParseError(source, "the JSON list holds no conversations")
        first = data[0]
        if not isinstance(first, dict):
            raise ParseError(
                source,
                f"expected a conversation (a JSON object), found {describe(first)}",
                at="conversation 1",
            )
        kind = _object_shape(first)
        if kind is None:
            raise ParseError(source, _unknown(first), at="conversation 1")
        return kind
    if isinstance(data, dict):
        kind = _object_shape(data)
        if kind is None:
            raise ParseError(source, _unknown(data))
        return kind
    raise ParseError(source, f"JSON matches no known format: the file holds {describe(data)}")


def _object_shape(obj: dict[str, Any]) -> Format | None:
    if _chatgpt.looks_like(obj):
        return "chatgpt"
    if _claude.looks_like(obj):
        return "claude"
    if _librarian.looks_like(obj):
        return "librarian"
    return None


def _unknown(obj: dict[str, Any]) -> str:
    keys = ", ".join(sorted(obj)[:8]) or "none"
    return (
        "JSON matches no known format: expected 'messages' (Librarian), 'mapping' (ChatGPT) "
        f"or 'chat_messages' (Claude); found keys: {keys}"
    )


def _decode(raw: bytes, source: str) -> str:
    if raw.startswith(_ZIP_MAGIC):
        raise ParseError(source, "is a ZIP archive: extract conversations.json from it first")
    if raw.startswith(_UTF16_BOMS):
        raise ParseError(source, "is UTF-16 text, not UTF-8: save it as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ParseError(
            source,
            f"is not UTF-8 text: invalid byte 0x{raw[exc.start]:02x} at byte {exc.start}",
            at=f"line {line}",
        ) from None
