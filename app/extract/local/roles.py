"""Roles: "I'm a nurse in Porto", "she's the CTO of Acme", "Jill Moreno, practice nurse at …",
"their head of operations, Dana Hollis", and answers like "yep, still a conservator at …".

A role whose head noun is a title held at an employer (CTO, partner, head of …) is an
``employer_role``; any other profession is an ``occupation``. What follows the role decides the
relation: "at/for/of X" is where the person works (or studies, or what they founded), "in X" a
place is where they live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from app.domain.models import WindowMessage
from app.extract.local.lexicon import OCCUPATIONS, ROLE_TITLES
from app.extract.local.patterns import ADV, BE, SUBJECT, obj, slot
from app.extract.local.reader import FIRST_PERSON, WindowReader
from app.extract.local.template import Template
from app.extract.local.values import without_passing

__all__ = ["find_roles"]

_ARTICLE: Final = r"(?P<art>(?i:the|a|an|our|their|his|her|my)\s+)"
_REST: Final = r"(?=(?P<rest>[^.;!?\n]+))"
_ROLE_RE: Final = re.compile(
    rf"{SUBJECT}(?:{BE}{ADV}\s+(?:(?i:working|employed)\s+as\s+)?|{ADV}\s+(?i:work|works|"
    rf"am\s+working|'m\s+working|is\s+working)\s+as\s+){_ARTICLE}?{_REST}"
)
# "Jill Moreno, practice nurse at …" / "Marcus, a partner at …"
_APPOSITIVE_RE: Final = re.compile(rf"{slot('s')}\s*,\s*{_ARTICLE}?{_REST}")
# "yep, still a conservator at …" / "As the product manager for checkout, …"
_FRAGMENT_RE: Final = re.compile(
    r"^[\s\W]*(?:(?i:yep|yeah|yes|yup|well|oh|ok|okay|so|and|but|nope)\b[\s,!.]*)*"
    rf"(?:(?:(?i:still|now|currently|just)\s+)?(?P<art>(?i:a|an)\s+)|(?i:as)\s+"
    rf"(?P<as>(?i:the|a|an|our)\s+)){_REST}"
)
# "their head of operations, Dana Hollis"
_REVERSE_RE: Final = re.compile(
    r"\b(?P<art>(?i:our|their|its|his|her|the))\s+(?P<role>[\w-]+(?:\s+[\w-]+){0,3}?)\s*,\s*"
    rf"{slot('s')}"
)
_TOKEN: Final = re.compile(r"\ue000\d+\ue001|[\w'-]+|[^\w\s]")
_STOP: Final = frozenset(
    {"at", "for", "of", "in", "with", "on", "from", "and", "but", "so", "since", "who", "which",
     "that", "now", "there", "here", "too", "by", "to", "when", "while", "because", "though",
     "if", "as", "like", "working", "based", "currently", "these", "this", "last", "next",
     "doing", "who's", "whose", "anyway", "actually", "has", "have", "had", "is", "was", "are",
     "were", "will", "would", "can", "could", "said", "says", "told", "asked", "wants", "did",
     "does", "do", "just", "also", "then", "please", "thanks", "thank", "i", "i'm",
     "we", "you", "he", "she", "they", "it"}
)  # fmt: skip
_DROP: Final = frozenset(
    {"good", "great", "bad", "proud", "busy", "young", "happy", "real", "huge", "big", "little",
     "full-time", "part-time", "very", "really", "new", "old", "amazing", "brilliant", "first",
     "only", "best"}
)  # fmt: skip
_NOT_NOW: Final = frozenset({"former", "ex", "aspiring", "future", "wannabe", "retired", "not"})
_TARGET: Final = re.compile(
    rf"\s*(?:(?P<prep>(?i:at|for|of|with|in|on))\s+{obj()}|(?P<comma>,)\s*{slot('org')}(?=\s*$))"
)
_OF_HEADS: Final = frozenset({"head", "director", "vp", "chief", "president", "manager", "dean"})
_STUDENT_HEADS: Final = frozenset(
    {"student", "undergrad", "undergraduate", "phd", "candidate", "postdoc", "fellow"}
)
_FOUNDER_HEADS: Final = frozenset({"founder", "co-founder", "cofounder"})


@dataclass(frozen=True)
class _Role:
    words: list[str]
    end: int  # where the role ends in the template

    @property
    def head(self) -> str:
        return _head(self.words)

    @property
    def field(self) -> str:
        return "employer_role" if self.head in ROLE_TITLES else "occupation"


def _head(words: list[str]) -> str:
    """The role's head noun: the last word, or the one before "of" ("head of operations")."""
    lowered = [w.casefold() for w in words]
    if "of" in lowered[1:]:
        return lowered[lowered.index("of") - 1]
    return lowered[-1]


def _read_role(text: str, start: int) -> _Role | None:
    """The role noun phrase starting at ``start``: up to six words, "head of marketing" kept."""
    tokens = list(_TOKEN.finditer(text, start))
    words: list[str] = []
    end = start
    for i, token in enumerate(tokens):
        word, low = token.group(), token.group().casefold()
        if len(words) == 6:
            break
        following = tokens[i + 1].group() if i + 1 < len(tokens) else ""
        nested = low == "of" and words and words[-1].casefold() in _OF_HEADS
        if nested and following[:1].islower():
            pass
        elif word.startswith("\ue000") or low in _STOP or not re.match(r"\w", word):
            break
        words.append(word)
        end = token.end()
    while words and words[-1].casefold() == "of":
        words.pop()
    words = without_passing(" ".join(words)).split()
    if not words:
        return None
    lowered = {w.casefold() for w in words}
    head = _head(words)
    if lowered & _NOT_NOW or head not in OCCUPATIONS | ROLE_TITLES:
        return None
    return _Role(words, end)


def find_roles(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    text = template.text
    for m in _ROLE_RE.finditer(text):
        _record(reader, template, message, m, m.start("rest"), article_needed=True)
    for m in _APPOSITIVE_RE.finditer(text):
        _record(reader, template, message, m, m.start("rest"), article_needed=False)
    fragment = _FRAGMENT_RE.match(text)
    if fragment is not None and reader.me(message) is not None:
        _record(reader, template, message, fragment, fragment.start("rest"), article_needed=True,
                me=True)  # fmt: skip
    for m in _REVERSE_RE.finditer(text):
        role = _read_role(text, m.start("role"))
        if role is None or role.end < m.end("role"):
            continue
        if template.slots[int(m["s"])].label not in ("PERSON", "PRON"):
            continue
        key = reader.person_key(template, int(m["s"]), message)
        if key is None:
            continue
        org = reader.recent_org(template, m.start()) if m["art"].casefold() != "the" else None
        if role.head == "owner":
            if org is not None:  # "I spoke to the owner, Greg Malone"
                reader.relation(key, "owns", org, 0.7, message, template)
            continue
        words = [w for w in role.words if w.casefold() not in _DROP]
        reader.fact(key, role.field, " ".join(words), 0.75, message, template)
        if org is not None and m["art"].casefold() in ("their", "its"):
            reader.relation(key, "works_at", org, 0.7, message, template)


def _record(
    reader: WindowReader,
    template: Template,
    message: WindowMessage,
    m: re.Match[str],
    start: int,
    *,
    article_needed: bool,
    me: bool = False,
) -> None:
    role = _read_role(template.text, start)
    if role is None:
        return
    article = (m["art"] or m.groupdict().get("as") or "").strip().casefold()
    if article_needed and not article and role.head not in ROLE_TITLES:
        return
    if me:
        key = reader.me(message)
        subject = None if key is None else (key, FIRST_PERSON - 0.1)
    else:
        subject = reader.subject(template, m, message)
    if subject is None or reader.b.type_of(subject[0]) != "person":
        return
    key, confidence = subject
    words = [w for w in role.words if w.casefold() not in _DROP]
    if age := re.search(r"(\d+)-year-old", " ".join(words)):
        reader.fact(key, "age", age.group(1), confidence, message, template)
        words = [w for w in words if not re.fullmatch(r"\d+-year-old", w)]
    if not words:
        return
    reader.fact(key, role.field, " ".join(words), confidence, message, template)
    target_m = _TARGET.match(template.text, role.end)
    if target_m is None:
        return
    if target_m["comma"]:  # "Dr Aisha Khan, GP, Riverside Medical Practice"
        if template.slots[int(target_m["org"])].label == "ORG":
            org = reader.slot_key(template, int(target_m["org"]), message, "organization")
            if org is not None:
                reader.relation(key, "works_at", org, confidence - 0.1, message, template)
        return
    prep = target_m["prep"].casefold()
    if prep == "in":
        place = reader.target(template, target_m, message, "place")
        if place is not None and reader.b.type_of(place) == "place":
            reader.relation(key, "lives_in", place, confidence - 0.15, message, template)
            return
        target = place
    elif prep == "on":
        return
    else:
        target = reader.target(template, target_m, message, "organization")
    if target is None:
        return
    label = "works_at"
    if role.head in _FOUNDER_HEADS:
        label = "founded"
    elif role.head in _STUDENT_HEADS:
        label = "studies_at"
    reader.relation(key, label, target, confidence, message, template)
