"""Regular expressions the local extractor's rules are written in.

Rules run over a *template*: the sentence with every known mention replaced by a slot marker
``\\ue000N\\ue001`` (private-use characters that never occur in chat text), so a pattern can say
"a mention, then 'works at', then a mention or a capitalised name" without caring how long the
names are. Verbs are matched case-insensitively, names only when capitalised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

SLOT_OPEN: Final = "\ue000"
SLOT_CLOSE: Final = "\ue001"
SLOT_RE: Final = re.compile("\ue000(\\d+)\ue001")


def slot(group: str) -> str:
    return f"\ue000(?P<{group}>\\d+)\ue001"


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any whitespace."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)


# A capitalised name of up to five words, with the small joining words names carry.
_NAME_WORD: Final = r"(?:[A-Z][\w&'\u2019-]*(?:\.[A-Za-z]+)*\.?|[A-Z]{2,}\d*)"
CAP: Final = (
    rf"{_NAME_WORD}(?:\s+(?:(?:of|de|da|do|dos|das|del|di|du|la|le|van|von|der|den|al|el|y|&|"
    rf"on|upon|am|the)\s+)?(?:{_NAME_WORD}|\d+\b)){{0,4}}"
)
# A person's given name (and surname) right after "my sister", "named", ...
PERSON_NAME: Final = (
    r"(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?[A-Z][a-zà-öø-ÿ'\u2019-]+(?:\s+[A-Z][a-zà-öø-ÿ'\u2019-]+)?"
)

SUBJECT: Final = rf"(?:{slot('s')}|(?P<me>(?<![\w'])I(?![\w]))|(?P<we>\b[Ww]e\b))"
BE: Final = r"(?:\s+(?i:am|is|are)|\s*'(?i:m|s|re)|\s+(?i:have|has)\s+been|\s*'ve\s+been)"
ADV: Final = (
    r"(?:\s+(?i:also|still|now|currently|actually|just|really|recently|finally|already|even|"
    r"officially|basically|technically|mostly|only|newly|happily|both|all|definitely|honestly|"
    r"personally|totally|absolutely|genuinely|truly|kinda|kind\s+of|sort\s+of|pretty\s+much|"
    r"full[- ]time|part[- ]time|remotely|proudly|finally|so|very|quite|seriously|literally|"
    r"secretly|always|usually|mainly|obviously|then))*"
)
BE_AUX: Final = r"(?:\s+(?i:am|is|are)|\s*'(?i:m|s|re))"
HAVE: Final = r"(?:\s+(?i:have|has)|\s*'ve|\s*'s(?=\s+(?:just\s+|already\s+)?(?:been|got|moved)))"
# "my X" / "Ana's X": groups ``pme`` / ``ps`` so a pattern may offer it beside SUBJECT.
POSS_SUBJECT: Final = rf"(?:(?P<pme>\b(?i:my))|{slot('ps')}'s?)"
ARTICLE: Final = r"(?:(?i:the|a|an)\s+)?"


def obj(group: str = "o") -> str:
    """A mention slot or a capitalised name; groups ``group`` (slot index) and ``group_cap``."""
    return rf"{ARTICLE}(?:{slot(group)}|(?P<{group}_cap>{CAP}))"


# A lookahead, so that a later statement in the same sentence can still match the same rule.
VALUE: Final = r"(?=(?P<v>[^.;!?\n]+))"
EMAIL_RE: Final = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_RE: Final = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{5,16}\d(?![\w])")
MONEY: Final = (
    r"(?:(?:[$€£¥]|USD|EUR|GBP|R\$)\s?\d[\d,.]*(?:\s?(?:k|K|m|M|million|thousand|bn|billion))?"
    r"(?:\s?(?:USD|EUR|GBP))?|\d[\d,.]*(?:\s?(?:k|K|m|million|thousand))?\s?"
    r"(?i:dollars|euros?|usd|eur|gbp|pounds|bucks|reais|yen|francs|chf)\b(?:\s+(?i:a|per)\s+"
    r"(?i:month|year|week|night|day|person))?)"
)
_MONTH: Final = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY: Final = r"(?i:mon|tues|wednes|thurs|fri|satur|sun)day"
DATE: Final = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}(?:[/.]\d{{2,4}})?"
    rf"|(?:(?i:next|this|on)\s+)?{_WEEKDAY}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
    rf"|(?i:(?:the\s+)?end\s+of\s+(?:the\s+)?(?:month|week|year|quarter))(?:\s+{_MONTH})?"
    rf"|(?i:(?:the\s+)?(?:end|middle|beginning|start)\s+of\s+){_MONTH}"
    rf"|(?i:tomorrow|tonight|today|next\s+(?:week|month|year))"
    rf"|Q[1-4](?:\s+\d{{4}})?|{_MONTH}(?:\s+\d{{4}})?)"
)

# Words before a subject that make the statement hypothetical or a question.
HYPOTHETICAL: Final = frozenset(
    {
        "if", "whether", "should", "could", "would", "can", "will", "do", "does", "did", "shall",
        "might", "may", "unless", "wish", "hope", "pretend", "imagine", "suppose", "assume",
        "say", "let's", "when", "once", "until", "before", "after", "what", "where", "how", "why",
        "whenever", "can't", "couldn't", "shouldn't", "wouldn't", "won't", "don't", "didn't",
        "maybe", "perhaps", "whoever", "pretending", "think", "thinks", "thought", "believe",
        "believes", "claims", "claim", "pretends", "feel", "feels", "guess", "bet", "doubt",
        "unsure", "wonder", "wondering", "dreamt", "dreamed", "dream",
    }
)  # fmt: skip
CORRECTION_RE: Final = re.compile(
    r"(?i)\b(?:actually|correction|i\s+meant|sorry|instead|no\s+longer|anymore|now|typo|"
    r"my\s+mistake|wrong|rather)\b|,\s*not\b"
)
NEGATED_SLOT_RE: Final = re.compile(
    rf"\b(?i:not|never|no\s+longer)\s+(?:(?i:in|at|to|from|for)\s+)?{slot('n')}"
)

# The recogniser label a known entity of each type is given when it becomes a slot again.
TYPE_LABELS: Final = {
    "person": "PERSON",
    "organization": "ORG",
    "place": "GPE",
    "product": "PRODUCT",
    "event": "EVENT",
    "project": "PROJECT",
    "animal": "ANIMAL",
}
