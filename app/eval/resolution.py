"""`librarian eval resolution`: precision, recall and F1 of entity resolution on a labelled set.

``tests/golden/resolution.json`` holds a registry (what the graph already knows) and mentions,
each labelled with the registry entity it is, or null for someone or something new. Every mention
goes through the production path: blocking picks candidates (the closest names by rapidfuzz
and the nearest embeddings, standing in for the fulltext and vector indexes), then
``app.domain.match.decide`` scores them.

A *match* is a mention resolved to a registry entity. Precision is the share of matches that are
right; recall is the share of labelled matches that were found; a wrong entity counts as both a
false positive and a false negative.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from app.domain.match import Candidate, Decision, Mention, cosine, decide
from app.domain.normalize import normalize_name
from app.domain.resolve import entity_text
from app.embed import Embedder
from app.eval.extraction import Score

RESOLUTION_SET = Path(__file__).resolve().parents[2] / "tests" / "golden" / "resolution.json"
BLOCK = 10  # candidates per source, as in the graph (KnowledgeStore.candidates)


@dataclass
class Outcome:
    name: str
    type: str
    expected: str | None
    decision: Decision
    why: str

    @property
    def got(self) -> str | None:
        return self.decision.entity_id


@dataclass
class ResolutionReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def tp(self) -> int:
        return sum(1 for o in self.outcomes if o.got is not None and o.got == o.expected)

    @property
    def fp(self) -> int:
        return sum(1 for o in self.outcomes if o.got is not None and o.got != o.expected)

    @property
    def fn(self) -> int:
        return sum(1 for o in self.outcomes if o.expected is not None and o.got != o.expected)

    @property
    def score(self) -> Score:
        return Score(self.tp, self.fp, self.fn)

    @property
    def precision(self) -> float:
        return self.score.precision

    @property
    def recall(self) -> float:
        return self.score.recall

    @property
    def f1(self) -> float:
        return self.score.f1

    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.got != o.expected]

    def table(self) -> str:
        return (
            f"cases {len(self.outcomes)}  matches labelled "
            f"{sum(o.expected is not None for o in self.outcomes)}\n"
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn})"
        )


def _block(mention: Mention, registry: list[Candidate]) -> list[Candidate]:
    """The union of the closest names and the nearest embeddings, like the graph's indexes."""
    same_type = [c for c in registry if c.type == mention.type]
    choices = {i: " ".join(sorted(c.names())) for i, c in enumerate(same_type)}
    query = " ".join(sorted(mention.names))
    by_name = process.extract(query, choices, scorer=fuzz.WRatio, limit=BLOCK)
    picked = {key for _, _, key in by_name}
    by_vector = sorted(
        range(len(same_type)), key=lambda i: -cosine(mention.embedding, same_type[i].embedding)
    )[:BLOCK]
    picked |= set(by_vector)
    return [same_type[i] for i in sorted(picked)]


def evaluate(embedder: Embedder | None, path: Path = RESOLUTION_SET) -> ResolutionReport:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    registry = [
        Candidate(r["id"], r["name"], r["type"], list(r.get("aliases", [])))
        for r in data["registry"]
    ]
    cases: list[dict[str, Any]] = data["cases"]
    mentions = [
        Mention(
            c["name"],
            c["type"],
            {n for n in (normalize_name(x) for x in [c["name"], *c.get("aliases", [])]) if n},
        )
        for c in cases
    ]
    if embedder is not None:
        vectors = embedder.embed(
            [entity_text(x.name, x.type) for x in registry]
            + [entity_text(m.name, m.type) for m in mentions]
        )
        for candidate, vector in zip(registry, vectors[: len(registry)], strict=True):
            candidate.embedding = vector
        for mention, vector in zip(mentions, vectors[len(registry) :], strict=True):
            mention.embedding = vector
    report = ResolutionReport()
    for case, mention in zip(cases, mentions, strict=True):
        decision = decide(mention, _block(mention, registry))
        report.outcomes.append(
            Outcome(case["name"], case["type"], case["expected"], decision, case.get("why", ""))
        )
    return report
