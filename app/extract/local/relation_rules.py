"""The relation rules: who lives, works, studies, founded, uses, owns, attends what.

Each rule pairs one template pattern with the relation it states; ``target`` is the type the
object must have. A subject that is not a person turns ``lives_in`` into ``located_in``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from app.extract.local.patterns import (
    ADV,
    BE,
    BE_AUX,
    CAP,
    HAVE,
    SUBJECT,
    obj,
    slot,
)

__all__ = ["RELATION_RULES", "RelationRule"]


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True)
class RelationRule:
    """``target`` is the object's entity type; ``also_fact`` repeats the object's name as a fact."""

    label: str
    pattern: re.Pattern[str]
    target: str
    confidence: float = 0.85
    also_fact: str | None = None
    we: bool = False
    needs: Literal["", "event", "academic", "slot", "not_person"] = ""


RELATION_RULES: Final[tuple[RelationRule, ...]] = (
    RelationRule(
        "lives_in",
        _c(
            rf"{SUBJECT}{ADV}(?:{BE_AUX}{ADV}\s+(?i:living|based|staying|settled)|{HAVE}{ADV}\s+"
            r"(?i:been\s+living|lived|moved|relocated|settled)|\s+(?i:live|lives|moved|relocated|"
            r"reside|resides|settled|just\s+moved))(?:\s+(?i:back|here|there|now|permanently|"
            rf"over|all\s+the\s+way))*(?:\s+(?i:from)\s+(?:\ue000\d+\ue001|{CAP}))?\s+"
            rf"(?i:to|in|at|near|into)\s+{obj()}"
        ),
        "place",
        also_fact="lives_in",
        we=True,
    ),
    RelationRule(
        "works_at",
        _c(
            rf"{SUBJECT}{ADV}(?:{BE_AUX}{ADV}\s+(?i:working|employed|interning)|{HAVE}{ADV}\s+"
            r"(?i:been\s+working|worked)|\s+(?i:work|works|intern|interns|started\s+working|"
            r"got\s+(?:a\s+job|the\s+job|a\s+position|the\s+position|hired)|started(?=\s+at)))"
            r"(?:\s+(?i:full[- ]time|"
            r"part[- ]time|remotely|there|now))?(?:\s+(?i:as)\s+(?:(?i:a|an|the)\s+)?"
            r"(?P<role>[\w-]+(?:\s+[\w-]+){0,2}?))?(?:\s+(?i:in|on)\s+(?:(?i:the)\s+)?"
            r"(?:\ue000\d+\ue001|[\w-]+)(?:\s+(?i:team|department|unit|ward|division|group))?)?"
            rf"\s+(?i:at|for|by)\s+{obj()}"
        ),
        "organization",
        confidence=0.9,
    ),
    RelationRule(
        "lives_in",
        _c(
            rf"{SUBJECT}{BE}\s+(?=(?i:now|currently)\s+in\s|(?i:in)\s+[^.;!?,]{{1,40}}?\s+"
            r"(?i:now|these\s+days|permanently|for\s+good)\b)(?:(?i:now|currently)\s+)?(?i:in)\s+"
            rf"{obj()}"
        ),
        "place",
        confidence=0.6,
        also_fact="lives_in",
    ),
    RelationRule(
        "lives_in",
        _c(
            r"(?P<pme>\b(?i:at\s+home|(?:my|our)\s+(?:new\s+)?(?:flat|house|apartment|home|"
            rf"place)))\s+(?i:in)\s+{obj()}"
        ),
        "place",
        confidence=0.7,
        also_fact="lives_in",
    ),
    RelationRule(
        "works_at",
        _c(rf"{SUBJECT}{ADV}\s+(?i:joined)\s+{obj()}"),
        "organization",
        confidence=0.75,
        needs="slot",
    ),
    RelationRule(
        "colleague_of",
        _c(
            rf"{SUBJECT}{ADV}\s+(?i:work|works|am\s+working|'m\s+working)\s+(?i:with)\s+{slot('o')}"
        ),
        "person",
        confidence=0.7,
    ),
    RelationRule(
        "studies_at",
        _c(
            rf"{SUBJECT}{ADV}(?:{BE_AUX}{ADV}\s+(?i:studying|enrolled)(?P<field>(?:\s+[a-z][\w-]*)"
            r"{0,3}?)|\s+(?i:study|studies|attend|attends|go\s+to|goes\s+to)(?P<field2>(?:\s+"
            rf"[a-z][\w-]*){{0,3}}?))\s+(?:(?i:at|in)\s+)?{obj()}"
        ),
        "organization",
        confidence=0.85,
        needs="academic",
    ),
    RelationRule(
        "member_of",
        _c(
            rf"{SUBJECT}(?:{BE}{ADV}\s+(?:(?i:a|an)\s+)?(?:(?i:active|proud|founding)\s+)?"
            rf"(?i:member)\s+(?i:of)|{ADV}\s+(?i:belong|belongs)\s+(?i:to)|{ADV}\s+(?i:joined|"
            r"play\s+for|plays\s+for|volunteer\s+(?:at|with|for)|volunteers\s+(?:at|with|for)|"
            rf"sing\s+in|sings\s+in|play\s+in|plays\s+in))\s+{obj()}"
        ),
        "organization",
        confidence=0.85,
    ),
    RelationRule(
        "founded",
        _c(
            rf"{SUBJECT}{ADV}(?:{HAVE})?\s+(?i:founded|co-founded|cofounded|established)\s+"
            rf"{obj()}"
        ),
        "organization",
        confidence=0.9,
    ),
    RelationRule(
        "founded",
        _c(rf"{SUBJECT}{ADV}\s+(?i:started|launched|created|set\s+up)\s+{obj()}"),
        "organization",
        confidence=0.75,
        needs="slot",
    ),
    RelationRule(
        "manages",
        _c(
            rf"{SUBJECT}{ADV}(?:\s+(?i:manage|manages|supervise|supervises|oversee|oversees)|"
            rf"{BE_AUX}\s+(?i:managing|supervising))\s+{obj()}"
        ),
        "person",
        confidence=0.8,
        needs="slot",
    ),
    RelationRule(
        "reports_to",
        _c(
            rf"{SUBJECT}{ADV}(?:\s+(?i:report|reports)|{BE_AUX}\s+(?i:reporting))\s+"
            rf"(?:(?i:directly)\s+)?(?i:to)\s+{obj()}"
        ),
        "person",
        confidence=0.85,
    ),
    RelationRule(
        "uses",
        _c(
            rf"{SUBJECT}{ADV}(?:{BE_AUX}{ADV}\s+(?i:using|running|building\s+(?:it\s+)?(?:with|on|"
            rf"in))|(?:{BE_AUX}|{HAVE}\s+been){ADV}\s+(?i:learning|practising|practicing|"
            r"studying)\s+[a-z]+(?:\s+[a-z]+)?\s+(?i:on|with|using)|\s+(?i:use|uses|rely\s+on|relies\s+on|switched\s+to|migrated\s+to|"
            r"work\s+with|works\s+with|build\s+with|builds\s+with|code\s+in|program\s+in))\s+"
            rf"{obj()}(?:\s+v?(?P<ver>\d+(?:\.\d+)+))?"
        ),
        "product",
        confidence=0.8,
        needs="not_person",
    ),
    RelationRule(
        "owns",
        _c(
            rf"{SUBJECT}{ADV}(?:\s+(?i:own|owns|bought|drive|drives|purchased)|{HAVE}\s+"
            rf"(?i:bought|owned))\s+{obj()}"
        ),
        "product",
        confidence=0.8,
        needs="not_person",
    ),
    RelationRule(
        "customer_of",
        _c(
            rf"{SUBJECT}(?:{BE}{ADV}\s+(?:(?i:a|an)\s+)?(?:(?i:long-?time|loyal|happy|premium|paying|"
            r"regular)\s+)?(?i:customer|client|subscriber)\s+(?i:of|at|with)|"
            rf"{ADV}\s+(?i:bank|banks|shop|shops|subscribe|subscribes|subscribed|"
            r"have\s+an\s+account|has\s+an\s+account)\s+(?i:with|at|to))\s+"
            rf"{obj()}"
        ),
        "organization",
        confidence=0.8,
    ),
    RelationRule(
        "invested_in",
        _c(
            rf"{SUBJECT}{ADV}(?:{HAVE})?\s+(?i:invested|invest|invests|put\s+money)"
            rf"(?:\s+[^\s.;!?]+){{0,4}}?\s+(?i:in|into)\s+{obj()}"
        ),
        "organization",
        confidence=0.8,
    ),
    RelationRule(
        "attends",
        _c(
            rf"{SUBJECT}{ADV}(?:{BE_AUX}{ADV}\s+(?i:attending|going\s+to|speaking\s+at|"
            r"presenting\s+at|heading\s+to|registered\s+for|signed\s+up\s+for)|\s+(?i:attend|"
            r"attends|attended|will\s+attend|registered\s+for|signed\s+up\s+for|'ll\s+be\s+at|"
            rf"will\s+be\s+at|went\s+to))\s+{obj()}"
        ),
        "event",
        confidence=0.8,
        needs="event",
    ),
    RelationRule(
        "organizes",
        _c(
            rf"{SUBJECT}{ADV}(?:{BE_AUX}{ADV}\s+(?i:organizing|organising|hosting|running|"
            r"planning|coordinating|in\s+charge\s+of)|\s+(?i:organize|organizes|organise|organises|"
            rf"organized|organised|host|hosts|run|runs))\s+{obj()}"
        ),
        "event",
        confidence=0.8,
        needs="event",
    ),
)
