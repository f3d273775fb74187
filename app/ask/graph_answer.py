"""The answer a fact or relation of the graph gives, when one fits the question.

1. The question's entities: those whose name or alias is a run of its words ("Maya", "Saint
   Luke's Hospital"), or, for a person, whose first name is one of its words.
2. Each statement about them (a fact, or a relation at either end) is scored by how well it
   covers the question's other topical words: by its predicate (``app.ask.predicates``) or by
   the sentence it was said in ("parrot" in "my parrot Kiwi"); by how close the whole question
   is to its predicate; by whether its value is the kind the question wants (a place for
   "where", a person for "who", a date for "when"); a value the question already names answers
   nothing (except "when", which dates it); a replaced value counts less unless the question
   asks about before.
3. Two steps: a relation that names one of the words ("brother" → ``sibling_of``) leads to
   another entity, whose statements are scored the same way, together with the hop ("In which
   city does Maya's brother live?").
4. The best scoring at least ``MIN_SCORE`` answers, with the other values of its predicate that
   score nearly as well (``likes``: several): the values and the citations of the messages the
   statements come from, numbered in order of appearance ("Kiwi [1]."), and a basis saying
   what they are of ("Maya's pet"); a "when" the graph knows only by the day it was said
   answers so ("Said on 10 March 2024 [1].") and is marked ``undated`` (ADR 0020).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from app.ask.base import Passage, defuse_citations
from app.ask.knowledge import EntityRef, Evidence, Knowledge, Statement
from app.ask.phrasing import date_phrase, describe, said_phrase, subject_phrase
from app.ask.predicates import MatchTable, PredicateMatcher
from app.ask.question import Expect, Question
from app.domain.normalize import normalize_name
from app.extract.local.lexicon import KIN

__all__ = ["MIN_SCORE", "FactAnswer", "GraphAnswerer", "Scored"]

MIN_SCORE: Final = 0.45
#: Other values of the best predicate join the answer when they score this share of the best.
SAME_PREDICATE_SHARE: Final = 0.85
MAX_VALUES: Final = 3
#: A two-step path counts this share of what a direct statement would: one more hop, one more
#: chance of being wrong.
HOP_SHARE: Final = 0.95
MAX_HOPS: Final = 3
#: A word the statement's own message says, rather than its predicate.
EVIDENCE_WORD: Final = 0.6
COVERAGE_WEIGHT: Final = 0.8
_MAX_ENTITIES: Final = 3
#: A question word naming a relative ("brother") that neither the statement nor the hop to it
#: names: the question is about someone else, and this statement answers it this much.
OTHER_PERSON: Final = 0.3
KIN_NAMED: Final = 0.8
KIN_WORDS: Final = frozenset(
    part
    for word, (label, _) in KIN.items()
    if label != "manages"  # "report", "assistant": words of work as often as people
    for part in word.split("-")
    if part not in ("in", "law", "great", "half", "step", "co", "founder", "worker")
) | {"neighbour", "neighbor", "roommate", "flatmate", "housemate", "ex", "landlord", "landlady",
     "laws", "stepmum", "stepdad", "mate", "fiance", "fiancé", "fiancée"}  # fmt: skip
#: Evidence beyond this many messages is a conversation, not the sentence that says it.
MAX_EVIDENCE: Final = 3
_EVERYWHERE: Final = frozenset({"talks_with"})
_WORD: Final = re.compile(r"[^\W_]+")

_PLACES: Final = frozenset({"place", "location", "city", "country", "gpe", "loc", "region"})
_ORGS: Final = frozenset({"organization", "organisation", "org", "company", "institution"})
_WHERE_LINKS: Final = frozenset({"in", "at", "to", "from"})


@dataclass(frozen=True)
class Scored:
    statement: Statement
    score: float
    hop: Statement | None = None  # the relation that led to ``statement``'s subject


@dataclass(frozen=True)
class FactAnswer:
    text: str  # the value and its citations: "Kiwi [1]."
    basis: str  # what the value is of: "Maya's pet", "Leo lives in"
    sources: tuple[Passage, ...]  # numbered from 1 in order of appearance
    chosen: tuple[Scored, ...]
    undated: bool = False  # a "when" answered only by the day it was said


class GraphAnswerer:
    def __init__(self, matcher: PredicateMatcher) -> None:
        self._matcher = matcher

    async def asked_about(self, question: Question, knowledge: Knowledge) -> list[EntityRef]:
        """The entities the question names, best first (persons before others)."""
        runs = question.name_runs()
        found = await knowledge.entities_named(runs, list(question.topical))
        words, named = set(question.words), set(runs)
        ranked: list[tuple[float, EntityRef]] = []
        for entity in found:
            if normalize_name(entity.name) in KIN_WORDS:
                continue  # "Mum", as someone calls her: no one the question can name by it
            if entity.keys & named:
                strength = 1.0
            elif entity.type == "person" and any(k.split()[0] in words for k in entity.keys):
                strength = 0.9  # a first name
            else:
                continue
            ranked.append((strength + (0.1 if entity.type == "person" else 0.0), entity))
        ranked.sort(key=lambda r: -r[0])
        return [e for _, e in ranked[:_MAX_ENTITIES]]

    async def answer(
        self, question: Question, knowledge: Knowledge, asked: Sequence[EntityRef]
    ) -> FactAnswer | None:
        if not asked:
            return None
        names = set().union(*(e.keys for e in asked))
        words = question.without(names)
        if not words:
            return None
        direct = await knowledge.statements_about(asked)
        asked_ids = {e.id for e in asked}
        hops = [
            s for s in direct if s.kind == "relation" and s.other and s.other.id not in asked_ids
        ]
        table = await self._table(question, words, names, direct)
        scored = [self._score(question, words, table, s, names) for s in direct]
        leads = self._leads(words, table, hops)
        if leads:
            further = await knowledge.statements_about([h.other for h in leads if h.other])
            table = await self._table(question, words, names, [*direct, *further])
            for statement in further:
                if statement.other is not None and statement.other.id in asked_ids:
                    continue  # back where it started
                for hop in leads:
                    if hop.other is not None and hop.other.id == statement.subject.id:
                        scored.append(self._score(question, words, table, statement, names, hop))
        scored = [s for s in scored if s.score > 0]
        if not scored:
            return None
        scored.sort(key=lambda s: -s.score)
        best = scored[0]
        if best.score < MIN_SCORE:
            return None
        chosen = [best] + [
            s
            for s in scored[1:]
            if s.statement.predicate == best.statement.predicate
            and s.statement.subject.id == best.statement.subject.id
            and s.statement.direction == best.statement.direction
            and s.score >= best.score * SAME_PREDICATE_SHARE
            and normalize_name(s.statement.value) != normalize_name(best.statement.value)
        ]
        return _compose(question, _distinct(chosen)[:MAX_VALUES])

    async def _table(
        self, question: Question, words: Sequence[str], names: set[str], statements: list[Statement]
    ) -> MatchTable:
        asked = " ".join(w for w in question.words if normalize_name(w) not in names)
        return await self._matcher.table(words, asked, [s.predicate for s in statements])

    def _leads(
        self, words: Sequence[str], table: MatchTable, hops: list[Statement]
    ) -> list[Statement]:
        """Relations that a word names outright ("brother"), when other words are left."""
        if len(words) < 2:
            return []
        strong = [(max(table.word_scores(h.predicate)), h) for h in hops]
        strong = [(score, h) for score, h in strong if score >= 0.8]
        strong.sort(key=lambda r: -r[0])
        return [h for _, h in strong[:MAX_HOPS]]

    def _score(
        self,
        question: Question,
        words: Sequence[str],
        table: MatchTable,
        statement: Statement,
        names: set[str],
        hop: Statement | None = None,
    ) -> Scored:
        said = _evidence_words(statement)
        value = {normalize_name(w) for w in _WORD.findall(statement.value)}
        own = table.word_scores(statement.predicate)
        via = table.word_scores(hop.predicate) if hop else (0.0,) * len(words)
        per_word = []
        adds = False  # the statement itself covers a word the hop does not
        someone_else = False  # "Ines's brother": a statement of Ines herself answers nothing
        for i, word in enumerate(words):
            if word in KIN_WORDS and max(own[i], via[i]) < KIN_NAMED:
                someone_else = True
            if normalize_name(word) in value:  # "when" dates the value; else it is no answer
                per_word.append(1.0 if question.expects is Expect.DATE else 0.0)
                continue
            mine = max(own[i], EVIDENCE_WORD if _said(word, said) else 0.0)
            adds = adds or mine > via[i] + 0.3
            per_word.append(max(mine, via[i]))
        if hop is not None and not adds:
            return Scored(statement, 0.0, hop)
        coverage = sum(per_word) / len(per_word)
        closeness = min(1.0, max(0.0, (table.question.get(statement.predicate, 0.0) - 0.2) / 0.5))
        score = COVERAGE_WEIGHT * coverage + (1 - COVERAGE_WEIGHT) * closeness
        score *= _fit(question.expects, statement)
        if normalize_name(statement.value) in names:
            score *= 1.1 if question.expects is Expect.DATE else 0.3
        ended = statement.superseded or statement.valid_to is not None
        if ended != question.past:
            score *= 0.7 if ended else 0.85
        score *= 0.9 + 0.1 * min(1.0, statement.confidence)
        if someone_else:
            score *= OTHER_PERSON
        return Scored(statement, min(1.0, score) * (HOP_SHARE if hop else 1.0), hop)


def _fit(expects: Expect, s: Statement) -> float:
    """How well the statement's value is the kind of value the question wants."""
    kind = (s.value_type or "").lower()
    links = set(s.predicate.split("_")) & _WHERE_LINKS
    if expects is Expect.PLACE:
        if kind in _PLACES:
            return 1.0
        if kind in _ORGS:
            return 0.85
        if kind in ("person", "animal"):
            return 0.3
        return 0.9 if links else 0.5
    if expects is Expect.PERSON:
        if kind == "person":
            return 1.0
        if kind in _ORGS:
            return 0.7
        if kind:
            return 0.4
        return 0.75 if s.value[:1].isupper() else 0.5
    if expects is Expect.DATE:
        return 1.0 if s.event_date or s.valid_from else 0.85
    return 0.85 if kind == "person" else 1.0


def _evidence_words(statement: Statement) -> set[str]:
    """The words of the sentence that says the statement (around its value), case-folded. None
    for a statement said all over a conversation (who talks with whom): its messages say
    everything, so they say nothing of it."""
    out: set[str] = set()
    if statement.predicate in _EVERYWHERE or len(statement.evidence) > MAX_EVIDENCE:
        return out
    value = statement.value.casefold()
    for evidence in statement.evidence:
        sentences = re.split(r"(?<=[.!?])\s+|\n+", evidence.text)
        saying = [s for s in sentences if value and value in s.casefold()] or sentences
        for sentence in saying:
            out.update(w.casefold() for w in _WORD.findall(sentence))
    return out


def _said(word: str, said: set[str]) -> bool:
    """Whether a word of the question is among ``said``, by a stem-like prefix ("adopt" finds
    "adopted"), as the search snippets compare words."""
    if word in said:
        return True
    if len(word) < 4:
        return False
    stem = word[: max(4, len(word) - 2)]
    return any(w.startswith(stem) for w in said)


def _distinct(chosen: list[Scored]) -> list[Scored]:
    seen: set[str] = set()
    out = []
    for s in chosen:
        key = normalize_name(s.statement.value)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _called(entity: EntityRef, question: Question) -> str:
    """The entity as the question calls it ("Maya" for Maya Okonkwo asked about as Maya)."""
    runs = set(question.name_runs())
    used = [n for n in (entity.name, *entity.aliases) if normalize_name(n) in runs]
    if used:
        return max(used, key=len)
    first = entity.name.split()[0] if entity.name.split() else entity.name
    return first if entity.type == "person" and normalize_name(first) in runs else entity.name


def _compose(question: Question, chosen: list[Scored]) -> FactAnswer:
    best = chosen[0]
    statement, hop = best.statement, best.hop
    subject = _called(statement.subject, question)
    if hop is not None:
        subject = f"{subject} ({subject_phrase(hop, _called(hop.subject, question))})"
    cited: list[Evidence] = []
    for s in [*(c.statement for c in chosen), *([hop] if hop else [])]:
        if s.evidence and s.evidence[0].id not in {e.id for e in cited}:
            cited.append(s.evidence[0])
    marks = "".join(f"[{n}]" for n in range(1, len(cited) + 1))
    undated = False
    if question.expects is Expect.DATE:
        stated = date_phrase(statement.event_date) or date_phrase(statement.valid_from)
        said = statement.said
        gloss = defuse_citations(describe(statement, subject))
        undated = stated is None
        if stated is not None:
            text, basis = f"{stated} {marks}.", gloss
        elif said is not None:
            text, basis = f"Said on {said_phrase(said)} {marks}.", f"{gloss} (no date given)"
        else:
            text, basis = f"No date is known {marks}.", gloss
    else:
        values = [c.statement.value for c in chosen]
        value = values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]
        text = defuse_citations(value) + f" {marks}."
        basis = defuse_citations(subject_phrase(statement, subject))
    sources = tuple(_passage(n, e) for n, e in enumerate(cited, 1))
    return FactAnswer(text, basis, sources, tuple(chosen), undated)


def _passage(number: int, evidence: Evidence) -> Passage:
    conversation = evidence.conversation or {}
    return Passage(
        number=number,
        message_id=evidence.id,
        conversation_id=str(evidence.message.get("conversation_id") or ""),
        conversation_title=str(conversation.get("title") or "a conversation"),
        speaker=evidence.speaker,
        timestamp=evidence.timestamp,
        text=evidence.text,
        score=1.0,
    )
