"""Where things are, what belongs to what, who founded, runs or works at what.

"Hollis Farms in the Salinas Valley", "Porto, Portugal", "Project Atlas is part of Halden",
"Pixelmoth was founded by Ingrid", "Nadia from Brightwave", "Priyanka on my team", and the
naming patterns that say a name is a product ("Nine Winters by Kenji Arakawa", "our robot,
Sprout") or a project ("Heron is our project on …").
"""

from __future__ import annotations

import re
from typing import Final

from app.domain.models import WindowMessage
from app.extract.local.patterns import PERSON_NAME, obj, slot
from app.extract.local.reader import WindowReader
from app.extract.local.template import Template

__all__ = ["find_structure"]

_LOCATED_RE: Final = re.compile(
    rf"{slot('x')}(?:\s+(?i:office|offices|headquarters|hq|branch|store|shop|studio|campus))?"
    rf"(?:\s+(?i:is|are)\s+(?:(?i:located|situated|based)\s+)?(?i:in)|\s+(?i:in|on))\s+"
    rf"(?:the\s+)?(?:{slot('o')}|(?P<o_cap>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*\s+"
    r"(?:Road|Street|St|Avenue|Ave|Lane|Square|Drive|Boulevard|Way|Place|Park|Market)\b))"
)
_COMMA_PLACE_RE: Final = re.compile(rf"{slot('x')},\s*{slot('o')}(?!\s*(?:,|\b(?:and|or)\b))")
_PART_RE: Final = re.compile(
    rf"{obj('x')}\s+(?:(?i:is|are|was)\s+(?:(?i:now|also)\s+)?(?:(?i:a|an|the)\s+)?"
    r"(?i:part|subsidiary|division|unit|branch|department|brand|module|component|feature)\s+"
    rf"(?i:of)|(?i:was|were|got)\s+(?i:acquired|bought)\s+(?i:by))\s+{obj()}"
)
_FOUNDED_BY_RE: Final = re.compile(
    rf"{obj('x')}\s+(?i:was|were)\s+(?:(?i:co-?founded|founded|started|created|established))"
    rf"(?:\s+(?i:in)\s+\d{{4}})?\s+(?i:by)\s+{obj()}"
)
_MANAGES_ME_RE: Final = re.compile(rf"{slot('x')}\s+(?i:manages|supervises|is\s+managing)\s+me\b")


_FROM_ORG_RE: Final = re.compile(
    rf"{slot('s')}(?:\s+(?i:here))?\s+(?i:from|of|with)\s+(?:(?i:the)\s+)?{slot('o')}"
)
_ON_MY_TEAM_RE: Final = re.compile(
    rf"(?:{slot('s')}|(?P<s_cap>{PERSON_NAME}))\s+(?i:on|in|from)\s+(?P<me>(?i:my))\s+"
    r"(?i:team|group|squad|department)\b"
)
_REPORTS_TO_ME_RE: Final = re.compile(
    rf"{slot('s')}(?:[^.;!?\ue000]{{0,80}}\s+(?i:and))?\s+(?i:reports|is\s+reporting)\s+"
    r"(?:(?i:directly)\s+)?(?i:to)\s+(?i:me)\b"
)
_PRODUCT_NOUNS: Final = (
    r"(?i:game|app|application|book|novel|album|film|movie|series|podcast|product|robot|router|"
    r"plan|tool|platform|software|device|phone|model|service|library|framework|dashboard|"
    r"release|car|bike|console|laptop|tablet|camera|drone|kit|course)"
)
_PRODUCT_RES: Final = (
    re.compile(rf"{_PRODUCT_NOUNS}\s*,\s*(?:(?i:called|named)\s+)?{slot('x')}"),
    re.compile(rf"{_PRODUCT_NOUNS}\s+(?i:called|named)\s+{slot('x')}"),
    re.compile(rf"{slot('x')}\s+(?i:by)\s+{slot('by')}"),
    re.compile(
        rf"{slot('x')}\s+(?i:is|was)\s+(?:(?i:a|an|the|our|their|my|his|her)\s+)"
        rf"(?:[\w-]+\s+){{0,2}}{_PRODUCT_NOUNS}\b"
    ),
)
_PROJECT_RES: Final = (
    re.compile(
        rf"{slot('x')}\s+(?i:is|was)\s+(?:(?i:a|an|the|our|their|my|his|her)\s+)"
        r"(?:[\w-]+\s+){0,2}(?i:project|initiative|programme|program|effort)\b"
    ),
    re.compile(rf"(?i:project|initiative)\s+(?:(?i:called|named)\s+)?{slot('x')}"),
    re.compile(rf"{slot('x')}\s+(?i:project|initiative)\b"),
)
_VERSION_RE: Final = re.compile(
    rf"(?:{slot('x')}|(?P<x_cap>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?|[a-z]+(?:-[a-z]+)+))\s+"
    r"(?:(?i:version|v)\s*)?"
    r"(?P<ver>\d+\.\d+(?:\.\d+)*)\b(?!\s*(?:%|percent|mg|kg|km|m\b))"
)
_VERSION_IS_RE: Final = re.compile(
    rf"(?:{slot('x')}|(?P<x_cap>[a-z]+(?:-[a-z]+)+|[A-Z][\w-]*))\s+(?i:is|'s|runs|is\s+running|is\s+now|is\s+still)\s+(?:(?i:on|at)\s+)?"
    r"(?:(?i:version|v)\s*)?(?P<ver>\d+(?:\.\d+)+)\b"
)


def find_structure(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    """Where things are, what belongs to what, who founded what."""
    text = template.text
    for m in _LOCATED_RE.finditer(text):
        inner = template.slots[int(m["x"])]
        if inner.label in ("PERSON", "PRON"):
            continue
        if m["o"] is not None:
            outer = template.slots[int(m["o"])]
            if outer.label not in ("GPE", "LOC", "FAC") or outer.negated:
                continue
        x = reader.slot_key(template, int(m["x"]), message)
        o = reader.target(template, m, message, "place")
        if x is not None and o is not None:
            reader.relation(x, "located_in", o, 0.7, message, template)
    for m in _COMMA_PLACE_RE.finditer(text):
        inner, outer = template.slots[int(m["x"])], template.slots[int(m["o"])]
        if inner.label != "GPE" or outer.label != "GPE" or text[: m.start()].rstrip().endswith(","):
            continue
        x = reader.slot_key(template, int(m["x"]), message, "place")
        o = reader.slot_key(template, int(m["o"]), message, "place")
        if x is not None and o is not None:
            reader.relation(x, "located_in", o, 0.75, message, template)
    for m in _PART_RE.finditer(text):
        x = reader.target(template, m, message, "organization", "x")
        o = reader.target(template, m, message, "organization")
        if x is not None and o is not None:
            reader.relation(x, "part_of", o, 0.75, message, template)
    for m in _FOUNDED_BY_RE.finditer(text):
        org = reader.target(template, m, message, "organization", "x")
        founder = reader.target(template, m, message, "person")
        if org is not None and founder is not None:
            reader.relation(founder, "founded", org, 0.85, message, template)
    _kinds(reader, template, message)
    _versions(reader, template, message)
    for m in _FROM_ORG_RE.finditer(text):
        who, where = template.slots[int(m["s"])], template.slots[int(m["o"])]
        if who.label not in ("PERSON", "PRON") or where.label != "ORG" or where.negated:
            continue
        person = reader.person_key(template, int(m["s"]), message)
        org = reader.slot_key(template, int(m["o"]), message, "organization", 0.6)
        if person is not None and org is not None:
            reader.relation(person, "works_at", org, 0.65, message, template)
    me = reader.me(message)
    for m in _ON_MY_TEAM_RE.finditer(text):
        member = reader.target(template, m, message, "person", "s")
        if me is not None and member is not None:
            reader.relation(me, "manages", member, 0.7, message, template)
    for m in _REPORTS_TO_ME_RE.finditer(text):
        member = reader.person_key(template, int(m["s"]), message)
        if me is not None and member is not None:
            reader.relation(member, "reports_to", me, 0.8, message, template)
    for m in _MANAGES_ME_RE.finditer(text):
        boss = reader.person_key(template, int(m["x"]), message)
        me = reader.me(message)
        if boss is not None and me is not None:
            reader.relation(me, "reports_to", boss, 0.8, message, template)


def _kinds(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    """Names the sentence itself says are products or projects."""
    for kind, patterns in (("product", _PRODUCT_RES), ("project", _PROJECT_RES)):
        for pattern in patterns:
            for m in pattern.finditer(template.text):
                by_author = "by" in m.re.groupindex
                if by_author and template.slots[int(m["by"])].label != "PERSON":
                    continue
                if not by_author and template.slots[int(m["x"])].label in ("PERSON", "PRON"):
                    continue
                reader.slot_key(template, int(m["x"]), message, kind, 0.7)


def _versions(reader: WindowReader, template: Template, message: WindowMessage) -> None:
    """ "Halden Insights 3.2", "checkout-api is on 5.14.1": the latest version said wins."""
    for pattern in (_VERSION_RE, _VERSION_IS_RE):
        for m in pattern.finditer(template.text):
            if m["x"] is not None:
                if template.slots[int(m["x"])].label in ("PERSON", "PRON", "GPE", "LOC"):
                    continue
                key = reader.slot_key(template, int(m["x"]), message, "product", 0.6)
            elif (cap := m.groupdict().get("x_cap")) and cap.casefold() not in ("version", "v"):
                key = reader.name_key(cap, message, "product", 0.6, lowercase_ok=True)
            else:
                continue
            if key is not None:
                reader.b.retract_facts(key, "version", keep=m["ver"])
                reader.fact(key, "version", m["ver"], 0.75, message, template)
