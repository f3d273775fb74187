"""Conversation files in every supported format become ConversationInput, or a precise error."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from app.errors import BadInput
from app.sources.conversations.parsers import (
    ParseError,
    detect_format,
    parse_file,
    parse_file_report,
    parse_text,
    parse_text_report,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def _turns(path: Path) -> list[list[tuple[str, str]]]:
    return [[(m.speaker, m.text) for m in c.messages] for c in parse_file(path)]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("librarian.json", "librarian"),
        ("chatgpt_conversations.json", "chatgpt"),
        ("claude_conversations.json", "claude"),
        ("standup.txt", "transcript"),
    ],
)
def test_detects_each_format_from_content(fixture: str, expected: str) -> None:
    assert detect_format((FIXTURES / fixture).read_text(encoding="utf-8")) == expected


def test_format_comes_from_content_not_the_extension(tmp_path: Path) -> None:
    misnamed = tmp_path / "export.txt"
    misnamed.write_bytes((FIXTURES / "claude_conversations.json").read_bytes())
    assert parse_file_report(misnamed).format == "claude"
    stamped = "[10:15] Ana: hi\n[10:16] Bob: hello"
    assert detect_format(stamped) == "transcript"
    assert [m.text for m in parse_text(stamped, name="chat")[0].messages] == ["hi", "hello"]


def test_librarian_json_accepts_both_spellings_of_external_id() -> None:
    first, second = parse_file(FIXTURES / "librarian.json")
    assert first.title == "Supplier call"
    assert first.origin == "api"
    assert [m.external_id for m in first.messages] == ["call-1", "call-2"]
    assert first.messages[0].timestamp == datetime(2024, 3, 28, 14, 2, tzinfo=UTC)
    assert second.origin == "librarian"
    assert second.messages[0].timestamp is None


def test_librarian_json_single_object() -> None:
    text = json.dumps({"title": "One", "messages": [{"speaker": "Ana", "text": "hi"}]})
    [conversation] = parse_text(text, name="one.json")
    assert conversation.messages[0].speaker == "Ana"


def test_chatgpt_keeps_only_the_current_branch_of_user_and_assistant_turns() -> None:
    report = parse_file_report(FIXTURES / "chatgpt_conversations.json")
    offsite, phrases = report.conversations
    assert offsite.title == "Planning the Lisbon offsite"
    assert offsite.origin == "chatgpt"
    assert [(m.external_id, m.speaker) for m in offsite.messages] == [
        ("u-1", "User"),
        ("a-1", "ChatGPT"),
        ("u-2", "User"),
        ("a-3", "ChatGPT"),
    ]
    texts = " ".join(m.text for m in offsite.messages)
    # The regenerated answer and the reply to it sit on the abandoned branch.
    assert "tourism office" not in texts
    assert "regenerate" not in texts
    # The image part is dropped, the text beside it kept; the code and its output are tool talk.
    assert offsite.messages[2].text.startswith("Here is the floor plan")
    assert "file-service" not in texts
    assert "22.8" not in texts
    assert offsite.messages[0].timestamp == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert offsite.messages[3].timestamp is None
    assert phrases.messages[1].speaker == "Lisbon Guide"
    assert report.skipped_conversations == ['conversation 2 ("New chat"): no message with text']
    assert report.skipped_messages == 4  # two system messages, the code call, the tool output


def _node(node_id: str, parent: str | None, children: list[str], role: str = "user") -> Any:
    message = {
        "id": node_id,
        "author": {"role": role},
        "create_time": 1_700_000_000 + len(node_id),
        "content": {"content_type": "text", "parts": [f"text of {node_id}"]},
    }
    return {"id": node_id, "message": message, "parent": parent, "children": children}


def test_chatgpt_without_current_node_follows_the_newest_branch() -> None:
    mapping = {
        "r": {"id": "r", "message": None, "parent": None, "children": ["q"]},
        "q": _node("q", "r", ["old", "new"]),
        "old": _node("old", "q", [], role="assistant"),
        "new": _node("new", "q", [], role="assistant"),
    }
    text = json.dumps([{"title": "T", "mapping": mapping}])
    [conversation] = parse_text(text, name="conversations.json")
    assert [m.external_id for m in conversation.messages] == ["q", "new"]


def test_chatgpt_very_long_conversation_is_not_limited_by_recursion() -> None:
    count = 5000
    mapping = {
        f"n{i}": _node(f"n{i}", f"n{i - 1}" if i else None, [f"n{i + 1}"] if i < count - 1 else [])
        for i in range(count)
    }
    text = json.dumps([{"title": "Long", "mapping": mapping, "current_node": f"n{count - 1}"}])
    [conversation] = parse_text(text, name="conversations.json")
    assert len(conversation.messages) == count
    assert conversation.messages[-1].external_id == f"n{count - 1}"


def test_claude_prefers_text_and_falls_back_to_text_blocks() -> None:
    report = parse_file_report(FIXTURES / "claude_conversations.json")
    [board] = report.conversations
    assert board.title == "Board meeting prep"
    assert board.origin == "claude"
    assert [(m.external_id, m.speaker) for m in board.messages] == [
        ("m-0001", "User"),
        ("m-0002", "Claude"),
        ("m-0004", "User"),
        ("m-0005", "Claude"),
    ]
    assert board.messages[1].text == (
        "Marco Rossi is the CFO of Helix Labs, so expect questions on runway.\n"
        "Helix Labs closed a Series B in January; bring the updated cap table."
    )
    assert board.messages[0].timestamp == datetime(2024, 3, 5, 9, 12, 44, 120531, tzinfo=UTC)
    assert board.messages[3].timestamp is None
    assert report.skipped_conversations == ["conversation 2: no message with text"]
    assert report.skipped_messages == 1  # the attachment-only message


def test_transcript_with_timestamps_continuations_and_long_names() -> None:
    [standup] = parse_file(FIXTURES / "standup.txt")
    assert standup.title == "Weekly standup, 1 March 2024"
    assert standup.origin == "transcript"
    assert [(m.speaker, m.timestamp) for m in standup.messages] == [
        ("Dr. Ana Silva", datetime(2024, 3, 1, 9, 58)),
        ("Bob", datetime(2024, 3, 1, 9, 59)),
        ("Carla O'Neil", datetime(2024, 3, 1, 10, 1, 30)),
        ("Dr. Ana Silva", datetime(2024, 3, 1, 10, 2)),
        ("Bob", datetime(2024, 3, 1, 23, 59)),
        ("Bob", datetime(2024, 3, 2, 0, 3)),  # past midnight: the next day
    ]
    bob = standup.messages[1].text
    # In a stamped transcript an unstamped "Note:" line continues the message.
    assert bob.splitlines() == [
        "Hi! I finished the Neo4j migration yesterday.",
        "It took longer than planned because of the vector index.",
        "Note: remember the milk for the office fridge.",
    ]
    assert standup.messages[2].text == "Great work.\nCan you write it up for the wiki?"
    assert standup.messages[3].text == "Let's wrap up. Next standup is Friday: same time."


def test_unstamped_transcript_rules() -> None:
    text = (
        "Ana: The plan has three steps:\n"
        "    Note: indented, so still Ana's text\n"
        "Note: unindented, so a new speaker\n"
        "This is a much longer sentence than any name could be, honestly: text\n"
        "see http://example.com and 10:15\n"
        "user:\n"
        "  a reply on the next line\n"
    )
    [chat] = parse_text(text, name="notes/team chat.txt")
    assert chat.title == "team chat"
    assert [m.speaker for m in chat.messages] == ["Ana", "Note", "user"]
    assert chat.messages[0].text == "The plan has three steps:\nNote: indented, so still Ana's text"
    assert chat.messages[1].text.endswith("honestly: text\nsee http://example.com and 10:15")
    assert chat.messages[2].text == "a reply on the next line"
    assert all(m.timestamp is None for m in chat.messages)


def test_transcript_time_only_stamps_without_a_date_have_no_timestamp() -> None:
    [chat] = parse_text("[10:15] Ana: hi\n[10:16:30] Bob: hello", name="chat.txt")
    assert [m.timestamp for m in chat.messages] == [None, None]
    assert [m.text for m in chat.messages] == ["hi", "hello"]


def test_transcript_iso_stamps_keep_their_offset() -> None:
    text = (
        "[2024-03-01T10:15:00Z] Ana: hi\n[10:20] Bob: yo\n[2024-03-01T11:00:00.250+01:00] Ana: ok"
    )
    [chat] = parse_text(text, name="chat.txt")
    plus_one = timezone(timedelta(hours=1))
    assert [m.timestamp for m in chat.messages] == [
        datetime(2024, 3, 1, 10, 15, tzinfo=UTC),
        datetime(2024, 3, 1, 10, 20, tzinfo=UTC),
        datetime(2024, 3, 1, 11, 0, 0, 250000, tzinfo=plus_one),
    ]


def test_transcript_drops_empty_messages_and_ignores_a_bracketed_number() -> None:
    report = parse_text_report("Ana:\nBob: see [1]\n[1] the footnote", name="c.txt")
    [chat] = report.conversations
    assert [(m.speaker, m.text) for m in chat.messages] == [("Bob", "see [1]\n[1] the footnote")]
    assert report.skipped_messages == 1


def test_parse_text_and_parse_file_agree() -> None:
    path = FIXTURES / "standup.txt"
    assert parse_text(path.read_text(encoding="utf-8"), name=path.name) == parse_file(path)


def _error(text: str, name: str) -> str:
    with pytest.raises(ParseError) as caught:
        parse_text(text, name=name)
    return caught.value.message


def _file_error(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    return caught.value.message


def test_parse_error_is_bad_input_with_location_details() -> None:
    with pytest.raises(BadInput) as caught:
        parse_text("hello there", name="chat.txt")
    assert caught.value.code == "BAD_INPUT"
    assert caught.value.details == {"source": "chat.txt", "location": "line 1"}


def test_invalid_json_names_line_and_column() -> None:
    message = _error('[\n  {"title": "x",\n   "messages": [}\n]', name="conversations.json")
    assert message.startswith("conversations.json line 3 column 17: invalid JSON")


def test_json_of_no_known_shape() -> None:
    message = _error('{"foo": 1, "bar": 2}', name="data.json")
    assert message.startswith("data.json: JSON matches no known format")
    assert "found keys: bar, foo" in message
    assert _error("[]", name="data.json") == "data.json: the JSON list holds no conversations"
    assert "holds a number" in _error("42", name="data.json")


def test_transcript_without_a_speaker_line() -> None:
    message = _error("# Minutes\n\nWe met and talked about the budget.\n", name="chat.txt")
    assert message == (
        "chat.txt line 3: expected 'Name: text', found 'We met and talked about the budget.'"
    )
    assert _error("# Only a title\n", name="chat.txt") == "chat.txt: has no 'Name: text' line"


def test_transcript_text_before_the_first_speaker_names_its_line() -> None:
    text = "\n\nintro line\nAna: hi\n"
    assert _error(text, name="chat.txt").startswith("chat.txt line 3: expected 'Name: text'")


def test_transcript_bad_stamps_name_their_line() -> None:
    text = "[10:15] Ana: hi\n[25:99] Bob: hello\n"
    assert _error(text, name="chat.txt").startswith("chat.txt line 2: invalid timestamp [25:99]")
    text = "[10:15] Ana: hi\n[01/03/2024, 10:16] Bob: hello\n"
    assert _error(text, name="chat.txt").startswith(
        "chat.txt line 2: unrecognised timestamp [01/03/2024, 10:16]"
    )
    text = "Ana: hi\n[10:16] joined the call\n"
    assert _error(text, name="chat.txt").startswith(
        "chat.txt line 2: expected 'Name: text' after the timestamp"
    )


def test_transcript_whose_messages_are_all_empty() -> None:
    assert _error("Ana:\nBob:\n", name="c.txt") == "c.txt line 1: every message is empty"


def test_librarian_conversation_without_messages_names_it() -> None:
    text = json.dumps(
        [
            {"title": "Fine", "messages": [{"speaker": "Ana", "text": "hi"}]},
            {"title": "Hollow", "messages": []},
        ]
    )
    message = _error(text, name="batch.json")
    assert message == 'batch.json conversation 2 ("Hollow"): has no messages'


def test_librarian_invalid_message_names_conversation_message_and_field() -> None:
    text = json.dumps(
        {"title": "T", "messages": [{"speaker": "Ana", "text": "hi"}, {"speaker": "Bob"}]}
    )
    message = _error(text, name="one.json")
    assert message.startswith("one.json conversation 1 (\"T\") message 2: field 'text'")


def test_chatgpt_export_with_only_empty_conversations() -> None:
    mapping: dict[str, Any] = {"r": {"id": "r", "message": None, "parent": None, "children": []}}
    text = json.dumps([{"title": "A", "mapping": mapping}, {"title": "B", "mapping": mapping}])
    assert _error(text, name="conversations.json") == (
        "conversations.json: no conversation has a message with text (2 skipped as empty)"
    )


def test_chatgpt_broken_tree_names_conversation_and_node() -> None:
    mapping = {"a": _node("a", "ghost", [])}
    text = json.dumps([{"title": "Trip", "mapping": mapping, "current_node": "a"}])
    assert _error(text, name="conversations.json") == (
        "conversations.json conversation 1 (\"Trip\"): node 'ghost' is a parent but not in "
        "'mapping'"
    )
    bad_time = {"a": _node("a", None, [])}
    bad_time["a"]["message"]["create_time"] = "yesterday"
    text = json.dumps([{"title": "Trip", "mapping": bad_time}])
    assert _error(text, name="c.json").startswith(
        "c.json conversation 1 (\"Trip\") node 'a': 'create_time' is not seconds since the epoch"
    )


def test_claude_bad_date_names_conversation_and_message() -> None:
    conversation: dict[str, Any] = {
        "uuid": "c1",
        "name": "Budget",
        "chat_messages": [
            {"uuid": "m1", "sender": "human", "text": "hi", "created_at": "2024-03-01T10:00:00Z"},
            {"uuid": "m2", "sender": "assistant", "text": "hello", "created_at": "tuesday"},
        ],
    }
    message = _error(json.dumps([conversation]), name="conversations.json")
    assert message == (
        'conversations.json conversation 1 ("Budget") message 2: '
        "'created_at' is not an ISO 8601 date-time: 'tuesday'"
    )


def test_export_mixing_shapes_names_the_odd_conversation() -> None:
    mapping = {"a": _node("a", None, [])}
    text = json.dumps([{"title": "ok", "mapping": mapping}, {"name": "x", "chat_messages": []}])
    assert _error(text, name="c.json") == (
        "c.json conversation 2: is not a ChatGPT conversation: no 'mapping'"
    )


def test_non_utf8_file_says_so_and_where(tmp_path: Path) -> None:
    content = "Ana: olá\nBob: tudo bem\n".encode() + b"Ana: caf\xe9\n"
    message = _file_error(tmp_path, "chat.txt", content)
    assert message.startswith("chat.txt line 3: is not UTF-8 text: invalid byte 0xe9")
    utf16 = _file_error(tmp_path, "win.txt", "Ana: hi".encode("utf-16"))
    assert utf16 == "win.txt: is UTF-16 text, not UTF-8: save it as UTF-8"
    archive = _file_error(tmp_path, "export.zip", b"PK\x03\x04rest-of-zip")
    assert "ZIP archive" in archive


def test_empty_files_are_errors(tmp_path: Path) -> None:
    assert _file_error(tmp_path, "empty.txt", b"") == "empty.txt: the file is empty"
    assert _file_error(tmp_path, "blank.json", b" \n\t\n") == "blank.json: the file is empty"


def test_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"^gone\.txt: cannot read the file"):
        parse_file(tmp_path / "gone.txt")


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "librarian.json").read_bytes())
    assert len(parse_file(path)) == 2
    assert _turns(FIXTURES / "librarian.json")[1] == [("Ana", "Book the Alfama venue for May.")]


def test_transcript_with_windows_line_endings() -> None:
    [chat] = parse_text("# Call\r\nAna: hi\r\n  more\r\nBob: bye\r\n", name="call.txt")
    assert chat.title == "Call"
    assert [(m.speaker, m.text) for m in chat.messages] == [("Ana", "hi\nmore"), ("Bob", "bye")]


def test_speaker_names_longer_than_the_limits_are_text() -> None:
    six_words = "Dr. Ana Maria Silva Santos Costa: six words is too many for a name"
    long_name = "A" * 61 + ": sixty-one characters"
    [chat] = parse_text(f"Ana: hi\n{six_words}\n{long_name}", name="c.txt")
    assert len(chat.messages) == 1
    assert chat.messages[0].text.splitlines()[1:] == [six_words, long_name]


def test_detect_format_rejects_empty_text() -> None:
    with pytest.raises(ParseError, match=r"^input: the file is empty$"):
        detect_format("  \n")
