"""Kinship, naming and pronouns: who is whose sister, who "she" is.

"my older sister Ana", "I have a brother named Tom", "Ana's husband, Rui", "Ana, my sister,",
"Ana and I are engaged" become relations from the possessor; the phrase is replaced in the
template by the person's slot, so that "my sister Ana is a nurse" reads as "Ana is a nurse".
"my sister" alone is the sister named earlier in the window, or an unnamed placeholder that
"her name's Ngozi" can name later. "he"/"she" become the slot of the person meant.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from app.domain.models import WindowMessage
from app.extract.local.lexicon import KIN, NON_OCCUPATION_PEOPLE, NOT_NAMES, SERVICE_PEOPLE
from app.extract.local.patterns import (
    ADV,
    BE,
    PERSON_NAME,
    SLOT_CLOSE,
    SLOT_OPEN,
    SLOT_RE,
    alternation,
    slot,
)
from app.extract.local.template import Slot, Template, clean_cap

if TYPE_CHECKING:
    from app.extract.local.reader import WindowReader

__all__ = ["read_kinship"]

KINSHIP: Final = 0.9

KIN_WORD: Final = rf"(?P<kin>(?i:{alternation([*KIN, *SERVICE_PEOPLE])}))s?\b"
KIN_MOD: Final = (
    r"(?:(?i:older|younger|little|big|baby|twin|elder|eldest|oldest|youngest|best|old|dear|"
    r"lovely|favou?rite|amazing|future|first|second|third|adult|teenage|grown|only|other|"
    r"late|two|three|four|\d+-year-old|\d+\s+year\s+old|new|ex-?|former|step-?|half-?)\s*)*"
)
POSSESSOR: Final = rf"(?P<poss>\b(?i:my|our)|{slot('ps')}'s?)"
HAVE_A: Final = (
    rf"(?P<have>(?:(?<![\w'])I|{slot('hs')})\s*(?:(?i:have|has|'ve\s+got|has\s+got)\s+))"
    r"(?:(?i:a|an|one|two|three|four|\d+)\s+)?"
)
NAMED: Final = r"(?:\s*,\s*|\s+)(?:(?i:named|called|whose\s+name\s+is|who\s+is\s+called)\s+)?"
NAMES: Final = (
    rf"(?P<names>(?:{SLOT_OPEN}\d+{SLOT_CLOSE}|{PERSON_NAME})"
    rf"(?:\s*,\s*(?:{SLOT_OPEN}\d+{SLOT_CLOSE}|{PERSON_NAME})){{0,4}}"
    rf"(?:,?\s+(?i:and|&)\s+(?:{SLOT_OPEN}\d+{SLOT_CLOSE}|{PERSON_NAME}))?)"
)
NAME_ITEM_RE: Final = re.compile(rf"{SLOT_OPEN}\d+{SLOT_CLOSE}|{PERSON_NAME}")

# "my older sister Ana", "I have a brother named Tom", "Ana's husband, Rui"
KIN_NAMED_RE: Final = re.compile(
    rf"(?:{POSSESSOR}\s+|{HAVE_A})(?P<mods>{KIN_MOD}){KIN_WORD}(?:'s\s+name\s+is\s+|{NAMED}){NAMES}"
)
# "my sister" alone: a sister named earlier in the window.
KIN_BARE_RE: Final = re.compile(rf"{POSSESSOR}\s+(?P<mods>{KIN_MOD}){KIN_WORD}(?!'s\s+name)")
# "Ana is my sister", "Ana, my sister, ..."
KIN_REVERSE_RE: Final = re.compile(
    rf"{slot('x')}(?P<sep>\s*,\s*|{BE}\s+)(?:{POSSESSOR}\s+)(?P<mods>{KIN_MOD}){KIN_WORD}"
    r"(?P<tail>\s*,)?"
)
# "Ana and I are engaged", "Tom and I have been friends for years"
PAIR_RE: Final = re.compile(
    rf"{slot('x')}\s+(?i:and)\s+(?:I|me)\s+(?i:are|were|'re|have\s+been|'ve\s+been|got)"
    rf"{ADV}\s+(?P<what>(?i:married|engaged|siblings|sisters|brothers|cousins|(?:best\s+)?friends|"
    r"colleagues|coworkers|co-workers|dating|together|partners|a\s+couple))\b"
)
PAIR_LABELS: Final = {
    "married": "spouse_of",
    "engaged": "engaged_to",
    "siblings": "sibling_of",
    "sisters": "sibling_of",
    "brothers": "sibling_of",
    "cousins": "relative_of",
    "friends": "friend_of",
    "best friends": "friend_of",
    "colleagues": "colleague_of",
    "coworkers": "colleague_of",
    "co-workers": "colleague_of",
    "dating": "partner_of",
    "together": "partner_of",
    "partners": "partner_of",
    "a couple": "partner_of",
}

PRONOUN_RE: Final = re.compile(r"\b(?P<p>[Hh]e|[Ss]he)\b(?!-)")
# "her sister", "his email": a possessive pronoun before something a person has.
POSSESSIVE_PRONOUN_RE: Final = re.compile(
    r"\b(?P<p>[Hh]is|[Hh]er)\s+(?=(?:\w+\s+){0,2}?(?:"
    + alternation([*KIN, *SERVICE_PEOPLE])
    + r"|e-?mail|phone|number|birthday|bday|name|budget|favou?rite|hobby|hobbies|allergy|"
    r"native\s+language|mother\s+tongue)\b)"
)
_GROUP_KIN: Final = frozenset(
    {"kids", "children", "parents", "friends", "colleagues", "coworkers", "cousins", "in-laws",
     "grandparents", "twin", "sibling", "relative", "report", "direct report"}
)  # fmt: skip
# "Her name's Ngozi", "she's called Ivy"
_NAMING_RE: Final = re.compile(
    rf"{slot('x')}(?:'s\s+name(?:'s|\s+is)|'s\s+called|\s+is\s+called)\s+"
    rf"(?:{slot('n')}|(?P<name>{PERSON_NAME}))"
)


def read_kinship(
    reader: WindowReader, template: Template, message: WindowMessage, me: str | None
) -> None:
    """Rewrite the template's kinship phrases and pronouns into slots, recording relations."""
    _named(reader, template, message, me)
    _pronouns(reader, template)
    _named(reader, template, message, me)  # "her husband Tom", now that "her" is a slot
    _bare(reader, template, message, me)
    _reverse(reader, template, message, me)
    _naming(reader, template, message)


def _possessor(
    reader: WindowReader,
    template: Template,
    m: re.Match[str],
    message: WindowMessage,
    me: str | None,
) -> str | None:
    groups = m.groupdict()
    for group in ("ps", "hs"):
        if groups.get(group):
            return reader.person_key(template, int(groups[group]), message)
    return me


def _named(
    reader: WindowReader, template: Template, message: WindowMessage, me: str | None
) -> None:
    def replace(m: re.Match[str]) -> str:
        between = template.text[m.end("kin") : m.start("names")]
        if "," in between and template.text[: m.start()].rstrip().endswith(","):
            return m.group()  # "us two, my mother, Ana, Tiago": a list, not "my mother Ana"
        owner = _possessor(reader, template, m, message, me)
        kin = _kin_word(m["kin"])
        keys = [
            key
            for item in NAME_ITEM_RE.findall(m["names"])
            if (key := _kin_person(reader, template, item, message, kin)) is not None
        ]
        if not keys:
            return m.group()
        for key in keys:
            _record(reader, owner, kin, key, m["mods"].casefold(), message)
        return " and ".join(template.add(Slot(reader.b.name_of(k), "PERSON", k)) for k in keys)

    template.text = KIN_NAMED_RE.sub(replace, template.text)


def _kin_person(
    reader: WindowReader, template: Template, item: str, message: WindowMessage, kin: str
) -> str | None:
    if index := SLOT_RE.fullmatch(item):
        key = reader.person_key(template, int(index.group(1)), message)
    else:
        words = item.split()
        if words[0].casefold().strip(".") in NOT_NAMES or words[0].casefold() in KIN:
            return None
        if len(words) > 1 and words[1].casefold() in NOT_NAMES:
            item = words[0]
        key = reader.name_key(item, message, "person", 0.9)
    gender = KIN.get(kin, ("", ""))[1]
    if key is not None and gender:
        reader.b.set_gender(key, gender)
    return key


def _record(
    reader: WindowReader,
    owner: str | None,
    kin: str,
    key: str,
    mods: str,
    message: WindowMessage,
) -> None:
    """The relation a kinship word states ("my sister" → sibling_of), or, for "my dentist",
    the person's occupation; "my 5-year-old son" also gives an age."""
    if owner is None:
        return
    reader.kin[(owner, kin)] = key
    if age := re.search(r"(\d+)[- ]year[- ]old", mods):
        reader.b.fact(key, "age", age.group(1), confidence=KINSHIP, message_id=message.id)
    if re.search(r"\b(?:ex-?|former)", mods):
        return
    if kin in KIN:
        reader.b.relation(owner, KIN[kin][0], key, confidence=KINSHIP, message_id=message.id)
    elif kin not in NON_OCCUPATION_PEOPLE:
        reader.b.fact(key, "occupation", kin, confidence=0.75, message_id=message.id)


def _bare(reader: WindowReader, template: Template, message: WindowMessage, me: str | None) -> None:
    def replace(m: re.Match[str]) -> str:
        owner = _possessor(reader, template, m, message, me)
        kin = _kin_word(m["kin"])
        key = reader.kin.get((owner or "", kin))
        if key is None:
            if owner is None or kin not in KIN or kin in _GROUP_KIN or m["kin"].endswith("s"):
                return m.group()
            # "James's mum": someone real but unnamed, kept only if named later
            key = reader.b.placeholder(f"{reader.b.name_of(owner)}'s {kin}", gender=KIN[kin][1])
            _record(reader, owner, kin, key, m["mods"].casefold(), message)
        reader.b.cite(key, message.id)
        reader.mentioned(key)
        return template.add(Slot(reader.b.name_of(key), "PERSON", key))

    template.text = KIN_BARE_RE.sub(replace, template.text)


def _reverse(
    reader: WindowReader, template: Template, message: WindowMessage, me: str | None
) -> None:
    def replace(m: re.Match[str]) -> str:
        key = reader.person_key(template, int(m["x"]), message)
        owner = _possessor(reader, template, m, message, me)
        if key is None or owner is None:
            return m.group()
        _record(reader, owner, _kin_word(m["kin"]), key, m["mods"].casefold(), message)
        return m.group() if m["tail"] is None else f"{SLOT_OPEN}{m['x']}{SLOT_CLOSE}"

    template.text = KIN_REVERSE_RE.sub(replace, template.text)
    for m in PAIR_RE.finditer(template.text):
        key = reader.person_key(template, int(m["x"]), message)
        label = PAIR_LABELS[" ".join(m["what"].casefold().split())]
        if key is not None and me is not None:
            reader.b.relation(me, label, key, confidence=KINSHIP, message_id=message.id)


def _naming(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    """ "Her name's Ngozi": the unnamed person "her" stands for gets a name."""
    for m in _NAMING_RE.finditer(template.text):
        key = template.slots[int(m["x"])].key
        if key is None or not reader.b.is_placeholder(key):
            continue
        name = template.slots[int(m["n"])].text if m["n"] is not None else clean_cap(m["name"])
        if name and name.casefold() not in NOT_NAMES:
            reader.b.name_placeholder(key, name, message.id)
            reader.remember_name(reader.b.name_of(key), key)


def _pronouns(reader: WindowReader, template: Template) -> None:
    """he/she → a person named earlier in the sentence, else the one the window last named;
    "her sister" → that person's sister."""

    def replace(m: re.Match[str]) -> str:
        gender = "m" if m["p"].casefold() in ("he", "his") else "f"
        earlier = [template.slots[int(i)].key for i in SLOT_RE.findall(template.text[: m.start()])]
        key = next(
            (
                k
                for k in reversed(earlier)
                if k is not None
                and reader.b.type_of(k) == "person"
                and reader.b.gender_of(k) in ("", gender)
            ),
            None,
        )
        key = key or reader.pronoun_target(gender)
        if key is None:
            return m.group()
        reader.b.set_gender(key, gender)
        token = template.add(Slot(reader.b.name_of(key), "PRON", key))
        return f"{token}'s " if m["p"].casefold() in ("his", "her") else token

    template.text = POSSESSIVE_PRONOUN_RE.sub(replace, template.text)
    template.text = PRONOUN_RE.sub(replace, template.text)


def _kin_word(word: str) -> str:
    kin = " ".join(word.casefold().split())
    if kin in KIN or kin in SERVICE_PEOPLE:
        return kin
    return kin[:-1] if kin.endswith("s") and kin[:-1] in KIN else kin
