"""Validate the knowledge set and print its counts: `python tests/knowledge/check.py`.

Not a pytest module; imports nothing from app/. Exit status 1 when a file is invalid.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).parent
TYPES = {"person", "animal", "place", "organization", "product", "event"}
SUBTYPES = {"book", "film", "show", "game", "music", "vehicle", "device", "other"}
KINDS = {"what", "where", "who", "when", "multi"}
MIN_MESSAGES = 150


def check_file(path: Path, people: dict[str, str]) -> list[str]:
    errors: list[str] = []
    data = json.loads(path.read_text(encoding="utf-8"))
    messages = data["conversation"]["messages"]
    if len(messages) < MIN_MESSAGES:
        errors.append(f"{len(messages)} messages, fewer than {MIN_MESSAGES}")
    speakers = {m["speaker"] for m in messages}
    if len(speakers) < 2:
        errors.append("fewer than two speakers")
    last: datetime | None = None
    for i, m in enumerate(messages):
        if not m.get("text", "").strip():
            errors.append(f"message {i} is empty")
        stamp = datetime.fromisoformat(m["timestamp"].replace("Z", "+00:00"))
        if last is not None and stamp < last:
            errors.append(f"message {i} is earlier than the one before it")
        last = stamp
    first = datetime.fromisoformat(messages[0]["timestamp"].replace("Z", "+00:00"))
    if last is not None and (last - first).days < 60:
        errors.append("sessions span less than two months")
    names: set[str] = set()
    for e in data["entities"]:
        names.add(e["name"])
        if e["type"] not in TYPES:
            errors.append(f"entity {e['name']!r}: unknown type {e['type']!r}")
        if e["type"] == "product" and e.get("subtype") not in SUBTYPES:
            errors.append(f"product {e['name']!r}: subtype missing or unknown")
        if e["type"] == "person":
            pid = e.get("person_id")
            if not pid:
                errors.append(f"person {e['name']!r} has no person_id")
            elif people.setdefault(pid, e["name"]) != e["name"]:
                errors.append(f"person_id {pid!r} names {people[pid]!r} elsewhere")
    aliases = {a for e in data["entities"] for a in [e["name"], *e.get("aliases", [])]}
    for s in speakers:
        if s not in aliases:
            errors.append(f"speaker {s!r} is no entity's name or alias")
    ids: set[str] = set()
    for q in data["questions"]:
        if q["id"] in ids:
            errors.append(f"question id {q['id']} repeated")
        ids.add(q["id"])
        if q["kind"] not in KINDS:
            errors.append(f"{q['id']}: unknown kind {q['kind']!r}")
        if q["entity"] not in names:
            errors.append(f"{q['id']}: entity {q['entity']!r} is not listed")
        if not q["answer"].strip() or len(q["answer"].split()) > 6:
            errors.append(f"{q['id']}: answer must be 1-6 words")
        if not q["messages"] or any(not 0 <= i < len(messages) for i in q["messages"]):
            errors.append(f"{q['id']}: message indexes missing or out of range")
    return errors


def main() -> int:
    bad = False
    total_q: Counter[str] = Counter()
    for split in ("tuned", "blind", "fresh"):
        people: dict[str, str] = {}
        for path in sorted((HERE / split).glob("*.json")):
            errors = check_file(path, people)
            data = json.loads(path.read_text(encoding="utf-8"))
            kinds = Counter(q["kind"] for q in data["questions"])
            total_q.update(kinds)
            print(
                f"{split}/{path.name}: {len(data['conversation']['messages'])} messages, "
                f"{len(data['entities'])} entities, {len(data['questions'])} questions "
                f"{dict(sorted(kinds.items()))}"
            )
            for e in errors:
                bad = True
                print(f"  ERROR {e}")
    print(f"questions: {sum(total_q.values())} {dict(sorted(total_q.items()))}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
