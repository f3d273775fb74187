"""The pure scoring of ``librarian eval knowledge``: answer tokens, dates as a person writes
them, entity types, chat noise in names, matching gold entities to graph entities, and pair
precision/recall of resolution. No I/O here (ADR 0016 has the rules and why).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from app.domain.normalize import normalize_name, strip_accents

__all__ = [
    "CHAT_WORDS",
    "COVERAGE_F1",
    "Candidate",
    "MappedPerson",
    "PairScore",
    "answer_tokens",
    "canonical_type",
    "chat_noise",
    "map_entity",
    "pair_scores",
    "render_date",
    "strip_citations",
    "token_f1",
]

#: A fact or relation "holds the answer" when its text has at least this token F1 with it.
COVERAGE_F1: Final = 0.5

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans({ch: " " for ch in string.punctuation + "\u2018\u2019\u201c\u201d"})
_CITATION = re.compile(r"\[\s*\d+(?:\s*,\s*\d+)*\s*\]")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:$|T)")
_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

#: Graph entity types that count as a gold type. Gold types are the six of
#: tests/knowledge/README.md; the graph may write a product's subtype as its type, and an
#: animal as ``pet`` (the local extractor's field name for one).
_TYPE_OF: Final = {
    "person": "person",
    "animal": "animal",
    "pet": "animal",
    "place": "place",
    "location": "place",
    "organization": "organization",
    "organisation": "organization",
    "product": "product",
    "book": "product",
    "film": "product",
    "movie": "product",
    "show": "product",
    "game": "product",
    "music": "product",
    "vehicle": "product",
    "device": "product",
    "work": "product",
    "work_of_art": "product",
    "event": "event",
}

#: Interjections, greetings and chat words: none belongs in a name unless the gold name has it.
CHAT_WORDS: Final = frozenset(
    {"hi", "hey", "hello", "hiya", "yo", "bye", "thanks", "thank", "thx", "ty", "cheers",
     "congrats", "congratulations", "lol", "lmao", "omg", "ok", "okay", "yeah", "yep", "yes",
     "no", "nope", "haha", "hahaha", "ha", "hehe", "ugh", "argh", "wow", "yay", "oops", "hmm",
     "aww", "ooh", "oh", "ah", "btw", "tbh", "imo", "fyi", "idk", "pls", "plz", "please",
     "sorry", "nice", "cool", "great", "sure", "well", "so", "anyway", "dear", "morning",
     "night", "guys", "hun", "babe", "mate", "dude", "xx", "xoxo", "brb", "gonna", "wanna"}
)  # fmt: skip


# --- answers ---------------------------------------------------------------------------------


def strip_citations(text: str) -> str:
    """An answer without its ``[n]`` citations (their numbers are no part of the answer)."""
    return _CITATION.sub(" ", text)


def answer_tokens(text: str) -> list[str]:
    """SQuAD's normalisation: lower case, punctuation and articles dropped; accents too."""
    lowered = strip_accents(text).casefold().translate(_PUNCTUATION)
    return _ARTICLES.sub(" ", lowered).split()


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD's token F1 of ``prediction`` against ``gold`` (1.0 when both have no tokens)."""
    predicted, expected = answer_tokens(prediction), answer_tokens(gold)
    if not predicted or not expected:
        return float(predicted == expected)
    same = sum((Counter(predicted) & Counter(expected)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(expected)
    return 2 * precision * recall / (precision + recall)


def render_date(partial: str) -> str | None:
    """A partial ISO date as the gold answers write it: ``2024-03-09`` → ``9 March 2024``,
    ``2024-03`` → ``March 2024``, ``2024`` → ``2024``; None when it is no such date."""
    match = _PARTIAL_DATE.match(partial.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        return None
    name = _MONTHS[int(month) - 1]
    if day is None:
        return f"{name} {year}"
    if not 1 <= int(day) <= 31:
        return None
    return f"{int(day)} {name} {year}"


# --- entities --------------------------------------------------------------------------------


def canonical_type(graph_type: str) -> str:
    """The gold type a graph type counts as (itself when it is none of the known ones)."""
    key = graph_type.strip().casefold()
    return _TYPE_OF.get(key, key)


def _words(name: str) -> list[str]:
    return normalize_name(name).split()


def chat_noise(graph_name: str, gold_names: Iterable[str]) -> list[str]:
    """The chat words in ``graph_name`` that none of ``gold_names`` has."""
    allowed = {w for n in gold_names for w in _words(n)}
    return [w for w in _words(graph_name) if w in CHAT_WORDS and w not in allowed]


@dataclass(frozen=True)
class Candidate:
    """A graph entity that one conversation's messages cite."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions: int = 0  # messages of the conversation citing it


def map_entity(
    gold_name: str, gold_aliases: Sequence[str], gold_type: str, candidates: Sequence[Candidate]
) -> Candidate | None:
    """The graph entity a gold entity is, among those its conversation cites: one whose name
    or an alias equals (normalised) the gold name or one of its aliases, with chat words
    dropped only as a last resort. Ties go to the gold type, then the full name, then the one
    cited most."""
    wanted = {normalize_name(n) for n in (gold_name, *gold_aliases)} - {""}
    full = normalize_name(gold_name)
    best: tuple[tuple[int, int, int, int], Candidate] | None = None
    for c in candidates:
        keys = {normalize_name(n) for n in (c.name, *c.aliases)}
        clean = " ".join(w for w in _words(c.name) if w not in CHAT_WORDS)
        exact = bool(keys & wanted)
        if not exact and clean not in wanted:
            continue
        rank = (
            int(exact),
            int(canonical_type(c.type) == gold_type),
            int(full in keys or full == clean),
            c.mentions,
        )
        if best is None or rank > best[0]:
            best = (rank, c)
    return best[1] if best else None


# --- resolution ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MappedPerson:
    """One gold person of one file and the graph entity it mapped to (None: not found)."""

    person_id: str
    entity_id: str | None
    label: str  # for listings: "file: name"


@dataclass
class PairScore:
    """Pairs of mapped (file, person) items: fused pairs are different people on one entity,
    split pairs one person on two entities."""

    same_entity: int = 0  # pairs the graph puts on one entity
    correct: int = 0  # ... of which are one person
    same_person: int = 0  # pairs that are one person
    kept_together: int = 0  # ... of which are on one entity
    fused: list[tuple[str, str]] = field(default_factory=list)
    split: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.same_entity if self.same_entity else 1.0

    @property
    def recall(self) -> float:
        return self.kept_together / self.same_person if self.same_person else 1.0


def pair_scores(items: Sequence[MappedPerson]) -> PairScore:
    """Precision and recall over every pair of items that both mapped to an entity."""
    mapped = [i for i in items if i.entity_id is not None]
    score = PairScore()
    for n, a in enumerate(mapped):
        for b in mapped[n + 1 :]:
            together = a.entity_id == b.entity_id
            one_person = a.person_id == b.person_id
            score.same_entity += together
            score.correct += together and one_person
            score.same_person += one_person
            score.kept_together += together and one_person
            if together and not one_person:
                score.fused.append((a.label, b.label))
            if one_person and not together:
                score.split.append((a.label, b.label))
    return score
