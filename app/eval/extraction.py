"""`librarian eval extraction`: precision, recall and F1 of an extractor on the golden set.

The extractor runs over each golden conversation in the pipeline's own windows; its mentions are
grouped into entities the way the resolve stage groups them, then scored with the matching rules
of ``tests/golden/README.md`` (rules 1-6, including the two extra equivalences).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from app.domain.models import Extraction, WindowMessage
from app.domain.normalize import normalize_name
from app.domain.resolve import EntityGroup, group_mentions
from app.extract.base import Extractor, windows

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "tests" / "golden"
SYMMETRIC = {
    "sibling_of", "spouse_of", "partner_of", "engaged_to", "relative_of", "friend_of",
    "colleague_of",
}  # fmt: skip
INVERSE = {"child_of": "parent_of", "reports_to": "manages"}


def load_vocabulary(directory: Path = GOLDEN_DIR) -> tuple[frozenset[str], frozenset[str]]:
    """The golden set's closed vocabulary, from VOCABULARY.md: (fact fields, relation labels).

    Only items in it are scored: the golden files annotate these labels and nothing else, so a
    statement outside them ("restoring: old sailboat", "talks_with") is neither right nor wrong
    here. ``librarian eval knowledge`` measures those; ``Report.unscored`` counts them.
    """
    text = (directory / "VOCABULARY.md").read_text(encoding="utf-8")
    sections: dict[str, set[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip().casefold()
        elif m := re.match(r"\|\s*`([a-z_]+)`", line):
            sections.setdefault(current, set()).add(m.group(1))
    return frozenset(sections["fact fields"]), frozenset(sections["relation labels"])


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass
class Report:
    entities: Score = field(default_factory=Score)
    facts: Score = field(default_factory=Score)
    relations: Score = field(default_factory=Score)
    per_file: dict[str, tuple[Score, Score, Score]] = field(default_factory=dict)
    unscored: int = 0  # facts and relations outside the golden vocabulary (``load_vocabulary``)

    def table(self) -> str:
        lines = [f"{'kind':<10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
        for kind, s in (
            ("entities", self.entities),
            ("facts", self.facts),
            ("relations", self.relations),
        ):
            lines.append(
                f"{kind:<10} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                f"{s.tp:5d} {s.fp:5d} {s.fn:5d}"
            )
        lines.append(f"outside the golden vocabulary (not scored): {self.unscored}")
        return "\n".join(lines)


def load_golden(directory: Path = GOLDEN_DIR) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.stem, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("[0-9][0-9]_*.json"))
    ]


def run_extractor(
    extractor: Extractor, conversation: dict[str, Any], size: int = 30, context: int = 3
) -> tuple[Extraction, list[WindowMessage]]:
    """Extract one golden conversation in pipeline-shaped windows, keys made window-unique."""
    messages = [
        WindowMessage(
            id=f"m{i}",
            seq=i,
            speaker=m["speaker"],
            text=m["text"],
            timestamp=datetime.fromisoformat(m["timestamp"]) if m.get("timestamp") else None,
        )
        for i, m in enumerate(conversation["messages"])
    ]
    combined = Extraction()
    for w, (window, ctx) in enumerate(windows(messages, size, context)):
        part = extractor.extract(window, context=ctx).extraction
        for e in part.entities:
            combined.entities.append(e.model_copy(update={"key": f"w{w}:{e.key}"}))
        for f in part.facts:
            combined.facts.append(f.model_copy(update={"entity": f"w{w}:{f.entity}"}))
        for r in part.relations:
            combined.relations.append(
                r.model_copy(update={"source": f"w{w}:{r.source}", "target": f"w{w}:{r.target}"})
            )
    return combined, messages


def _names(name: str, aliases: Iterable[str]) -> set[str]:
    return {n for n in (normalize_name(x) for x in [name, *aliases]) if n}


def score_file(expected: dict[str, Any], predicted: Extraction) -> tuple[Score, Score, Score]:
    groups, key_map = group_mentions(predicted)
    gold = [
        (e["name"], e["type"], _names(e["name"], e.get("aliases", [])))
        for e in expected["entities"]
    ]

    # Rules 1-2: each expected entity matched once; extra matches are duplicates.
    entity_score = Score()
    mapping: dict[int, str] = {}
    matched: set[str] = set()
    for gi, group in enumerate(groups):
        hit = next(
            (name for name, etype, names in gold if etype == group.type and names & group.names()),
            None,
        )
        if hit is None or hit in matched:
            entity_score.fp += 1
            continue
        matched.add(hit)
        mapping[gi] = hit
        entity_score.tp += 1
    entity_score.fn = len(gold) - len(matched)
    group_name = {id(g): mapping.get(i) for i, g in enumerate(groups)}

    def resolved(key: str) -> str | None:
        group: EntityGroup | None = key_map.get(key)
        return group_name.get(id(group)) if group is not None else None

    place_names = {name: names for name, etype, names in gold if etype == "place"}

    # Rule 5b: a lives_in fact counts as the lives_in relation to the place it names.
    predicted_relations: set[tuple[str | None, str, str | None]] = set()
    predicted_facts: set[tuple[str | None, str, str]] = set()
    for fact in predicted.facts:
        entity = resolved(fact.entity)
        value = normalize_name(fact.value)
        if fact.field == "lives_in":
            place = next((p for p, names in place_names.items() if value in names), None)
            predicted_relations.add((entity, "lives_in", place))
            continue
        predicted_facts.add((entity, fact.field, value))
    for rel in predicted.relations:
        predicted_relations.add(
            _canonical_relation(resolved(rel.source), rel.label, resolved(rel.target))
        )

    gold_facts = {(f["entity"], f["field"], normalize_name(f["value"])) for f in expected["facts"]}
    gold_relations = {
        _canonical_relation(r["source"], r["label"], r["target"]) for r in expected["relations"]
    }
    return (
        entity_score,
        _set_score(predicted_facts, gold_facts),
        _set_score(predicted_relations, gold_relations),
    )


def _canonical_relation(
    source: str | None, label: str, target: str | None
) -> tuple[str | None, str, str | None]:
    """Rules 4 and 5a: one form for symmetric and inverse labels."""
    if label in INVERSE:
        label, source, target = INVERSE[label], target, source
    if label in SYMMETRIC and (source or "") > (target or ""):
        source, target = target, source
    return source, label, target


def _set_score(predicted: set[Any], gold: set[Any]) -> Score:
    valid = {p for p in predicted if None not in p}
    return Score(
        tp=len(valid & gold),
        fp=len(valid - gold) + len(predicted - valid),
        fn=len(gold - valid),
    )


def in_vocabulary(
    predicted: Extraction, fields: frozenset[str], labels: frozenset[str]
) -> tuple[Extraction, int]:
    """The mentions the golden vocabulary can judge, and how many it cannot."""
    facts = [f for f in predicted.facts if f.field in fields]
    relations = [
        r for r in predicted.relations if r.label in labels or INVERSE.get(r.label) in labels
    ]
    left_out = len(predicted.facts) - len(facts) + len(predicted.relations) - len(relations)
    return predicted.model_copy(update={"facts": facts, "relations": relations}), left_out


def evaluate(extractor: Extractor, directory: Path = GOLDEN_DIR) -> Report:
    report = Report()
    fields, labels = load_vocabulary(directory)
    for name, golden in load_golden(directory):
        extracted, _ = run_extractor(extractor, golden["conversation"])
        predicted, left_out = in_vocabulary(extracted, fields, labels)
        report.unscored += left_out
        scores = score_file(golden["expected"], predicted)
        report.per_file[name] = scores
        report.entities.add(scores[0])
        report.facts.add(scores[1])
        report.relations.add(scores[2])
    return report
