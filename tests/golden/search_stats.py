"""Validate the golden retrieval set (search.json) and print its counts.

    python tests/golden/search_stats.py          # validate, print counts by style and conversation
    python tests/golden/search_stats.py --show   # also print every question followed by the
                                                 # text of each answer message, for review

Exit status is 1 when search.json is invalid. Not a pytest module (no test_ prefix) and imports
nothing from app/, so it runs anywhere with a plain Python 3.11.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SEARCH_FILE = HERE / "search.json"

STYLES = ("keyword", "natural", "paraphrase")
MIN_QUESTIONS = 48
MIN_PER_CONVERSATION = 3
MIN_CROSS = 4
UNANSWERABLE_RANGE = (5, 6)
QUESTION_ID_RE = re.compile(r"^s\d{2,}$")
UNANSWERABLE_ID_RE = re.compile(r"^u\d{2,}$")


def load_conversations() -> dict[str, list[dict[str, Any]]]:
    """Conversation name (file name without .json) -> its messages."""
    convs: dict[str, list[dict[str, Any]]] = {}
    for p in sorted(HERE.glob("[0-9][0-9]_*.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        convs[p.stem] = data["conversation"]["messages"]
    return convs


def validate(data: Any, convs: dict[str, list[dict[str, Any]]]) -> list[str]:
    errors: list[str] = []
    if not isinstance(data, dict):
        return ["top level must be an object"]
    if set(data) != {"version", "about", "questions", "unanswerable"}:
        errors.append(
            f"top-level keys must be version+about+questions+unanswerable, got {sorted(data)}"
        )
    if data.get("version") != 1:
        errors.append("version must be 1")
    if not isinstance(data.get("about"), str) or not data.get("about", "").strip():
        errors.append("about must be a non-empty string")

    seen_ids: set[str] = set()
    seen_questions: set[str] = set()

    def check_id(item_id: Any, pattern: re.Pattern[str], where: str) -> None:
        if not isinstance(item_id, str) or not pattern.match(item_id):
            errors.append(f"{where}: bad id {item_id!r}")
        elif item_id in seen_ids:
            errors.append(f"{where}: duplicate id {item_id!r}")
        else:
            seen_ids.add(item_id)

    def check_text(text: Any, where: str) -> None:
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{where}: question must be a non-empty string")
            return
        key = text.strip().casefold()
        if key in seen_questions:
            errors.append(f"{where}: duplicate question {text!r}")
        seen_questions.add(key)

    questions = data.get("questions")
    if not isinstance(questions, list):
        errors.append("questions must be a list")
        questions = []
    for k, q in enumerate(questions):
        where = f"questions[{k}] ({q.get('id') if isinstance(q, dict) else '?'})"
        if not isinstance(q, dict) or set(q) != {"id", "question", "style", "answers"}:
            errors.append(f"{where}: keys must be id+question+style+answers")
            continue
        check_id(q["id"], QUESTION_ID_RE, where)
        check_text(q["question"], where)
        if q["style"] not in STYLES:
            errors.append(f"{where}: style {q['style']!r} not in {STYLES}")
        answers = q["answers"]
        if not isinstance(answers, list) or not answers:
            errors.append(f"{where}: answers must be a non-empty list")
            continue
        seen_convs: set[str] = set()
        for a in answers:
            if not isinstance(a, dict) or set(a) != {"conversation", "messages"}:
                errors.append(f"{where}: each answer needs exactly conversation+messages")
                continue
            conv = a["conversation"]
            if conv not in convs:
                errors.append(f"{where}: unknown conversation {conv!r}")
                continue
            if conv in seen_convs:
                errors.append(f"{where}: conversation {conv!r} listed twice")
            seen_convs.add(conv)
            idx = a["messages"]
            n = len(convs[conv])
            if not isinstance(idx, list) or not idx:
                errors.append(f"{where}: {conv}: messages must be a non-empty list")
                continue
            if len(set(map(repr, idx))) != len(idx):
                errors.append(f"{where}: {conv}: repeated message index")
            for i in idx:
                if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < n:
                    errors.append(f"{where}: {conv}: index {i!r} out of range 0..{n - 1}")
            if all(isinstance(i, int) for i in idx) and idx != sorted(idx):
                errors.append(f"{where}: {conv}: indexes must be in ascending order")

    unanswerable = data.get("unanswerable")
    if not isinstance(unanswerable, list):
        errors.append("unanswerable must be a list")
        unanswerable = []
    for k, u in enumerate(unanswerable):
        where = f"unanswerable[{k}] ({u.get('id') if isinstance(u, dict) else '?'})"
        if not isinstance(u, dict) or set(u) != {"id", "question"}:
            errors.append(f"{where}: keys must be id+question")
            continue
        check_id(u["id"], UNANSWERABLE_ID_RE, where)
        check_text(u["question"], where)

    # coverage
    valid = [q for q in questions if isinstance(q, dict) and isinstance(q.get("answers"), list)]
    if len(valid) < MIN_QUESTIONS:
        errors.append(f"{len(valid)} questions (need at least {MIN_QUESTIONS})")
    per_conv = per_conversation(valid)
    for conv in convs:
        if per_conv.get(conv, 0) < MIN_PER_CONVERSATION:
            errors.append(
                f"conversation {conv} has {per_conv.get(conv, 0)} questions "
                f"(need at least {MIN_PER_CONVERSATION})"
            )
    n_cross = sum(1 for q in valid if len(q["answers"]) > 1)
    if n_cross < MIN_CROSS:
        errors.append(f"{n_cross} cross-conversation questions (need at least {MIN_CROSS})")
    lo, hi = UNANSWERABLE_RANGE
    if not lo <= len(unanswerable) <= hi:
        errors.append(f"{len(unanswerable)} unanswerable questions (need {lo}..{hi})")
    return errors


def per_conversation(questions: list[dict[str, Any]]) -> dict[str, int]:
    """Questions that touch each conversation (a cross-conversation question counts for each)."""
    counts: dict[str, int] = {}
    for q in questions:
        for a in q["answers"]:
            if isinstance(a, dict) and "conversation" in a:
                counts[a["conversation"]] = counts.get(a["conversation"], 0) + 1
    return counts


def show(data: dict[str, Any], convs: dict[str, list[dict[str, Any]]]) -> None:
    for q in data.get("questions", []):
        print(f"\n{q['id']} [{q['style']}] {q['question']}")
        for a in q["answers"]:
            msgs = convs.get(a["conversation"], [])
            for i in a["messages"]:
                if isinstance(i, int) and 0 <= i < len(msgs):
                    m = msgs[i]
                    print(f"    {a['conversation']} #{i} {m['speaker']}: {m['text']}")
                else:
                    print(f"    {a['conversation']} #{i} ??? (out of range)")
    print("\nunanswerable:")
    for u in data.get("unanswerable", []):
        print(f"  {u['id']} {u['question']}")


def main(argv: list[str]) -> int:
    convs = load_conversations()
    try:
        data = json.loads(SEARCH_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"ERROR {SEARCH_FILE.name}: does not parse: {exc}", file=sys.stderr)
        return 1
    errors = validate(data, convs)
    for e in errors:
        print(f"ERROR {SEARCH_FILE.name}: {e}", file=sys.stderr)

    questions = [
        q
        for q in data.get("questions", [])
        if isinstance(q, dict) and isinstance(q.get("answers"), list)
    ]
    if "--show" in argv and not errors:
        show(data, convs)
        print()

    by_style = {s: sum(1 for q in questions if q.get("style") == s) for s in STYLES}
    cross = [q for q in questions if len(q["answers"]) > 1]
    single = [q for q in questions if len(q["answers"]) == 1]
    per_conv_all = per_conversation(questions)
    per_conv_single = per_conversation(single)
    n_msgs = [
        sum(len(a.get("messages", [])) for a in q["answers"] if isinstance(a, dict))
        for q in questions
    ]

    print(
        f"questions: {len(questions)}  (single-conversation {len(single)}, cross-conversation {len(cross)})"
    )
    print("by style:  " + ", ".join(f"{s}={n}" for s, n in by_style.items()))
    if n_msgs:
        print(
            f"answer messages per question: min {min(n_msgs)}, max {max(n_msgs)}, "
            f"mean {sum(n_msgs) / len(n_msgs):.2f}"
        )
    print(f"unanswerable: {len(data.get('unanswerable', []))}")
    print(f"{'conversation':30} {'single':>7} {'all':>5}")
    for conv in convs:
        print(f"{conv:30} {per_conv_single.get(conv, 0):>7} {per_conv_all.get(conv, 0):>5}")
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
