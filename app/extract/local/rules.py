"""The fact rules: what a subject says about itself or another, as template patterns.

Each rule pairs one pattern with what it yields. Patterns name their parts: ``s`` / ``me`` /
``we`` (the subject), ``o`` / ``o_cap`` (an object mention or capitalised name), ``v`` (a free
value). Negation needs no rule of its own: no pattern lets "not", "never" or "no longer" stand
between a subject and its verb, so "I'm not a nurse" matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from app.extract.local.lexicon import DIETS, LANGUAGES, STATUSES
from app.extract.local.patterns import (
    ADV,
    BE,
    BE_AUX,
    CAP,
    DATE,
    HAVE,
    MONEY,
    POSS_SUBJECT,
    SUBJECT,
    VALUE,
    alternation,
)

__all__ = ["FACT_RULES", "FactRule"]

Values = Literal["single", "list", "gerunds"]


_LANGUAGE_ITEM: Final = (
    r"(?:(?i:fluent|conversational|proficient|bilingual|native|basic|some|a\s+bit\s+of|"
    r"a\s+little|good|decent|intermediate|advanced|beginner|rusty)\s+(?:(?i:in)\s+)?)?"
    rf"(?i:{alternation(LANGUAGES)})\b(?:\s+(?i:speaker))?"
)


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True)
class FactRule:
    field: str
    pattern: re.Pattern[str]
    values: Values = "single"
    confidence: float = 0.85
    we: bool = False


FACT_RULES: Final[tuple[FactRule, ...]] = (
    FactRule(
        "from",
        _c(
            rf"(?:{SUBJECT}(?:{BE}{ADV}\s+(?i:originally\s+)?(?i:from)|{ADV}\s+(?i:come|comes|"
            r"came|grew\s+up|was\s+born|were\s+born|was\s+raised|were\s+raised)\s+"
            r"(?i:from|in))|(?P<pme>\b(?i:back\s+home|my\s+home\s*town|my\s+birthplace))"
            rf"(?:\s+(?i:in|is|was))+)\s+(?P<v>(?:\ue000\d+\ue001|{CAP}))"
        ),
        confidence=0.85,
        we=True,
    ),
    FactRule(
        "likes",
        _c(
            rf"{SUBJECT}{ADV}(?:{BE_AUX}{ADV}\s+(?i:into|obsessed\s+with|passionate\s+about|"
            r"crazy\s+about|(?:a\s+)?(?:big\s+|huge\s+|massive\s+)?fan\s+of|fond\s+of|"
            r"a\s+(?:big\s+|huge\s+)?lover\s+of)|\s+(?i:love|loves|like|likes|enjoy|enjoys|"
            rf"adore|adores))\s+{VALUE}"
        ),
        values="gerunds",
    ),
    FactRule(
        "likes",
        _c(
            rf"{POSS_SUBJECT}\s+(?i:fav(?:ou?rite)?)\s+[a-z]+(?:\s+[a-z]+)?\s+(?i:is|are)\s+{VALUE}"
        ),
        confidence=0.8,
    ),
    FactRule(
        "dislikes",
        _c(
            rf"{SUBJECT}{ADV}(?:\s+(?i:hate|hates|dislike|dislikes|detest|detests|loathe|loathes|"
            r"can't\s+stand|cannot\s+stand|can't\s+bear|(?:don't|doesn't|do\s+not|does\s+not)"
            rf"(?:\s+really)?\s+(?:like|enjoy|care\s+for))|{BE_AUX}\s+(?i:not\s+(?:a\s+"
            rf"(?:big\s+|huge\s+)?fan\s+of|into|fond\s+of)|no\s+fan\s+of))\s+{VALUE}"
        ),
        values="gerunds",
    ),
    FactRule(
        "allergy",
        _c(
            rf"{SUBJECT}{BE}{ADV}\s+(?:(?i:very|severely|highly|deathly|mildly|super|really|"
            rf"slightly|extremely)\s+)?(?i:allergic)\s+(?i:to)\s+{VALUE}"
        ),
        values="list",
        confidence=0.9,
    ),
    FactRule(
        "allergy",
        _c(
            rf"(?:{SUBJECT}{HAVE}\s+(?:got\s+)?(?:(?i:a|an)\s+)?|{POSS_SUBJECT}\s+)"
            r"(?:(?i:severe|mild|bad|serious|slight)\s+)?(?P<v>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)"
            r"\s+(?i:allergy|allergies)\b"
        ),
        confidence=0.85,
    ),
    FactRule(
        "diet",
        _c(
            rf"{SUBJECT}(?:{BE}|{ADV}\s+(?i:eat|eats|follow|follows|went|go|keep|keeps)|"
            rf"{BE_AUX}\s+on){ADV}\s+(?:(?i:a|an)\s+)?(?:(?i:strict|mostly|fully|full|committed|"
            rf"pretty)\s+)?(?P<v>(?i:{alternation(DIETS)}))(?![\w-])"
        ),
        confidence=0.9,
        we=True,
    ),
    FactRule(
        "status",
        _c(
            rf"{SUBJECT}{BE}{ADV}\s+(?:\d+\s+(?i:weeks?|months?)\s+)?"
            rf"(?P<v>(?i:{alternation(STATUSES)}))(?![\w-])"
            r"(?=\s*(?:[,.;!?)]|$|\s+(?i:to|with|and|but|so|since|for|now|last|this|now|again|"
            r"recently|because|in|at|after)\b))"
        ),
        confidence=0.85,
    ),
    FactRule(
        "status",
        _c(
            rf"{SUBJECT}{ADV}\s+(?i:got|became|have\s+been|has\s+been|'ve\s+been)\s+"
            r"(?P<v>(?i:engaged|married|divorced|pregnant|laid\s+off|separated))(?![\w-])"
        ),
        confidence=0.85,
    ),
    FactRule("status", _c(rf"{SUBJECT}{ADV}\s+(?P<v>(?i:retired))\b(?!\s+(?i:from|as)\b)")),
    FactRule(
        "birthday",
        _c(
            rf"(?:{POSS_SUBJECT}\s+(?i:birthday|bday|b-day|date\s+of\s+birth|dob)\s+(?i:is|was|'s|"
            rf"falls)\s+(?:(?i:on|in)\s+)?|{SUBJECT}\s+(?i:was|were)\s+born\s+(?i:on)\s+)"
            rf"(?P<v>{DATE})"
        ),
        confidence=0.9,
    ),
    FactRule(
        "hobby",
        _c(rf"{POSS_SUBJECT}\s+(?i:hobby|hobbies|pastime|passion)\s+(?i:is|are|include)\s+{VALUE}"),
        values="gerunds",
    ),
    FactRule(
        "hobby",
        _c(
            rf"{SUBJECT}{ADV}\s+(?i:play|plays|practice|practise|practices|practises)\s+"
            r"(?P<v>(?:the\s+)?(?i:guitar|piano|violin|drums|cello|bass|ukulele|saxophone|flute|"
            r"trumpet|chess|tennis|football|soccer|basketball|volleyball|golf|badminton|"
            r"squash|padel|baseball|hockey|rugby|cricket|yoga|pilates|karate|judo|"
            r"jiu-jitsu|taekwondo|boxing|poker|video\s+games|board\s+games|d&d|dnd))\b"
        ),
    ),
    FactRule(
        "hobby",
        _c(
            rf"{SUBJECT}{ADV}\s+(?i:go|goes)\s+(?P<v>(?i:hiking|running|climbing|bouldering|"
            r"swimming|surfing|skiing|snowboarding|fishing|camping|cycling|biking|sailing|"
            r"kayaking|skating|diving|scuba\s+diving|dancing|bowling|birdwatching|jogging))\b"
        ),
    ),
    FactRule(
        "language",
        _c(
            rf"{SUBJECT}{ADV}(?:\s+(?i:speak|speaks|can\s+speak|read|reads|write|writes)(?:\s+in)?|"
            rf"{BE_AUX}{ADV}\s+(?i:learning|studying|a\s+native|bilingual\s+in|"
            rf"(?:fluent|conversational|proficient)\s+in)|{HAVE}\s+been\s+(?i:learning|"
            rf"studying|speaking))\s+(?P<v>{_LANGUAGE_ITEM}(?:(?:\s*,\s*|\s+(?i:and|&)\s+)"
            rf"{_LANGUAGE_ITEM})*)"
        ),
        values="list",
    ),
    FactRule(
        "language",
        _c(
            rf"{POSS_SUBJECT}\s+(?i:native\s+language|mother\s+tongue|first\s+language)\s+(?i:is)"
            rf"\s+(?P<v>(?i:{alternation(LANGUAGES)}))\b"
        ),
        confidence=0.9,
    ),
    FactRule(
        "diagnosis",
        _c(
            rf"{SUBJECT}{ADV}(?:\s+(?i:was|were|got|just\s+got)|{HAVE}{ADV}\s+been|"
            rf"{BE_AUX}\s+being)"
            rf"\s+(?i:diagnosed)\s+(?:(?i:with|as|as\s+having)\s+)?{VALUE}"
        ),
        values="list",
        confidence=0.9,
    ),
    FactRule(
        "diagnosis",
        _c(
            rf"{SUBJECT}{ADV}(?:{HAVE}(?:\s+got)?|\s+(?i:suffer\s+from|suffers\s+from|live\s+with|"
            r"lives\s+with|struggle\s+with|struggles\s+with))\s+(?:(?i:a|an)\s+)?"
            r"(?:(?i:type\s+[12]|chronic|severe|mild|bad|clinical|generalized)\s+)?"
            r"(?P<v>(?i:diabetes|asthma|adhd|add|autism|anxiety|depression|migraines?|epilepsy|"
            r"arthritis|celiac\s+disease|crohn's(?:\s+disease)?|ibs|hypertension|high\s+blood\s+"
            r"pressure|insomnia|ptsd|ocd|bipolar(?:\s+disorder)?|cancer|long\s+covid|"
            r"fibromyalgia|eczema|psoriasis|lupus|endometriosis|pcos|hypothyroidism|dyslexia|"
            r"sleep\s+apnea|a\s+heart\s+condition|scoliosis))\b"
        ),
        confidence=0.8,
    ),
    FactRule(
        "medication",
        _c(
            rf"{SUBJECT}{ADV}(?:\s+(?i:take|takes|started\s+taking|was\s+prescribed|"
            rf"were\s+prescribed|got\s+prescribed|started\s+on)|{BE_AUX}{ADV}\s+(?i:taking|on)|"
            rf"{HAVE}\s+been\s+(?i:taking|prescribed|on))\s+(?P<v>[A-Za-z][\w-]+)"
            r"(?P<dose>\s+\d+(?:\.\d+)?\s?(?:mg|mcg|ml|g|iu)\b)"
        ),
        confidence=0.85,
    ),
    FactRule(
        "medication",
        _c(
            rf"{SUBJECT}{ADV}(?:\s+(?i:was|were|got|have\s+been|has\s+been|'ve\s+been))\s+"
            r"(?i:prescribed|put\s+on)\s+(?P<v>[A-Za-z][\w-]+(?:\s+\d+\s?mg)?)"
        ),
        confidence=0.85,
    ),
    FactRule(
        "budget",
        _c(
            rf"(?:{POSS_SUBJECT}|(?P<our>\b(?i:our|the)))\s+(?i:total\s+|monthly\s+|overall\s+)?"
            r"(?i:budget)(?:\s+(?i:for)\s+[^.;!?\n]{1,40}?)?\s+(?i:is|was|'s|of)\s+"
            r"(?:(?i:about|around|roughly|approximately|up\s+to|under|maximum|max|at\s+most|only)"
            rf"\s+)?(?P<v>{MONEY})"
        ),
        confidence=0.85,
    ),
    FactRule(
        "budget",
        _c(
            rf"{SUBJECT}\s+(?i:can|could|want\s+to|'d\s+like\s+to|plan\s+to|am\s+willing\s+to|"
            r"'m\s+willing\s+to)\s+(?i:spend|afford)\s+(?:(?i:about|around|up\s+to|roughly|"
            rf"at\s+most|maybe)\s+)?(?P<v>{MONEY})"
        ),
        confidence=0.75,
    ),
)
