"""Scoring a mention group against candidate entities, and the decision that follows.

Pure functions: the candidates come from the graph's fulltext and vector indexes
(``app.graph.knowledge.KnowledgeStore.candidates``) or, in ``librarian eval resolution``, from an
in-memory registry. The decision and the features behind it are kept, so ``explain`` can show why
a mention became a given entity.

The rules, strongest first:

1. *exact*: a normalised name or alias of the mention equals one of the candidate's.
2. *nickname*: a person's first name is a known short form of the other's ("Bob Ng" and
   "Robert Ng"; "Bob" alone only as an alias, see 1).
3. *fuzzy*: every word of the shorter name has a close counterpart in the longer one (rapidfuzz
   ratio per word, so "Katharine Moss" meets "Katherine Moss" but "Maria Costa" does not meet
   "Mario Costa"), or an initial stands for a first name ("J. Okafor" and "Jude Okafor"), or an
   organisation name differs only in a legal suffix ("Norvale Logistics Ltd").
   The string score is blended with the embedding cosine; the blend must clear ``THRESHOLD``.

Types must agree. A single-word person name is never matched to a fuller name by rule 3 alone:
"Ana" could be any Ana. Two candidates within ``AMBIGUITY_MARGIN`` of each other are ambiguous, and
the mention becomes a new entity rather than a wrong merge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import OSA

from app.domain.normalize import normalize_name

THRESHOLD = 0.86
AMBIGUITY_MARGIN = 0.03
STRING_WEIGHT = 0.9  # the rest is the embedding cosine (weak on misspelled names)
# Types whose names may differ by a plural "s" ("Drift King"); not places ("Lyons" is not "Lyon").
PLURAL_TYPES = frozenset({"organization", "product", "project"})

ORG_SUFFIXES = frozenset(
    {
        "inc", "incorporated", "ltd", "limited", "llc", "plc", "gmbh", "ag", "sa", "sarl", "bv",
        "co", "corp", "corporation", "company", "lda", "srl", "spa", "oy", "ab", "the", "sl",
        "nv", "spzoo", "kk", "pty", "ptyltd", "sas", "as", "aps", "kg",
    }
)  # fmt: skip
TITLES = frozenset({"dr", "prof", "mr", "mrs", "ms", "miss", "sir", "dame", "fr", "rev"})

# Common English short forms; a person's alias list covers everything else ("Rafa", "Kat").
NICKNAMES: dict[str, frozenset[str]] = {
    "robert": frozenset({"bob", "rob", "bobby", "robbie"}),
    "william": frozenset({"bill", "will", "billy", "liam"}),
    "richard": frozenset({"rick", "dick", "rich", "richie"}),
    "james": frozenset({"jim", "jimmy", "jamie"}),
    "john": frozenset({"jack", "johnny"}),
    "jonathan": frozenset({"jon", "jonny"}),
    "michael": frozenset({"mike", "mick", "mikey"}),
    "elizabeth": frozenset({"liz", "beth", "lizzie", "betty", "eliza"}),
    "katherine": frozenset({"kate", "kat", "katie", "kathy"}),
    "catherine": frozenset({"cate", "cat", "cathy"}),
    "margaret": frozenset({"maggie", "meg", "peggy"}),
    "thomas": frozenset({"tom", "tommy"}),
    "daniel": frozenset({"dan", "danny"}),
    "alexander": frozenset({"alex", "sasha"}),
    "alexandra": frozenset({"alex", "sasha", "lexi"}),
    "benjamin": frozenset({"ben", "benny"}),
    "christopher": frozenset({"chris"}),
    "christina": frozenset({"chris", "tina"}),
    "nicholas": frozenset({"nick", "nicky"}),
    "samuel": frozenset({"sam", "sammy"}),
    "samantha": frozenset({"sam", "sammie"}),
    "joseph": frozenset({"joe", "joey"}),
    "edward": frozenset({"ed", "eddie", "ted"}),
    "anthony": frozenset({"tony"}),
    "jennifer": frozenset({"jen", "jenny"}),
    "rebecca": frozenset({"becky", "becca"}),
    "patricia": frozenset({"pat", "patty", "trish"}),
    "patrick": frozenset({"pat", "paddy"}),
    "rafael": frozenset({"rafa"}),
    "francisco": frozenset({"chico", "paco"}),
    "jose": frozenset({"ze"}),
    "susan": frozenset({"sue", "susie"}),
    "deborah": frozenset({"deb", "debbie"}),
    "victoria": frozenset({"vicky", "tori"}),
    "matthew": frozenset({"matt"}),
    "andrew": frozenset({"andy", "drew"}),
    "steven": frozenset({"steve"}),
    "stephen": frozenset({"steve"}),
    "timothy": frozenset({"tim", "timmy"}),
    "gregory": frozenset({"greg"}),
    "peter": frozenset({"pete"}),
    "david": frozenset({"dave", "davy"}),
    "charles": frozenset({"charlie", "chuck"}),
    "helena": frozenset({"lena"}),
    "olufemi": frozenset({"femi"}),
    "oluwaseun": frozenset({"seun"}),
}
_SHORT_FORMS: dict[str, frozenset[str]] = {}
for _full, _shorts in NICKNAMES.items():
    for _short in _shorts:
        _SHORT_FORMS[_short] = _SHORT_FORMS.get(_short, frozenset()) | {_full}


@dataclass
class Candidate:
    """An entity the mention may be: from the graph, or the eval registry."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    embedding: Sequence[float] | None = None

    def names(self) -> set[str]:
        return {n for n in (normalize_name(x) for x in [self.name, *self.aliases]) if n}


@dataclass
class Mention:
    """A group of mentions of one source that are one entity (``resolve.EntityGroup``)."""

    name: str
    type: str
    names: set[str]
    embedding: Sequence[float] | None = None


@dataclass
class Scored:
    candidate: Candidate
    score: float
    rule: str  # exact | nickname | fuzzy | none
    features: dict[str, float]


@dataclass
class Decision:
    """What became of a mention group: an existing entity, or a new one (``entity_id`` None)."""

    outcome: str  # matched | new | ambiguous
    entity_id: str | None
    score: float
    rule: str
    features: dict[str, float]
    candidate_name: str | None = None
    runner_up: dict[str, Any] | None = None
    candidates: int = 0


def cosine(a: Sequence[float] | None, b: Sequence[float] | None) -> float:
    if not a or not b or len(a) != len(b):
        return 0.0
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    if na == 0.0 or nb == 0.0 or math.isnan(dot):
        return 0.0
    return max(-1.0, min(1.0, dot / (na * nb)))


def _org_core(name: str) -> str:
    """The name without legal suffixes, even spelled in letters ("s a", "sp z o o", "co ltd")."""
    words = name.split()
    while len(words) > 1:
        for k in (1, 2, 3, 4):
            if len(words) > k and "".join(words[-k:]) in ORG_SUFFIXES:
                del words[-k:]
                break
        else:
            break
    words = [w for w in words if w != "the"] or words
    return " ".join(words)


def _person_core(name: str) -> str:
    """The name without a leading title, when a full name is left ("dr lakshmi iyer")."""
    words = name.split()
    if len(words) > 2 and words[0] in TITLES:
        return " ".join(words[1:])
    return name


def _alias_forms(candidate: Candidate) -> set[str]:
    """A one-word alias with the surname: "Emeka Obi" for Chukwuemeka Obi, alias "Emeka"."""
    full = normalize_name(candidate.name).split()
    if len(full) < 2:
        return set()
    return {
        f"{alias} {' '.join(full[1:])}"
        for alias in (normalize_name(a) for a in candidate.aliases)
        if alias and " " not in alias
    }


def _compact(name: str) -> str:
    return name.replace(" and ", " ").replace(" ", "")


def _same_first_name(a: str, b: str) -> bool:
    return a == b or b in _SHORT_FORMS.get(a, frozenset()) or a in _SHORT_FORMS.get(b, frozenset())


def _nickname_match(a: str, b: str) -> bool:
    """ "bob ng" / "robert ng": the same surname and a first name that is a short form."""
    wa, wb = a.split(), b.split()
    if len(wa) < 2 or len(wa) != len(wb) or wa[1:] != wb[1:] or wa[0] == wb[0]:
        return False
    return _same_first_name(wa[0], wb[0])


def phonetic(word: str) -> str:
    """A rough sound key: "raphael"/"rafael", "sophia"/"sofia", "novak"/"nowak", "marc"/"mark"."""
    key = word
    for src, dst in _PHONETIC:
        key = key.replace(src, dst)
    key = key[:1] + key[1:].replace("h", "")
    return "".join(ch for i, ch in enumerate(key) if i == 0 or ch != key[i - 1])


_PHONETIC = (
    ("ph", "f"), ("ch", "x"), ("x", "ks"), ("ck", "k"), ("qu", "k"), ("c", "k"), ("z", "s"),
    ("w", "v"),
    ("y", "i"), ("th", "t"), ("gh", "g"),
)  # fmt: skip


def word_match(a: str, b: str, *, plural: bool = False) -> float:
    """How surely two words are one word spelled two ways (0 when they are not).

    An ending changed or added makes another name ("Robert"/"Roberta", "Malone"/"Maloney",
    "Kovac"/"Kovacs", "Marta"/"Maria" is too short to tell), so only sound-alike spellings and
    inner edits of longer words count. ``plural`` lets a trailing "s" through ("Drift King").
    """
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    if len(a) == 1 or len(b) == 1:
        return 0.9 if a[0] == b[0] else 0.0
    if plural and min(len(a), len(b)) >= 4 and (a + "s" == b or b + "s" == a):
        return 0.9
    if phonetic(a) == phonetic(b):
        return 0.95
    if a.startswith(b) or b.startswith(a):
        return 0.0
    if min(len(a), len(b)) < 5 or OSA.distance(a, b) != 1:
        return 0.0
    if len(a) == len(b):
        swapped = sorted(a) == sorted(b)  # a transposition ("cosat"), not a new letter
        if not swapped and (min(len(a), len(b)) < 6 or a[:-1] == b[:-1]):
            return 0.0
    return 0.9


def _best(word: str, others: list[str], plural: bool = False) -> float:
    return max((word_match(word, o, plural=plural) for o in others), default=0.0)


def name_similarity(a: str, b: str, person: bool, plural: bool = False) -> float:
    """How surely two normalised multi-word names are one (0 to 1).

    Every word of the shorter name must have a counterpart in the longer. A person's first and
    last names must line up (or be swapped, for "Costa, Ana"); a middle name may be missing.
    Names of things may drop words ("Hartwell Council") at a cost, never add any, and never
    differ by a number.
    """
    wa, wb = a.split(), b.split()
    if len(wa) > len(wb):
        wa, wb = wb, wa
    if not wa:
        return 0.0
    if {w for w in wa if w.isdigit()} != {w for w in wb if w.isdigit()}:
        return 0.0  # "Project Heron 2", "Drift Kings 2": a successor, not a spelling
    if not person and len(a.split()) > len(b.split()):
        # A name with more words than the known one names something more specific: a
        # division ("Vistula Software Labs"), a model ("AirPods Pro"), an airport.
        return 0.0
    if person:
        if len(wa) == len(wb) == 2 and wa == wb[::-1]:
            return 0.95
        # First names line up; a surname may sit anywhere after ("Sharma" in "Sharma Rao").
        parts = [word_match(wa[0], wb[0])] + [_best(w, wb[1:]) for w in wa[1:]]
    else:
        parts = [_best(w, wb, plural=plural) for w in wa]
    if min(parts) == 0.0:
        return 0.0
    coverage = len(wa) / len(wb)
    return (sum(parts) / len(parts)) * (
        (0.9 + 0.1 * coverage) if person else (0.8 + 0.2 * coverage)
    )


def _other_surnames(a: str, b: str) -> bool:
    """Two full person names whose surnames differ ("Jordan Mills", "Jordan Blake"): a first
    name both are called by ("Jordan") says nothing about them being one person."""
    wa, wb = normalize_name(a).split(), normalize_name(b).split()
    return len(wa) >= 2 and len(wb) >= 2 and wa[-1] not in wb and wb[-1] not in wa


def score(mention: Mention, candidate: Candidate) -> Scored:
    features: dict[str, float] = {}
    if mention.type != candidate.type:
        return Scored(candidate, 0.0, "none", {"type_mismatch": 1.0})
    cand_names = candidate.names()
    cos = cosine(mention.embedding, candidate.embedding)
    features["embedding_cosine"] = round(cos, 4)
    is_person = mention.type == "person"
    other_surname = is_person and _other_surnames(mention.name, candidate.name)
    if mention.names & cand_names and not other_surname:
        # Sharing the candidate's own name beats sharing one of its aliases: two people can
        # both be called "Ana" by someone, only one of them is named "Ana".
        primary = normalize_name(candidate.name) in mention.names
        return Scored(candidate, 1.0 if primary else 0.96, "exact", features)
    if is_person and mention.names & _alias_forms(candidate):
        return Scored(candidate, 0.97, "nickname", features)
    core = _person_core if is_person else _org_core
    best_string = 0.0
    rule = "none"
    if other_surname:  # only the full names say anything
        mention_names, cand_names = {normalize_name(mention.name)}, {normalize_name(candidate.name)}
    else:
        mention_names = mention.names
    for a in {core(n) for n in mention_names}:
        for b in {core(n) for n in cand_names}:
            if is_person and (a == b or _nickname_match(a, b)):
                return Scored(candidate, 0.97, "nickname", features)
            if not is_person and _compact(a) == _compact(b):
                # "Norvale Logistics Ltd", "Pixel Moth", "Marlow and Finch": one name.
                return Scored(candidate, 0.95, "exact", {**features, "spelling_variant": 1.0})
            if is_person and (" " not in a or " " not in b):
                continue  # one-word person names only match exactly (rule 1)
            sim = name_similarity(a, b, is_person, plural=mention.type in PLURAL_TYPES)
            if sim > best_string:
                best_string, rule = sim, "fuzzy"
    features["string"] = round(best_string, 4)
    if best_string == 0.0:
        return Scored(candidate, 0.0, "none", features)
    blended = STRING_WEIGHT * best_string + (1 - STRING_WEIGHT) * max(cos, 0.0)
    if mention.embedding is None or candidate.embedding is None:
        blended = best_string  # no vector to blend with (eval without a model, old nodes)
    return Scored(candidate, round(blended, 4), rule, features)


def decide(
    mention: Mention, candidates: Iterable[Candidate], threshold: float = THRESHOLD
) -> Decision:
    """The best candidate over the threshold, unless a second one is about as good."""
    pool = list({c.id: c for c in candidates}.values())
    # Best first; among equals the nearest by embedding, so a "new" decision still names the
    # closest entity it was told apart from.
    scored = sorted(
        (score(mention, c) for c in pool),
        key=lambda s: (-s.score, -s.features.get("embedding_cosine", 0.0), s.candidate.id),
    )
    viable = [s for s in scored if s.score >= threshold]
    if not viable:
        best = scored[0] if scored else None
        return Decision(
            "new",
            None,
            best.score if best else 0.0,
            best.rule if best else "none",
            best.features if best else {},
            best.candidate.name if best else None,
            candidates=len(pool),
        )
    top = viable[0]
    runner = viable[1] if len(viable) > 1 else None
    runner_up = (
        {"id": runner.candidate.id, "name": runner.candidate.name, "score": runner.score}
        if runner
        else None
    )
    if runner is not None and top.score - runner.score < AMBIGUITY_MARGIN:
        return Decision(
            "ambiguous",
            None,
            top.score,
            top.rule,
            top.features,
            top.candidate.name,
            runner_up,
            len(pool),
        )
    return Decision(
        "matched",
        top.candidate.id,
        top.score,
        top.rule,
        top.features,
        top.candidate.name,
        runner_up,
        len(pool),
    )
