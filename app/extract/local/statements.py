"""Applies the statement rules to one sentence template and records what they say."""

from __future__ import annotations

import re
from typing import Final

from app.domain.models import WindowMessage
from app.extract.local.events import find_events
from app.extract.local.lexicon import LANGUAGES, NOT_NAMES, PETS, ROLE_TITLES
from app.extract.local.patterns import (
    ADV,
    BE,
    EMAIL_RE,
    PERSON_NAME,
    PHONE_RE,
    SLOT_RE,
    SUBJECT,
    slot,
)
from app.extract.local.reader import WindowReader
from app.extract.local.relation_rules import RELATION_RULES, RelationRule
from app.extract.local.roles import find_roles
from app.extract.local.rules import FACT_RULES, FactRule
from app.extract.local.structure import find_structure
from app.extract.local.template import Template, clean_cap, restore
from app.extract.local.values import (
    clean_values,
    normalize_date,
    normalize_money,
    without_passing,
)

__all__ = ["apply_rules"]

_EVENT_WORDS: Final = re.compile(
    r"\b(?:conference|summit|festival|expo|meetup|hackathon|workshop|marathon|wedding|olympics|"
    r"cup|fair|symposium|forum|gala|concert|tour|convention|con|week|championship|tournament|"
    r"race|party|ceremony|retreat|bootcamp|webinar|launch|show|trip|demo|reunion|\d{4})\b",
    re.IGNORECASE,
)
_ACADEMIC_WORDS: Final = re.compile(
    r"\b(?:university|college|school|academy|institute|polytechnic|conservatory|uni|"
    r"mit|ucla|ucl|lse|eth|epfl|kings|business\s+school)\b",
    re.IGNORECASE,
)
_GROUP_WORDS: Final = re.compile(
    r"\b(?:club|team|society|association|band|choir|orchestra|group|union|party|church|league|"
    r"circle|community|guild|chapter|committee|board|council|network|crew|collective)\b",
    re.IGNORECASE,
)
# Relations only a person can be the source of: the subject is taken as a person.
_PEOPLE_ONLY: Final = frozenset(
    {"works_at", "studies_at", "colleague_of", "reports_to", "manages", "friend_of"}
)
_DIET_CANON: Final = {
    "lactose intolerant": "lactose-free",
    "lactose-intolerant": "lactose-free",
    "gluten free": "gluten-free",
    "dairy free": "dairy-free",
    "plant based": "plant-based",
    "pescetarian": "pescatarian",
    "low carb": "low-carb",
}
_SWAP_RE: Final = re.compile(
    r"\b(?i:it's|its|it\s+is|that's|thats|it\s+was)\s+(?:(?i:actually)\s+)?"
    r"(?P<new>\ue000\d+\ue001|[A-Za-z][\w-]+)\s*,?\s+(?i:not)\s+"
    r"(?P<old>\ue000\d+\ue001|[A-Za-z][\w-]+)"
)
_PET_WORD: Final = r"(?P<pet>(?i:" + "|".join(sorted(PETS, key=len, reverse=True)) + r"))"
_PET_RE: Final = re.compile(
    rf"(?:(?P<pme>\b(?i:my|our))|{slot('ps')}'s|(?P<me>(?<![\w'])I)\s*(?:(?i:have|'ve\s+got|"
    rf"got|adopted|rescued))\s+(?:(?i:a|an|one|two)\s+)?)\s*(?:(?i:little|old|new|puppy|baby|"
    rf"sweet|rescue|senior)\s+)*{_PET_WORD}(?:s)?\b(?:\s*,\s*|\s+)(?:(?i:named|called)\s+)?"
    rf"(?:{slot('n')}|(?P<name>[A-Z][a-z]+))?"
)
_LANGUAGE_WORD: Final = re.compile(
    r"\b(?:" + "|".join(sorted(LANGUAGES, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
# "a peanut allergy" is an allergy to peanuts.
_ALLERGENS: Final = {
    "peanut": "peanuts", "nut": "nuts", "tree nut": "tree nuts", "egg": "eggs",
    "almond": "almonds", "cashew": "cashews", "walnut": "walnuts", "prawn": "prawns",
    "strawberry": "strawberries", "bee sting": "bee stings", "wasp sting": "wasp stings",
    "sesame seed": "sesame", "soy bean": "soy", "mussel": "mussels", "oyster": "oysters",
}  # fmt: skip
_DIAGNOSIS_CANON: Final = {
    "coeliac": "coeliac disease",
    "celiac": "celiac disease",
    "crohn's": "crohn's disease",
}

_AGE_RE: Final = re.compile(
    rf"{SUBJECT}(?:{BE}{ADV}\s+|{ADV}\s+(?i:turned|turns|will\s+turn|is\s+turning|'s\s+turning|"
    r"am\s+turning|'m\s+turning)\s+)(?P<age>\d{1,3})(?P<unit>\s*(?i:years?\s+old|yrs?\s+old|"
    r"y/?o|(?:months?|weeks?)(?:\s+old)?))?(?P<on>\s+(?i:on)\s+[^.;!?\n]{3,30})?"
    r"(?=\s*(?:[,.;!?)]|$|\s+(?i:and|but|so|now|today|this|next|soon|in|on|years?|yrs)\b))"
)
_INTRO_RE: Final = re.compile(
    rf"(?:(?<![\w'])I'm|(?<![\w'])I\s+am|\b[Mm]y\s+name\s+is|\b[Mm]y\s+name's|\b[Cc]all\s+me|"
    rf"\b[Tt]his\s+is)\s+(?:{slot('n')}|(?P<raw>{PERSON_NAME}))(?=\s*(?:[,.;!?]|$|\s+(?i:and|"
    r"from|here|by)\b))"
)
_EMAIL_OWNER: Final = re.compile(
    rf"(?:(?P<me>\b(?i:my|me)\b)|{slot('s')}'s?)[^\ue000@]{{0,80}}$|^[\W\ue000-\ue001\d]*$"
)
_SENDING: Final = re.compile(r"(?i:\bto\b|\bsend\b|\bsent\b|\bcc\b|\bforward)")
_PHONE_KEY: Final = re.compile(r"(?i:phone|number|mobile|cell|whatsapp|call|text|reach)")


def apply_rules(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    _introductions(reader, template, message)
    find_events(reader, template, message)
    _swaps(reader, template, message)
    _pets(reader, template, message)
    find_roles(reader, template, message)
    _ages(reader, template, message)
    _contacts(reader, template, message)
    for fact_rule in FACT_RULES:
        for m in fact_rule.pattern.finditer(template.text):
            _apply_fact(reader, template, message, fact_rule, m)
    for relation_rule in RELATION_RULES:
        for m in relation_rule.pattern.finditer(template.text):
            _apply_relation(reader, template, message, relation_rule, m)
    find_structure(reader, template, message)


def _target_name(template: Template, m: re.Match[str], group: str = "o") -> str:
    index = m.groupdict().get(group)
    if index is not None:
        return template.slots[int(index)].text
    return m.groupdict().get(f"{group}_cap") or ""


def _introductions(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    for m in _INTRO_RE.finditer(template.text):
        if m["n"] is not None:
            s = template.slots[int(m["n"])]
            if s.label != "PERSON":
                continue
            name = s.text
        else:
            name = clean_cap(m["raw"]) or ""
        if not name:
            continue
        reader.introduce(message, name)
        key = reader.me(message)
        if key is not None:
            reader.b.cite(key, message.id)
            if m["n"] is not None:
                template.slots[int(m["n"])].key = key


def _swaps(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    """ "it's lyon not paris": what was said as Paris is Lyon."""
    for m in _SWAP_RE.finditer(template.text):
        old, new = (restore(m[g], template.slots) for g in ("old", "new"))
        if template.text[: m.start()].rstrip().endswith(","):
            continue
        if SLOT_RE.fullmatch(m["new"]) is None and new.islower():
            new = new.title()
        if reader.b.swap(old, new, message.id):
            index = SLOT_RE.fullmatch(m["old"])
            if index is not None:
                template.slots[int(index.group(1))].negated = True


def _pets(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    """ "my cat Mochi" → pet Mochi (and Mochi is not an entity); "my dog" alone → pet dog."""
    for m in _PET_RE.finditer(template.text):
        subject = reader.subject(template, m, message)
        if subject is None:
            continue
        key, confidence = subject
        species = m["pet"].casefold()
        name = None
        if m["n"] is not None:
            pet_slot = template.slots[int(m["n"])]
            if pet_slot.label not in ("PERSON", "PRON") or pet_slot.key is None:
                pet_slot.negated = True
                name = pet_slot.text
        elif m["name"] and m["name"].casefold() not in NOT_NAMES:
            name = m["name"]
        if name is not None:
            reader.b.retract_facts(key, "pet", keep=name, only=species)
            reader.pets[(key, species)] = name
            reader.fact(key, "pet", name, confidence, message, template)
        elif (key, species) not in reader.pets:
            reader.fact(key, "pet", species, confidence - 0.2, message, template)


def _apply_fact(
    reader: WindowReader,
    template: Template,
    message: WindowMessage,
    rule: FactRule,
    m: re.Match[str],
) -> None:
    subject = reader.subject(template, m, message, allow_we=rule.we)
    if subject is None:
        return
    key, confidence = subject
    confidence = min(confidence, rule.confidence + 0.05)
    raw = m["v"]
    values: list[str]
    if rule.field == "from":
        index = SLOT_RE.fullmatch(raw)
        place = (
            reader.slot_key(template, int(index.group(1)), message, "place")
            if index
            else reader.name_key(raw, message, "place")
        )
        values = [] if place is None else [reader.b.name_of(place)]
    elif rule.field == "birthday":
        day = normalize_date(restore(raw, template.slots), reader.year, with_year=False)
        if re.search(r"\d{4}", raw):
            day = normalize_date(restore(raw, template.slots), None)
        values = [day] if day else []
    elif rule.field == "budget":
        money = normalize_money(restore(raw, template.slots))
        values = [money] if money else []
    elif rule.field in ("diet", "status", "medication"):
        value = " ".join(raw.casefold().split())
        values = [_DIET_CANON.get(value, value)]
    elif rule.field == "language":
        values = [v.title() for v in _LANGUAGE_WORD.findall(raw)]
    else:
        values = clean_values(raw, template.slots, rule.values)
        if rule.field == "diagnosis":
            values = [_DIAGNOSIS_CANON.get(v.casefold(), v) for v in values]
        elif rule.field == "allergy":
            values = [
                _ALLERGENS.get(v.casefold(), v)
                for v in values
                if not re.search(r"(?i)\b(?:the|this|that|your|no|any|\w+ed)\b", v)
            ]
    for value in values:
        reader.fact(key, rule.field, value, confidence, message, template)


def _apply_relation(
    reader: WindowReader,
    template: Template,
    message: WindowMessage,
    rule: RelationRule,
    m: re.Match[str],
) -> None:
    index = m.groupdict().get("o")
    name = _target_name(template, m)
    label_of_slot = template.slots[int(index)].label if index is not None else ""
    if rule.needs == "slot" and index is None:
        return
    if rule.needs == "event" and not (label_of_slot == "EVENT" or _EVENT_WORDS.search(name)):
        return
    if rule.needs == "not_person" and label_of_slot in ("PERSON", "PRON"):
        return
    if rule.needs == "academic" and not _ACADEMIC_WORDS.search(name):
        return
    label, target_type = rule.label, rule.target
    if label in ("works_at", "member_of") and _GROUP_WORDS.search(name):
        label = "member_of"
    subject = reader.subject(template, m, message, allow_we=rule.we, person=label in _PEOPLE_ONLY)
    if subject is None:
        return
    key, confidence = subject
    confidence = min(confidence, rule.confidence + 0.05)
    subject_type = reader.b.type_of(key)
    if label == "lives_in" and subject_type != "person":
        label = "located_in"
    target = reader.target(template, m, message, target_type)
    if target is None:
        return
    reader.relation(key, label, target, confidence, message, template)
    for other in reader.co_subjects(template, m, message):
        reader.relation(other, label, target, confidence - 0.05, message, template)
    if rule.also_fact and label == "lives_in":
        reader.fact(key, rule.also_fact, reader.b.name_of(target), confidence, message, template)
    groups = m.groupdict()
    if groups.get("ver"):
        reader.fact(target, "version", groups["ver"], confidence, message, template)
    if groups.get("role"):
        role = without_passing(" ".join(groups["role"].split()))
        field = "employer_role" if role.split()[-1].casefold() in ROLE_TITLES else "occupation"
        reader.fact(key, field, role, confidence, message, template)
    studied = (groups.get("field") or groups.get("field2") or "").strip()
    if studied and not re.match(r"(?i)(?:for|to|hard|abroad|there|here|now|at)\b", studied):
        reader.fact(key, "education", studied, confidence - 0.1, message, template)


def _ages(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    for m in _AGE_RE.finditer(template.text):
        age = int(m["age"])
        unit = (m["unit"] or "").casefold()
        if not 0 < age < 120:
            continue
        subject = reader.subject(template, m, message)
        if subject is None or reader.b.type_of(subject[0]) != "person":
            continue
        key, confidence = subject
        value = str(age)
        if unit_word := re.search(r"month|week", unit):
            value = f"{age} {unit_word.group()}s" if age != 1 else f"1 {unit_word.group()}"
        elif not unit and "turn" not in m.group().casefold() and not m["on"]:
            confidence -= 0.1
        reader.fact(key, "age", value, confidence, message, template)
        if m["on"] and (day := normalize_date(m["on"], reader.year, with_year=False)):
            reader.fact(key, "birthday", day, confidence, message, template)


def _contacts(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    text = template.text
    found = [(m, "email") for m in EMAIL_RE.finditer(text)]
    for m in PHONE_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        before = text[: m.start()]
        if len(digits) >= 8 and (
            m.group().startswith(("+", "0", "(")) or _PHONE_KEY.search(before[-40:])
        ):
            found.append((m, "phone"))
    for m, field in found:
        before = text[: m.start()]
        owner = _EMAIL_OWNER.search(before)
        key: str | None
        if owner is None:
            # "sorry typo, its 07700 900132": a short message that is mostly the contact itself
            words = re.findall(r"[\w']+", before)
            if len(words) > 5 or "\ue000" in before or _SENDING.search(before):
                continue
            key = reader.me(message)
        elif owner["s"] is not None:
            key = reader.person_key(template, int(owner["s"]), message)
        else:
            if re.search(r"\b(?i:to|email|e-mail|send|sent|cc)\s*$", before):
                continue
            key = reader.me(message)
        if key is None:
            continue
        value = m.group().strip()
        if template.correcting() or re.search(r"(?i)\btypo\b", text):
            reader.b.retract_facts(key, field, keep=value)
        reader.fact(key, field, value, 0.95, message, template)
