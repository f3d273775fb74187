"""ChatGPT's ``conversations.json``: each conversation is a tree of message nodes.

Only the visible branch is kept: the path from ``current_node`` up to the root, in order. Edits
and regenerations live on the other branches and are dropped. When ``current_node`` is absent
the newest branch is taken (the last child at every fork, since ChatGPT appends new versions).
Only what the user and the assistant said is kept: system messages (hidden prompts, custom
instructions), tool messages (browsing, code output), messages addressed to a tool, hidden
messages and non-text content types are skipped. In a ``multimodal_text`` message, text parts
are kept and images or other files are dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.domain.conversations import ConversationInput, MessageInput
from app.sources.conversations._common import (
    ParseError,
    ParseReport,
    as_list,
    as_object,
    clip_title,
    conversation_label,
    describe,
    make_message,
    optional_str,
)

ORIGIN = "chatgpt"
UNTITLED = "Untitled ChatGPT conversation"
_SPEAKERS = {"user": "User", "assistant": "ChatGPT"}
_TEXT_CONTENT = {"text", "multimodal_text"}


def looks_like(obj: dict[str, Any]) -> bool:
    return "mapping" in obj


def parse(data: object, source: str) -> ParseReport:
    items = data if isinstance(data, list) else [data]
    report = ParseReport(format="chatgpt")
    for index, item in enumerate(items, start=1):
        obj = as_object(item, source, conversation_label(index, None), "a conversation")
        title = clip_title(optional_str(obj, "title"), UNTITLED)
        label = conversation_label(index, optional_str(obj, "title"))
        if "mapping" not in obj:
            raise ParseError(source, "is not a ChatGPT conversation: no 'mapping'", at=label)
        mapping = as_object(obj["mapping"], source, label, "'mapping'")
        messages: list[MessageInput] = []
        for node_id, node in _visible_branch(mapping, obj.get("current_node"), source, label):
            message = _message(node_id, node, source, label)
            if message is not None:
                messages.append(message)
            elif node.get("message") is not None:
                report.skipped_messages += 1
        if not messages:
            report.skipped_conversations.append(f"{label}: no message with text")
            continue
        report.conversations.append(
            ConversationInput(title=title, origin=ORIGIN, messages=messages)
        )
    return report


def _visible_branch(
    mapping: dict[str, Any], current: object, source: str, label: str
) -> list[tuple[str, dict[str, Any]]]:
    """The nodes from the root down to ``current_node``; iterative, so deep trees are fine."""
    if current is None:
        current = _newest_leaf(mapping, source, label)
        if current is None:
            return []
    if not isinstance(current, str) or current not in mapping:
        raise ParseError(source, f"'current_node' {current!r:.60} is not in 'mapping'", at=label)
    path: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    node_id: str | None = current
    while node_id is not None:
        if node_id in seen:
            raise ParseError(source, f"node {node_id!r} is its own ancestor", at=label)
        seen.add(node_id)
        if node_id not in mapping:
            raise ParseError(source, f"node {node_id!r} is a parent but not in 'mapping'", at=label)
        node = as_object(mapping[node_id], source, f"{label} node {node_id!r}", "a node")
        path.append((node_id, node))
        parent = node.get("parent")
        node_id = parent if isinstance(parent, str) else None
    path.reverse()
    return path


def _newest_leaf(mapping: dict[str, Any], source: str, label: str) -> str | None:
    """Without ``current_node``: from the first root, follow the last child at every fork."""
    root = next(
        (
            node_id
            for node_id, node in mapping.items()
            if not isinstance(node, dict)
            or not isinstance(node.get("parent"), str)
            or node["parent"] not in mapping
        ),
        None,
    )
    node_id = root
    seen: set[str] = set()
    while node_id is not None and node_id not in seen:
        seen.add(node_id)
        node = mapping[node_id]
        children = node.get("children") if isinstance(node, dict) else None
        known = [c for c in children if c in mapping] if isinstance(children, list) else []
        if not known:
            return node_id
        node_id = known[-1]
    if node_id is not None:
        raise ParseError(source, f"node {node_id!r} is its own descendant", at=label)
    return None


def _message(node_id: str, node: dict[str, Any], source: str, label: str) -> MessageInput | None:
    """The node's message as said by its author, or None when the rules above skip it."""
    raw = node.get("message")
    if raw is None:
        return None
    at = f"{label} node {node_id!r}"
    msg = as_object(raw, source, at, "'message'")
    author = msg.get("author")
    role = author.get("role") if isinstance(author, dict) else None
    if role not in _SPEAKERS or not isinstance(author, dict):
        return None
    metadata = msg.get("metadata")
    if isinstance(metadata, dict) and metadata.get("is_visually_hidden_from_conversation"):
        return None
    recipient = msg.get("recipient")
    if isinstance(recipient, str) and recipient != "all":
        return None
    text = _text(msg.get("content"), source, at)
    if not text:
        return None
    return make_message(
        source,
        at,
        speaker=optional_str(author, "name") or _SPEAKERS[role],
        text=text,
        timestamp=_epoch(msg.get("create_time"), source, at),
        external_id=optional_str(msg, "id") or node_id,
    )


def _text(content: object, source: str, at: str) -> str:
    if not isinstance(content, dict) or content.get("content_type") not in _TEXT_CONTENT:
        return ""
    texts: list[str] = []
    for part in as_list(content.get("parts", []), source, at, "'content.parts'"):
        if isinstance(part, dict):
            part = part.get("text")
        if isinstance(part, str) and part.strip():
            texts.append(part.strip())
    return "\n".join(texts)


def _epoch(value: object, source: str, at: str) -> datetime | None:
    """``create_time`` is seconds since the epoch (a float) or null."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            pass
    raise ParseError(
        source, f"'create_time' is not seconds since the epoch: {describe(value)}", at=at
    )
