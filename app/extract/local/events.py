"""Events: things that happen at a time, named as people refer to them.

Conversations rarely name events; they say "the street fair", "your thesis defence", "Amira's
birthday party", "a trip to Lisbon". Such a phrase becomes an event entity named by its words
("street fair", "Amira's birthday party", "Lisbon trip") and a slot in the template, so the
attends/organizes rules see it. A day in the same clause is its date (ISO, the year taken from
the message time); "in"/"at" a place is where it is; "budget of …" its budget. A later
correction ("sorry, it's June 8th") moves the date of the event last dated.
"""

from __future__ import annotations

import re
from typing import Final

from app.domain.models import WindowMessage
from app.extract.local.patterns import SLOT_RE, obj
from app.extract.local.reader import WindowReader
from app.extract.local.template import Slot, Template, restore
from app.extract.local.values import find_day, normalize_money

__all__ = ["find_events"]

EVENT_NOUNS: Final = (
    "wedding|party|fair|trip|outage|demo|appointment|defence|defense|conference|summit|"
    "festival|lunch|dinner|ceremony|reunion|launch|concert|marathon|hackathon|workshop|webinar|"
    "retreat|tournament|celebration|barbecue|bbq|picnic|shower|graduation|funeral|honeymoon|"
    "exhibition|gala|meetup|offsite|kickoff|seed\\s+round|funding\\s+round|fundraiser|recital"
)
# Nouns that name one event even without other words: "your wedding".
_SELF_NAMING: Final = frozenset(
    {"wedding", "honeymoon", "reunion", "conference", "festival", "hackathon", "marathon",
     "funeral", "graduation", "seed round", "funding round"}
)  # fmt: skip
_EVENT_RE: Final = re.compile(
    r"(?P<owner>(?:\ue000\d+\ue001(?:\s+(?i:and|&)\s+\ue000\d+\ue001)?'s|\b(?i:the|our|my|your|"
    r"their|his|her|this|next|upcoming|a|an))\s+)(?P<mods>(?:(?:\ue000\d+\ue001|[\w$£€-]+)\s+)"
    rf"{{0,3}}?)(?P<noun>(?i:{EVENT_NOUNS}))\b(?!-)(?:\s+(?i:to)\s+{obj('dest')})?"
)
_MOD_STOP: Final = frozenset(
    {"is", "was", "are", "to", "for", "of", "at", "in", "on", "and", "or", "with", "that",
     "this", "it", "we", "you", "he", "she", "they", "i", "my", "your", "our", "their", "the",
     "a", "an", "be", "been", "have", "has", "will", "would", "about", "from", "by", "into"}
)  # fmt: skip
_MOD_DROP: Final = frozenset(
    {"big", "huge", "small", "little", "first", "last", "next", "whole", "lovely", "great", "new",
     "famous", "same", "actual", "entire", "weekly", "fun", "amazing", "upcoming", "planned",
     "million", "thousand", "k"}
)  # fmt: skip
# "we're doing an engagement party", "Ana is throwing a party": a real event, and its hosts
_HOSTING: Final = re.compile(
    r"(?:(?P<s>\ue000\d+\ue001)|(?P<me>(?<![\w'])I|\b[Ww]e))(?:\s+(?i:and)\s+(?:(?P<also>"
    r"\ue000\d+\ue001)|(?P<me2>(?<![\w'])I|\bme)))?(?:\s*'(?i:re|m|s|ll\s+be)|\s+(?i:are|am|is|"
    r"will\s+be|were|was))?\s+(?P<verb>(?i:doing|having|throwing|hosting|holding|organi[sz]ing|"
    r"planning|raising|running))\s+$"
)
_NOT_AN_EVENT: Final = re.compile(r"\s+(?i:committee|organi[sz]ers?|team|planner|planning)\b")
# "the date is June 1st", "It's on Thursday 23rd May": the day of the event last mentioned
_DATE_IS_RE: Final = re.compile(
    r"\b(?i:(?:the\s+)?(?:date|day)\s+(?:is|will\s+be|'s)|it's\s+on|it\s+is\s+on|"
    r"it'll\s+be\s+on|it's\s+(?=\w+\s+\d|\d))"
)
_WHERE_RE: Final = re.compile(
    rf"\ue000(?P<e>\d+)\ue001[^.;!?\ue000]{{0,40}}?\s(?i:in|at|on)\s+(?:(?i:the)\s+)?"
    rf"{obj('o')}"
)
_MONEY_AMOUNT: Final = re.compile(
    r"[$€£]\s?\d[\d,.]*(?:\s?(?:k|m|million))?|\d[\d,.]*\s?(?:k\s)?(?i:euros?|dollars|pounds)"
)


def find_events(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    events = _name_events(reader, template, message)
    text = template.text
    day = find_day(_without_denied_days(restore(text, template.slots)), reader.year)
    if events:
        reader.last_event = events[-1]
    if events and day is not None:
        for key in events:
            reader.fact(key, "date", day[2], 0.7, message, template)
    elif day is not None and (last := reader.recent_event()) is not None:
        correcting = template.correcting()
        if correcting or _DATE_IS_RE.search(text):
            # "the date is June 1st" / "sorry, it's June 8th": the event last spoken of
            reader.b.retract_facts(last, "date", keep=day[2])
            reader.fact(last, "date", day[2], 0.65, message, template)
    for m in _WHERE_RE.finditer(text):
        event = template.slots[int(m["e"])]
        if event.key is None or reader.b.type_of(event.key) != "event":
            continue
        place = reader.target(template, m, message, "place", assert_type=False)
        if place is not None and reader.b.type_of(place) != "person":
            reader.relation(event.key, "located_in", place, 0.7, message, template)
    _budget(reader, template, message, events)


def _budget(
    reader: WindowReader, template: Template, message: WindowMessage, events: list[str]
) -> None:
    """ "the Heron budget … is 12,000 dollars", "a budget of 40,000 euros for Atlas"."""
    text = template.text
    budget = re.search(r"\b(?i:budget)\b", text)
    money = _MONEY_AMOUNT.search(text, budget.end()) if budget else None
    value = normalize_money(money.group()) if money else None
    if budget is None or money is None or value is None:
        return
    owner = re.search("\ue000(\\d+)\ue001\\s+$", text[: budget.start()])
    owner = owner or re.match("\\s+(?i:for)\\s+\ue000(\\d+)\ue001", text[money.end() :])
    targets = list(events)
    if owner is not None:
        key = template.slots[int(owner.group(1))].key or reader.slot_key(
            template, int(owner.group(1)), message
        )
        if key is not None and reader.b.type_of(key) in ("project", "event", "organization"):
            targets = [key]
    for key in targets:
        reader.fact(key, "budget", value, 0.7, message, template)


def _hosts(
    reader: WindowReader, template: Template, message: WindowMessage, host: re.Match[str]
) -> list[str]:
    """Who is hosting: "we"/"I" is the speaker, and anyone named beside them."""
    keys = []
    me = reader.me(message) if host["me"] or host["me2"] else None
    if me is not None:
        keys.append(me)
    for group in ("s", "also"):
        found = SLOT_RE.fullmatch(host[group] or "")
        if found is not None:
            key = reader.person_key(template, int(found.group(1)), message)
            if key is not None:
                keys.append(key)
    return keys


def _without_denied_days(text: str) -> str:
    """Blank out "not on September 13" so the day found is the one that holds."""
    return re.sub(
        r"(?i)\bnot\s+(?:on\s+)?(?:the\s+)?[\w ,]{0,20}?\d{1,2}(?:st|nd|rd|th)?\b",
        lambda m: " " * len(m.group()),
        text,
    )


def _name_events(reader: WindowReader, template: Template, message: WindowMessage) -> list[str]:
    keys: list[str] = []

    def replace(m: re.Match[str]) -> str:
        noun = " ".join(m["noun"].casefold().split())
        mods = _mods(restore(m["mods"], template.slots))
        owner = m["owner"].strip()
        possessive = owner.endswith("'s")
        dest = m["dest"] if m["dest"] is not None else m["dest_cap"]
        if not (mods or possessive or dest or noun in _SELF_NAMING):
            return m.group()
        host = _HOSTING.search(template.text[: m.start()])
        if owner.casefold() in ("a", "an") and host is None:
            return m.group()  # "a birthday dinner": one that may or may not happen
        if possessive and "'s" in restore(owner[:-2], template.slots):
            return m.group()  # "my cousin's wedding": the cousin has no name
        if _NOT_AN_EVENT.match(template.text, m.end()):
            return m.group()
        name = " ".join([*mods, noun])
        place = None
        if dest is not None and noun == "trip":
            place = reader.target(template, m, message, "place", "dest", assert_type=False)
            if place is not None and not mods:
                name = f"{reader.b.name_of(place)} trip"
        if possessive:
            name = f"{restore(owner, template.slots)} {name}"
        key = reader.b.entity(name, "event", strength=0.75, message_id=message.id)
        if place is not None:
            reader.relation(key, "located_in", place, 0.7, message, template)
        if host is not None and host["verb"].casefold() != "raising":
            for who in _hosts(reader, template, message, host):
                reader.relation(who, "organizes", key, 0.7, message, template)
        keys.append(key)
        lead = "" if possessive else m["owner"]
        return lead + template.add(Slot(reader.b.name_of(key), "EVENT", key))

    template.text = _EVENT_RE.sub(replace, template.text)
    return keys


def _mods(text: str) -> list[str]:
    """The words before the event noun that belong to its name ("checkout", "Atlas
    leadership"), without articles, verbs or amounts before them."""
    words = text.split()
    for i in range(len(words) - 1, -1, -1):
        if words[i].casefold() in _MOD_STOP:
            words = words[i + 1 :]
            break
    return [
        w
        for w in words
        if w.casefold() not in _MOD_DROP
        and not re.fullmatch(r"[$£€][\d,.]+[kKmM]?|[\d,.]+[kKmM]", w)
        and not SLOT_RE.search(w)
    ]
