"""Validate the golden set and print its counts.

    python tests/golden/stats.py             # validate, print per-file counts and totals
    python tests/golden/stats.py --markdown  # same counts as a Markdown table (for README.md)
    python tests/golden/stats.py --warnings  # also print evidence warnings (values that do not
                                             # appear verbatim in the cited messages)
    python tests/golden/stats.py --coverage  # how often each type / field / label is used

Exit status is 1 when any file is invalid. Not a pytest module (no test_ prefix) and imports
nothing from app/, so it runs anywhere with a plain Python 3.11.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

ENTITY_TYPES = {"person", "organization", "place", "project", "product", "event"}
FACT_FIELDS = {
    "occupation",
    "employer_role",
    "age",
    "birthday",
    "lives_in",
    "from",
    "email",
    "phone",
    "likes",
    "dislikes",
    "allergy",
    "diet",
    "status",
    "date",
    "deadline",
    "budget",
    "price",
    "version",
    "diagnosis",
    "medication",
    "pet",
    "hobby",
    "education",
    "language",
}
RELATION_LABELS = {
    "parent_of",
    "child_of",
    "sibling_of",
    "spouse_of",
    "partner_of",
    "engaged_to",
    "relative_of",
    "friend_of",
    "colleague_of",
    "manages",
    "reports_to",
    "works_at",
    "member_of",
    "founded",
    "studies_at",
    "lives_in",
    "located_in",
    "attends",
    "organizes",
    "owns",
    "uses",
    "customer_of",
    "invested_in",
    "part_of",
}
SYMMETRIC = {
    "sibling_of",
    "spouse_of",
    "partner_of",
    "engaged_to",
    "relative_of",
    "friend_of",
    "colleague_of",
}
# label -> inverse label: (A, label, B) is the same statement as (B, inverse, A)
INVERSE = {
    "parent_of": "child_of",
    "child_of": "parent_of",
    "manages": "reports_to",
    "reports_to": "manages",
}
# speaker labels of assistant-style chats that are not entities
NON_ENTITY_SPEAKERS = {"user", "assistant"}
FILE_RE = re.compile(r"^(\d\d)_[a-z0-9_]+\.json$")


def fold(s: str) -> str:
    """Case- and accent-insensitive form, used for every comparison."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c)).strip()


def canonical_relation(src: str, label: str, tgt: str) -> tuple[str, str, str]:
    if label in SYMMETRIC:
        a, b = sorted([src, tgt])
        return (a, label, b)
    if label in ("child_of", "reports_to"):
        return (tgt, INVERSE[label], src)
    return (src, label, tgt)


def load_vocabulary_doc() -> str:
    p = HERE / "VOCABULARY.md"
    return p.read_text(encoding="utf-8") if p.exists() else ""


def validate(path: Path, vocab_doc: str) -> tuple[list[str], list[str], dict[str, Any]]:
    errors: list[str] = []
    warnings: list[str] = []
    counts = {
        "messages": 0,
        "speakers": 0,
        "entities": 0,
        "facts": 0,
        "relations": 0,
        "timestamps": False,
    }
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"does not parse: {exc}"], warnings, counts

    if set(data) != {"conversation", "expected"}:
        errors.append(f"top-level keys must be conversation+expected, got {sorted(data)}")
        return errors, warnings, counts
    conv, exp = data["conversation"], data["expected"]
    if set(conv) != {"title", "origin", "messages"}:
        errors.append(f"conversation keys: {sorted(conv)}")
    if not isinstance(conv.get("title"), str) or not conv.get("title", "").strip():
        errors.append("conversation.title must be a non-empty string")
    if conv.get("origin") != "golden":
        errors.append("conversation.origin must be 'golden'")
    if set(exp) != {"entities", "facts", "relations"}:
        errors.append(f"expected keys: {sorted(exp)}")

    msgs = conv.get("messages") or []
    n = len(msgs)
    counts["messages"] = n
    if not 8 <= n <= 40:
        errors.append(f"{n} messages (must be 8..40)")
    last_ts = None
    with_ts = 0
    for i, m in enumerate(msgs):
        if not set(m) <= {"speaker", "text", "timestamp"} or not {"speaker", "text"} <= set(m):
            errors.append(f"message {i}: keys {sorted(m)}")
            continue
        if not str(m["speaker"]).strip() or not str(m["text"]).strip():
            errors.append(f"message {i}: empty speaker or text")
        if "timestamp" in m:
            with_ts += 1
            try:
                ts = dt.datetime.strptime(m["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
            except (TypeError, ValueError):
                errors.append(f"message {i}: bad timestamp {m['timestamp']!r}")
                continue
            if last_ts and ts < last_ts:
                errors.append(f"message {i}: timestamp goes backwards")
            last_ts = ts
    if with_ts not in (0, n):
        errors.append("timestamps must be on every message or on none")
    counts["timestamps"] = with_ts == n and n > 0

    # entities
    ents = exp.get("entities") or []
    counts["entities"] = len(ents)
    names: dict[str, dict[str, Any]] = {}  # folded name or alias -> entity
    by_name: dict[str, dict[str, Any]] = {}
    for e in ents:
        if set(e) != {"name", "type", "aliases"}:
            errors.append(f"entity {e.get('name')!r}: keys {sorted(e)}")
            continue
        if e["type"] not in ENTITY_TYPES:
            errors.append(f"entity {e['name']!r}: type {e['type']!r} not in vocabulary")
        if e["name"] in by_name:
            errors.append(f"duplicate entity name {e['name']!r}")
        by_name[e["name"]] = e
        forms = [e["name"], *e["aliases"]]
        # exact repeats (case-insensitive) are errors; accent-free spellings ("Ines") are
        # legitimate aliases, because the evaluator's rule is case-insensitive only
        if len({f.casefold() for f in forms}) != len(forms):
            errors.append(f"entity {e['name']!r}: alias repeats the name or another alias")
        for f in forms:
            if not isinstance(f, str) or not f.strip():
                errors.append(f"entity {e['name']!r}: empty name/alias")
                continue
            other = names.get(fold(f))
            if other is not None and other is not e:
                errors.append(f"{f!r} names both {other['name']!r} and {e['name']!r}")
            names[fold(f)] = e

    def check_refs(kind: str, item: dict[str, Any]) -> None:
        idx = item.get("messages")
        if not isinstance(idx, list) or not idx:
            errors.append(f"{kind} {item}: messages must be a non-empty list")
            return
        if len(set(idx)) != len(idx):
            errors.append(f"{kind} {item}: repeated message index")
        for k in idx:
            if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k < n:
                errors.append(f"{kind} {item}: message index {k!r} out of range 0..{n - 1}")

    def evidence_text(idx: list[int]) -> str:
        return fold(" ".join(msgs[k]["text"] for k in idx if isinstance(k, int) and 0 <= k < n))

    # speakers
    speakers = {m.get("speaker", "") for m in msgs}
    counts["speakers"] = len(speakers)
    for s in sorted(speakers):
        if fold(s) in NON_ENTITY_SPEAKERS:
            continue
        e = names.get(fold(s))
        if e is None:
            errors.append(f"speaker {s!r} is not an expected entity name or alias")
        elif e["type"] != "person":
            errors.append(f"speaker {s!r} maps to a {e['type']} entity")

    # facts
    facts = exp.get("facts") or []
    counts["facts"] = len(facts)
    seen_facts = set()
    for f in facts:
        if set(f) != {"entity", "field", "value", "messages"}:
            errors.append(f"fact {f}: keys {sorted(f)}")
            continue
        if f["entity"] not in by_name:
            errors.append(f"fact {f}: entity {f['entity']!r} is not an expected entity name")
        if f["field"] not in FACT_FIELDS:
            errors.append(f"fact {f}: field {f['field']!r} not in vocabulary")
        if not isinstance(f["value"], str) or not f["value"].strip():
            errors.append(f"fact {f}: value must be a non-empty string")
            continue
        key = (f["entity"], f["field"], fold(f["value"]))
        if key in seen_facts:
            errors.append(f"duplicate fact {key}")
        seen_facts.add(key)
        check_refs("fact", f)
        # evidence heuristic: some word of the value appears in the cited messages
        text = evidence_text(f["messages"])
        words = [w for w in re.split(r"[^0-9a-z]+", fold(f["value"])) if len(w) >= 2]
        numeric = re.sub(r"\D", "", f["value"])
        if (
            words
            and not any(w in text for w in words)
            and not (numeric and numeric.lstrip("0") in re.sub(r"\D", "", text))
        ):
            warnings.append(
                f"fact {f['entity']}.{f['field']}={f['value']!r}: value not visible "
                f"in messages {f['messages']} (fine for dates/normalised values)"
            )

    # relations
    rels = exp.get("relations") or []
    counts["relations"] = len(rels)
    seen_rels = set()
    for r in rels:
        if set(r) != {"source", "label", "target", "messages"}:
            errors.append(f"relation {r}: keys {sorted(r)}")
            continue
        for end in ("source", "target"):
            if r[end] not in by_name:
                errors.append(f"relation {r}: {end} {r[end]!r} is not an expected entity name")
        if r["label"] not in RELATION_LABELS:
            errors.append(f"relation {r}: label {r['label']!r} not in vocabulary")
        if r["source"] == r["target"]:
            errors.append(f"relation {r}: source equals target")
        key = canonical_relation(r["source"], r["label"], r["target"])
        if key in seen_rels:
            errors.append(f"duplicate relation {key}")
        seen_rels.add(key)
        check_refs("relation", r)

    # every listed term should be documented
    if vocab_doc:
        used = (
            {e.get("type") for e in ents}
            | {f.get("field") for f in facts}
            | {r.get("label") for r in rels}
        )
        for term in used:
            if term and f"`{term}`" not in vocab_doc:
                errors.append(f"{term!r} is used but not documented in VOCABULARY.md")

    return errors, warnings, counts


def main(argv: list[str]) -> int:
    markdown = "--markdown" in argv
    show_warnings = "--warnings" in argv
    coverage = "--coverage" in argv
    usage: dict[str, dict[str, int]] = {"type": {}, "field": {}, "label": {}}
    vocab_doc = load_vocabulary_doc()
    if not vocab_doc:
        print("VOCABULARY.md missing", file=sys.stderr)
    files = sorted(p for p in HERE.glob("[0-9]*.json"))  # resolution*.json: another format
    bad = 0
    rows = []
    numbers = []
    for p in files:
        m = FILE_RE.match(p.name)
        errors, warnings, c = validate(p, vocab_doc)
        if not m:
            errors.insert(0, "file name must be NN_slug.json")
        else:
            numbers.append(int(m.group(1)))
        for e in errors:
            print(f"ERROR {p.name}: {e}", file=sys.stderr)
        if show_warnings:
            for w in warnings:
                print(f"warn  {p.name}: {w}", file=sys.stderr)
        c["warnings"] = len(warnings)
        if coverage and not errors:
            exp = json.loads(p.read_text(encoding="utf-8"))["expected"]
            for kind, items, key in (
                ("type", exp["entities"], "type"),
                ("field", exp["facts"], "field"),
                ("label", exp["relations"], "label"),
            ):
                for it in items:
                    usage[kind][it[key]] = usage[kind].get(it[key], 0) + 1
        if errors:
            bad += 1
        rows.append((p.name, c))
    if numbers != list(range(1, len(numbers) + 1)):
        print(f"ERROR: files are not numbered 01..{len(numbers):02d} without gaps", file=sys.stderr)
        bad += 1

    keys = ["messages", "speakers", "entities", "facts", "relations"]
    totals = {k: sum(c[k] for _, c in rows) for k in keys}
    if markdown:
        print("| file | messages | speakers | entities | facts | relations | timestamps |")
        print("|---|---:|---:|---:|---:|---:|:---:|")
        for name, c in rows:
            print(
                f"| {name} | "
                + " | ".join(str(c[k]) for k in keys)
                + f" | {'yes' if c['timestamps'] else 'no'} |"
            )
        print(
            f"| **total ({len(rows)} conversations)** | "
            + " | ".join(f"**{totals[k]}**" for k in keys)
            + " | |"
        )
    else:
        print(f"{'file':34} " + " ".join(f"{k:>9}" for k in keys))
        for name, c in rows:
            print(f"{name:34} " + " ".join(f"{c[k]:>9}" for k in keys))
        print(
            f"{'TOTAL (' + str(len(rows)) + ' conversations)':34} "
            + " ".join(f"{totals[k]:>9}" for k in keys)
        )
        n_warn = sum(c["warnings"] for _, c in rows)
        if n_warn and not show_warnings:
            print(f"({n_warn} evidence warnings; --warnings to list them)")
        print("OK" if not bad else f"{bad} file(s) invalid")
    if coverage:
        for kind, vocab in (
            ("type", ENTITY_TYPES),
            ("field", FACT_FIELDS),
            ("label", RELATION_LABELS),
        ):
            used = ", ".join(
                f"{k}={v}" for k, v in sorted(usage[kind].items(), key=lambda kv: (-kv[1], kv[0]))
            )
            unused = ", ".join(sorted(vocab - set(usage[kind]))) or "none"
            print(f"{kind}s used: {used}\n{kind}s unused: {unused}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
