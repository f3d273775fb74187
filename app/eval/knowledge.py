"""`librarian eval knowledge`: what the graph holds of what people say in long conversations.

The knowledge set (tests/knowledge/README.md) goes through the real pipeline into a scratch
graph; each gold entity is then found among the entities its conversation's messages cite
(:func:`app.eval.knowledge_metrics.map_entity`), and each question is scored per kind:

- fact coverage: one fact value or relation end (for ``when``, also a fact's or a relation's
  date, written as the gold answers write dates) of the entity asked about has token F1 >= 0.5
  with the gold answer;
- answer F1: SQuAD token F1 of ``ask``'s answer (citations dropped) with the gold answer;
- cites gold: the answer cites a message that states the answer;
- graded 4-5 (with an LLM): the LLM's grade of the answer against the gold one.

Over the entities: the share found, type precision among those found, names carrying chat
noise; over the people of the whole split: pair precision and recall of resolution. ADR 0016.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import neo4j

from app.ask.base import Answerer
from app.ask.service import Asked, ask
from app.eval.knowledge_grade import Graded, grade
from app.eval.knowledge_graph import cited_entities, knowledge_of
from app.eval.knowledge_metrics import (
    COVERAGE_F1,
    Candidate,
    MappedPerson,
    PairScore,
    canonical_type,
    chat_noise,
    map_entity,
    pair_scores,
    strip_citations,
    token_f1,
)
from app.eval.knowledge_set import KINDS, KnowledgeFile
from app.graph.browse import Reader
from app.llm.base import LLM
from app.search.engine import Searcher

__all__ = ["KindScore", "KnowledgeReport", "QuestionResult", "evaluate"]


@dataclass(frozen=True)
class QuestionResult:
    file: str
    id: str
    kind: str
    question: str
    gold: str
    entity: str
    mapped: str | None  # the graph entity's name, None when the gold entity was not found
    coverage_f1: float  # the best token F1 of one fact or relation with the gold answer
    closest: str | None  # the fact or relation text that scored it
    answer: str
    answer_f1: float
    cites_gold: bool
    answerer: str
    method: str = "NONE"  # how the answer was made: FACT, PASSAGE, LLM or NONE
    seconds: float = 0.0  # from the question to the whole answer (search included)
    graded: Graded | None = None

    @property
    def covered(self) -> bool:
        return self.coverage_f1 >= COVERAGE_F1


@dataclass
class KindScore:
    questions: int = 0
    covered: int = 0
    f1: float = 0.0  # sum over questions
    cites_gold: int = 0
    good: int = 0  # graded 4 or 5

    def add(self, r: QuestionResult) -> None:
        self.questions += 1
        self.covered += r.covered
        self.f1 += r.answer_f1
        self.cites_gold += r.cites_gold
        self.good += r.graded is not None and r.graded.good

    def figures(self, graded: bool) -> dict[str, Any]:
        n = max(1, self.questions)
        out: dict[str, Any] = {
            "questions": self.questions,
            "fact_coverage": round(self.covered / n, 4),
            "answer_f1": round(self.f1 / n, 4),
            "cites_gold": round(self.cites_gold / n, 4),
        }
        if graded:
            out["graded_good"] = round(self.good / n, 4)
        return out


@dataclass
class KnowledgeReport:
    split: str
    files: int
    results: list[QuestionResult] = field(default_factory=list)
    gold_entities: int = 0
    found: int = 0
    typed_right: int = 0
    type_errors: list[tuple[str, str, str]] = field(default_factory=list)  # label, gold, graph
    noise: list[tuple[str, str, list[str]]] = field(default_factory=list)  # label, name, words
    persons: int = 0
    persons_found: int = 0
    resolution: PairScore = field(default_factory=PairScore)
    graded: bool = False

    def by_kind(self) -> dict[str, KindScore]:
        kinds = {k: KindScore() for k in (*KINDS, "all")}
        for r in self.results:
            kinds[r.kind].add(r)
            kinds["all"].add(r)
        return kinds

    @property
    def type_precision(self) -> float:
        return self.typed_right / self.found if self.found else 0.0

    def answerers(self) -> Counter[str]:
        return Counter(r.answerer for r in self.results)

    def methods(self) -> Counter[str]:
        return Counter(r.method for r in self.results)

    def ungraded(self) -> list[QuestionResult]:
        return [r for r in self.results if r.graded is not None and r.graded.grade is None]

    def figures(self) -> dict[str, Any]:
        """The report as JSON-ready figures (names only as counts: the blind split's stay
        unseen)."""
        res = self.resolution
        return {
            "split": self.split,
            "files": self.files,
            "kinds": {k: s.figures(self.graded) for k, s in self.by_kind().items()},
            "entities": {
                "gold": self.gold_entities,
                "found": self.found,
                "type_precision": round(self.type_precision, 4),
                "noise_names": len(self.noise),
            },
            "resolution": {
                "persons": self.persons,
                "persons_found": self.persons_found,
                "precision": round(res.precision, 4),
                "recall": round(res.recall, 4),
                "same_entity_pairs": res.same_entity,
                "same_person_pairs": res.same_person,
            },
            "answerers": dict(self.answerers()),
            "methods": dict(self.methods()),
            "ungraded": len(self.ungraded()) if self.graded else None,
        }

    def table(self, *, names: bool) -> str:
        """Figures per kind, then entities and resolution; ``names`` lists the names behind
        type errors, chat noise and fused or split people (never for the blind split)."""
        head = (
            f"{'kind':<7}{'questions':>10}{'fact coverage':>15}{'answer F1':>11}{'cites gold':>12}"
        )
        lines = [head + (f"{'graded 4-5':>12}" if self.graded else "")]
        for kind, s in self.by_kind().items():
            f = s.figures(self.graded)
            row = (
                f"{kind:<7}{s.questions:>10}{f['fact_coverage']:>15.3f}{f['answer_f1']:>11.3f}"
                f"{f['cites_gold']:>12.3f}"
            )
            lines.append(row + (f"{f['graded_good']:>12.3f}" if self.graded else ""))
        found = self.found / self.gold_entities if self.gold_entities else 0.0
        lines.append("")
        lines.append(
            f"entities: {self.found}/{self.gold_entities} gold entities found ({found:.3f}); "
            f"type precision {self.type_precision:.3f} ({self.typed_right}/{self.found})"
        )
        if names:
            lines += [
                f"  type: {label} is {gold}, graph says {got}"
                for label, gold, got in self.type_errors
            ]
        lines.append(f"names with chat noise: {len(self.noise)}")
        if names:
            lines += [f"  {label}: {name!r} ({', '.join(w)})" for label, name, w in self.noise]
        res = self.resolution
        lines.append(
            f"resolution: {self.persons_found}/{self.persons} (file, person) items found; "
            f"pair precision {res.precision:.3f} ({res.correct}/{res.same_entity}), "
            f"recall {res.recall:.3f} ({res.kept_together}/{res.same_person})"
        )
        if names:
            lines += [f"  fused: {a} + {b}" for a, b in res.fused]
            lines += [f"  split: {a} / {b}" for a, b in res.split]
        lines.append("answered by: " + ", ".join(f"{k} {n}" for k, n in self.answerers().items()))
        lines.append("answered from: " + ", ".join(f"{k} {n}" for k, n in self.methods().items()))
        if self.results:
            times = sorted(r.seconds * 1000 for r in self.results)
            p50, p95 = times[len(times) // 2], times[min(len(times) - 1, len(times) * 95 // 100)]
            lines.append(f"time to answer: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        if self.graded:
            ungraded = self.ungraded()
            lines.append(f"ungraded (the grader failed): {len(ungraded)}")
            if names:
                lines += [f"  {r.file} {r.id}: {r.graded.error}" for r in ungraded if r.graded]
        return "\n".join(lines)

    def misses(self) -> str:
        """The questions whose answer no fact or relation of the entity holds."""
        lines = []
        for r in self.results:
            if r.covered:
                continue
            where = f"-> {r.mapped!r}" if r.mapped else "-> not found in the graph"
            closest = f"; closest {r.closest!r} ({r.coverage_f1:.2f})" if r.closest else ""
            lines.append(
                f"  {r.file} {r.id} [{r.kind}] {r.entity} {where}: {r.question} "
                f"gold {r.gold!r}{closest}"
            )
        return "\n".join(lines) or "  none"

    def answers(self) -> str:
        """Every question with the answer given, its F1 and how it was made."""
        return "\n".join(
            f"  {r.file} {r.id} [{r.kind}] {r.method} F1 {r.answer_f1:.2f}: {r.question} "
            f"gold {r.gold!r}; answered {r.answer!r}"
            for r in self.results
        )


async def evaluate(
    driver: neo4j.AsyncDriver,
    database: str,
    files: Sequence[KnowledgeFile],
    *,
    reader: Reader,
    searcher: Searcher,
    answerer: Answerer,
    grader: LLM | None = None,
) -> KnowledgeReport:
    """Score a graph that holds ``files``' conversations (see the module doc)."""
    report = KnowledgeReport(
        split="+".join(sorted({f.split for f in files})),
        files=len(files),
        graded=grader is not None,
    )
    mapped: dict[tuple[str, str], Candidate | None] = {}
    people: list[MappedPerson] = []
    for f in files:
        candidates = await cited_entities(driver, database, f)
        for e in f.entities:
            hit = map_entity(e.name, e.aliases, e.type, candidates)
            mapped[f.label, e.name] = hit
            label = f"{f.label}: {e.name}"
            report.gold_entities += 1
            if e.type == "person":
                report.persons += 1
                people.append(MappedPerson(f.person_key(e), hit.id if hit else None, label))
            if hit is None:
                continue
            report.found += 1
            report.persons_found += e.type == "person"
            if canonical_type(hit.type) == e.type:
                report.typed_right += 1
            else:
                report.type_errors.append((label, e.type, hit.type))
            if words := chat_noise(hit.name, (e.name, *e.aliases)):
                report.noise.append((label, hit.name, words))
    report.resolution = pair_scores(people)
    ids = sorted({c.id for c in mapped.values() if c is not None})
    knowledge = await knowledge_of(driver, database, ids)
    for f in files:
        for q in f.questions:
            entity = mapped[f.label, q.entity]
            texts = knowledge[entity.id].texts(dates=q.kind == "when") if entity else []
            scored = [(token_f1(t, q.answer), t) for t in texts]
            best_f1, closest = max(scored, default=(0.0, None))
            closest = closest if best_f1 > 0 else None
            began = time.perf_counter()
            asked = await _ask(reader, searcher, answerer, q.question)
            seconds = time.perf_counter() - began
            text = strip_citations(asked.answer.text)
            gold_ids = {f.message_ids[i] for i in q.messages}
            graded = await grade(grader, q.question, q.answer, text) if grader else None
            report.results.append(
                QuestionResult(
                    file=f.label,
                    id=q.id,
                    kind=q.kind,
                    question=q.question,
                    gold=q.answer,
                    entity=q.entity,
                    mapped=entity.name if entity else None,
                    coverage_f1=best_f1,
                    closest=closest,
                    answer=text,
                    answer_f1=token_f1(text, q.answer),
                    cites_gold=any(c.message["id"] in gold_ids for c in asked.citations),
                    answerer=asked.answer.answerer,
                    method=asked.answer.method.value,
                    seconds=seconds,
                    graded=graded,
                )
            )
    return report


async def _ask(reader: Reader, searcher: Searcher, answerer: Answerer, question: str) -> Asked:
    async for event in ask(reader, searcher, answerer, question):
        if isinstance(event, Asked):
            return event
    raise RuntimeError("the answerer ended without an answer")
