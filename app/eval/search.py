"""`librarian eval search`: recall@5, recall@10 and MRR of search on the golden questions.

``tests/golden/search.json`` holds questions over the golden conversations, each with the
messages that answer it (written blind, from the conversations alone). The conversations go
through the real pipeline into a real graph; each question is then searched for entities,
facts and messages, and the messages behind the hits (a fact brings the message it comes
from) are ranked as ``ask`` would read them. Methods compared:

- ``fulltext``: Lucene only; ``vector``: the query's embedding only; both without expansion;
- ``hybrid``: both fused by reciprocal rank, plus one hop from the best entities (the default);
- ``hybrid-no-expansion``: both fused, no graph hop (to see what the hop adds).

recall@k is the share of a question's answering messages in the first k, averaged over the
questions; MRR is the mean of 1 / the rank of the first answering message (0 when none is in
the first ``DEPTH``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from app.ask.base import Answerer
from app.ask.service import Asked, ask
from app.domain.conversations import ConversationInput
from app.eval.extraction import GOLDEN_DIR, load_golden
from app.graph.browse import Reader
from app.graph.conversations import content_checksum, conversation_id, message_id
from app.search.engine import (
    Searcher,
    SearchKind,
    SearchMode,
    SearchRequest,
    ranked_messages,
)

SEARCH_SET: Final = GOLDEN_DIR / "search.json"
DEPTH: Final = 20
METHODS: Final = {
    "fulltext": (SearchMode.FULLTEXT, False),
    "vector": (SearchMode.VECTOR, False),
    "hybrid": (SearchMode.HYBRID, True),
    "hybrid-no-expansion": (SearchMode.HYBRID, False),
}
KINDS: Final = frozenset({SearchKind.ENTITY, SearchKind.FACT, SearchKind.MESSAGE})


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    style: str
    answers: frozenset[str]  # message ids


@dataclass(frozen=True)
class SearchSet:
    questions: list[Question]
    unanswerable: list[str]


def golden_message_ids(directory: Path = GOLDEN_DIR) -> dict[str, list[str]]:
    """Message ids of each golden conversation (by file stem), as ingest assigns them."""
    out = {}
    for stem, data in load_golden(directory):
        conversation = ConversationInput.model_validate(data["conversation"])
        conv_id = conversation_id(content_checksum(conversation))
        out[stem] = [message_id(conv_id, i) for i in range(len(conversation.messages))]
    return out


def load_search_set(path: Path = SEARCH_SET, directory: Path = GOLDEN_DIR) -> SearchSet:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    ids = golden_message_ids(directory)
    questions = [
        Question(
            id=q["id"],
            text=q["question"],
            style=q["style"],
            answers=frozenset(
                ids[a["conversation"]][i] for a in q["answers"] for i in a["messages"]
            ),
        )
        for q in data["questions"]
    ]
    return SearchSet(questions, [u["question"] for u in data.get("unanswerable", [])])


@dataclass
class Score:
    recall_at_5: float = 0.0
    recall_at_10: float = 0.0
    mrr: float = 0.0
    count: int = 0

    def add(self, ranked: Sequence[str], answers: frozenset[str]) -> None:
        self.recall_at_5 += len(answers & set(ranked[:5])) / len(answers)
        self.recall_at_10 += len(answers & set(ranked[:10])) / len(answers)
        first = next((i for i, m in enumerate(ranked[:DEPTH], 1) if m in answers), None)
        self.mrr += 1 / first if first else 0.0
        self.count += 1

    def mean(self) -> Score:
        n = max(1, self.count)
        return Score(self.recall_at_5 / n, self.recall_at_10 / n, self.mrr / n, self.count)


@dataclass
class SearchReport:
    scores: dict[str, Score] = field(default_factory=dict)  # by method, means
    by_style: dict[str, dict[str, Score]] = field(default_factory=dict)  # method → style → mean
    misses: dict[str, list[str]] = field(default_factory=dict)  # method → question ids, none@10

    def table(self) -> str:
        lines = [f"{'method':<22}{'recall@5':>10}{'recall@10':>11}{'MRR':>8}"]
        for method, s in self.scores.items():
            lines.append(f"{method:<22}{s.recall_at_5:>10.3f}{s.recall_at_10:>11.3f}{s.mrr:>8.3f}")
        styles = sorted({st for by in self.by_style.values() for st in by})
        if styles:
            lines.append("")
            lines.append("recall@10 by question style: " + ", ".join(styles))
            for method, by in self.by_style.items():
                cells = "  ".join(
                    f"{st} {by[st].recall_at_10:.3f} (n={by[st].count})" for st in styles
                )
                lines.append(f"  {method:<20}{cells}")
        return "\n".join(lines)


async def evaluate(
    reader: Reader, searcher: Searcher, questions: Sequence[Question]
) -> SearchReport:
    """Search every question with every method over a graph holding the golden conversations."""
    report = SearchReport()
    for method, (mode, expand) in METHODS.items():
        total = Score()
        styles: dict[str, Score] = {}
        misses = []
        for q in questions:
            result = await searcher.search(
                reader, SearchRequest(q.text, KINDS, mode, expand), limit=DEPTH
            )
            ranked = [m.message["id"] for m in ranked_messages(result)]
            total.add(ranked, q.answers)
            styles.setdefault(q.style, Score()).add(ranked, q.answers)
            if not q.answers & set(ranked[:10]):
                misses.append(q.id)
        report.scores[method] = total.mean()
        report.by_style[method] = {st: s.mean() for st, s in styles.items()}
        report.misses[method] = misses
    return report


@dataclass
class AskReport:
    answered: int = 0  # answerable questions whose answer cites an answering message
    found: int = 0  # answerable questions answered at all (found=True)
    questions: int = 0
    refused: int = 0  # unanswerable questions answered "nothing found"
    unanswerable: int = 0
    wrong: list[str] = field(default_factory=list)  # ids: found, but cites no answering message

    def table(self) -> str:
        q, u = max(1, self.questions), max(1, self.unanswerable)
        return "\n".join(
            [
                f"answers citing an answering message: {self.answered}/{self.questions} "
                f"({self.answered / q:.3f})",
                f"answerable questions answered at all: {self.found}/{self.questions} "
                f"({self.found / q:.3f})",
                f"unanswerable questions refused: {self.refused}/{self.unanswerable} "
                f"({self.refused / u:.3f})",
            ]
        )


async def evaluate_ask(
    reader: Reader, searcher: Searcher, answerer: Answerer, search_set: SearchSet
) -> AskReport:
    """Ask every question; an answer is right when it cites a message that answers it."""
    report = AskReport()
    for q in search_set.questions:
        answer = await _final(reader, searcher, answerer, q.text)
        report.questions += 1
        if answer.answer.found:
            report.found += 1
            if {c.message["id"] for c in answer.citations} & q.answers:
                report.answered += 1
            else:
                report.wrong.append(q.id)
    for text in search_set.unanswerable:
        answer = await _final(reader, searcher, answerer, text)
        report.unanswerable += 1
        report.refused += not answer.answer.found
    return report


async def _final(reader: Reader, searcher: Searcher, answerer: Answerer, question: str) -> Asked:
    async for event in ask(reader, searcher, answerer, question):
        if isinstance(event, Asked):
            return event
    raise AssertionError("an answerer ends with an Answer")
