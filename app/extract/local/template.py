"""Sentences, templates and the cleaning of names and values.

A template is a sentence with each mention replaced by ``\\ue000N\\ue001``, where N indexes the
sentence's slots. Rules read templates; values are turned back into text with :func:`restore`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from app.extract.local.chat import truecase_kin_names, truecase_places
from app.extract.local.lexicon import (
    ASSISTANT_SPEAKERS,
    CHAT_WORDS,
    NOT_NAMES,
    TITLES,
    USER_SPEAKERS,
)
from app.extract.local.names import FEMALE_NAMES, MALE_NAMES
from app.extract.local.patterns import CORRECTION_RE, EMAIL_RE, HYPOTHETICAL, SLOT_RE
from app.nlp import NerSpan

__all__ = [
    "ENTITY_TYPES",
    "Known",
    "Slot",
    "Template",
    "clean_cap",
    "clean_entity_name",
    "looks_like_org",
    "restore",
    "sentences",
    "speaker_role",
    "type_from_name",
]

ENTITY_TYPES: Final = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "EVENT": "event",
    "PRODUCT": "product",
    "WORK_OF_ART": "product",
    "PROJECT": "project",
    "ANIMAL": "animal",  # never from the recogniser: a pet the rules named
}
_ABBREVIATIONS: Final = frozenset(
    {"dr", "mr", "mrs", "ms", "st", "prof", "jr", "sr", "vs", "etc", "inc", "ltd", "co", "no",
     "approx", "e.g", "i.e", "mt", "ft", "u.s", "corp", "dept", "est", "jan", "feb", "aug",
     "sept", "oct", "nov", "dec", "a.m", "p.m"}
)  # fmt: skip
_BOUNDARY: Final = re.compile(r"[.!?]+[\"'\u2019\u201d)\]]*(?=\s)|\s*\n+\s*")
_JUNK_NAMES: Final = frozenset(
    {"ok", "okay", "lol", "omg", "asap", "ai", "faq", "thanks", "thank you", "hi", "hello", "hey",
     "yes", "no", "tbh", "imo", "btw", "fyi", "idk", "aka", "pm", "am", "eta", "diy", "tldr",
     "wfh", "bday", "q&a", "llm", "api", "gpt", "argh", "ugh", "wow", "yay", "oops", "hmm",
     "yep", "yeah", "nope", "aww", "ooh", "haha", "congrats", "cheers", "sorry", "utc", "gmt",
     "ceo", "cto", "cfo", "coo", "vp", "hr", "qa", "it", "pr", "rsvp", "eod", "cv", "ps", "gp",
     "icu", "er", "a&e", "nhs", "fair", "great", "cool", "nice", "perfect", "sure", "right",
     "good", "exactly", "noted", "agreed", "done", "lovely", "brilliant", "amazing", "awesome",
     "sweet", "true", "totally", "absolutely", "indeed", "correct", "understood", "welcome",
     "congratulations", "happy", "guilty", "legend", "ha", "phew", "noooo"}
)  # fmt: skip
_GREETING: Final = re.compile(r"^(?:hi|hey|hello|thanks|thank you|dear|congrats|bye|ok|so|and)\s+",
                              re.IGNORECASE)  # fmt: skip
_URL: Final = re.compile(r"https?://|www\.|\.(?:com|org|net|io)\b", re.IGNORECASE)
_ORG_MARKERS: Final = re.compile(
    r"\b(?:inc|corp|llc|ltd|gmbh|company|co|group|bank|university|college|school|hospital|"
    r"clinic|institute|labs?|studio|agency|foundation|association|club|society|team|church)\b",
    re.IGNORECASE,
)


def speaker_role(speaker: str) -> str:
    """``"assistant"`` for AI speakers, ``"user"`` for the anonymous human, else ``"person"``."""
    norm = speaker.strip().casefold()
    if norm in ASSISTANT_SPEAKERS or norm.startswith(("gpt-", "claude", "chatgpt")):
        return "assistant"
    if norm in USER_SPEAKERS:
        return "user"
    return "person"


def sentences(text: str, spans: list[NerSpan]) -> list[tuple[int, int]]:
    """Sentence offsets, not splitting after abbreviations ("Dr.") or inside recognised names."""
    out: list[tuple[int, int]] = []
    inside = bytearray(len(text) + 1)
    for span in spans:
        inside[span.start + 1 : span.end] = b"\x01" * max(0, span.end - span.start - 1)
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group().startswith("."):
            word = re.search(r"([\w.]+)$", text[max(start, m.start() - 12) : m.start()])
            if word and word.group(1).casefold() in _ABBREVIATIONS:
                continue
        if inside[m.start()]:
            continue
        if text[start : m.start()].strip():
            out.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out


@dataclass
class Slot:
    text: str
    label: str  # spaCy label, or "PERSON" for names the rules found
    key: str | None = None
    negated: bool = False  # "not Paris": named only to be denied, so not an entity
    vocative: bool = False  # "thanks Helena": the person spoken to


@dataclass(frozen=True)
class Known:
    """Names the window has already resolved, each (casefolded) with its entity key and label.

    ``by_first`` indexes the spellings by their first word (casefolded when ``ignore_case``),
    longest first, so finding them costs a dictionary lookup per word, not a regex per name.
    """

    labels: dict[str, tuple[str, str]]
    by_first: dict[str, list[str]]
    ignore_case: bool

    def find(self, sentence: str) -> Iterator[tuple[int, int]]:
        text = sentence.casefold() if self.ignore_case else sentence
        end = 0
        for word in _WORD.finditer(text):
            if word.start() < end:
                continue
            for form in self.by_first.get(word.group(), ()):
                stop = word.start() + len(form)
                if text.startswith(form, word.start()) and not _NAME_GOES_ON.match(text, stop):
                    end = stop
                    yield word.start(), stop
                    break


_WORD: Final = re.compile(r"(?<![\w@.])\w+")
_NAME_GOES_ON: Final = re.compile(r"[\w@]")


@dataclass
class Template:
    text: str
    slots: list[Slot]

    @classmethod
    def build(
        cls,
        sentence: str,
        spans: list[NerSpan],
        known: Known | None,
        lowercase_words: frozenset[str] = frozenset(),
    ) -> Template:
        """Replace entity spans (and known person names the recogniser missed) with slots.

        ``lowercase_words`` are words the window also writes in lower case: a capitalised one
        at the start of a sentence ("Vegan, noted!") is then a common word, not a name.
        """
        marks: list[tuple[int, int, str, bool, str | None]] = []
        blocked = [(m.start(), m.end()) for m in EMAIL_RE.finditer(sentence)]
        first = len(sentence) - len(sentence.lstrip(" \t\"'\u201c\u2018(*-"))
        for span in spans:
            if span.label not in ENTITY_TYPES or any(
                a < span.end and span.start < b for a, b in blocked
            ):
                continue
            start, end = span.start, span.end
            if title := _TITLE_BEFORE.search(sentence[:start]):
                start = title.start()
            if span.label != "PERSON":
                end = _extend_name(sentence, end)
            span = NerSpan(span.start, end, span.label, sentence[span.start : end])
            if clean_entity_name(sentence[start:end], span.label) is None:
                continue
            label = _relabel(sentence, NerSpan(start, span.end, span.label, span.text))
            key = None
            if known is not None and (hit := known.labels.get(_possessive_free(span.text))):
                key, label = hit
            vocative = bool(_VOCATIVE_BEFORE.search(sentence[:start].casefold().rstrip()))
            if (
                key is None
                and start == first
                and " " not in span.text
                and span.text.casefold() in lowercase_words
                and span.text.casefold() not in FEMALE_NAMES | MALE_NAMES
            ):
                continue  # "Vegan, noted!" where the window also writes "vegan"
            marks.append((start, end, label, vocative, key))
        if known is not None:
            for start, end in known.find(sentence):
                if any(a < end and start < b for a, b, *_ in marks) or any(
                    a < end and start < b for a, b in blocked
                ):
                    continue
                key, label = known.labels[sentence[start:end].casefold()]
                vocative = bool(_VOCATIVE_BEFORE.search(sentence[:start].casefold()))
                if label != "PERSON" and (longer := _extend_name(sentence, end)) > end:
                    key, end = None, longer  # "Fernleaf" is known, "Fernleaf Robotics" is new
                marks.append((start, end, label, vocative, key))
        marks.sort()
        parts: list[str] = []
        slots: list[Slot] = []
        pos = 0
        for start, end, label, vocative, key in marks:
            if start < pos:
                continue
            parts.append(sentence[pos:start])
            parts.append(f"\ue000{len(slots)}\ue001")
            slots.append(Slot(sentence[start:end], label, key, vocative=vocative))
            pos = end
        parts.append(sentence[pos:])
        text = "".join(parts).replace("\u2019", "'").replace("\u2018", "'")
        text = re.sub(r"(?<![\w'])(?:i|Im|im)(?=\s|'|$)", _fix_i, text)
        if not re.search(r"[A-Z]", sentence.replace("I", "")):
            text = truecase_kin_names(truecase_places(text))
        return cls(text, slots)

    def add(self, slot: Slot) -> str:
        self.slots.append(slot)
        return f"\ue000{len(self.slots) - 1}\ue001"

    def hypothetical(self, start: int) -> bool:
        words = re.findall(r"[\w']+", self.text[:start].casefold())
        return bool(words) and words[-1] in HYPOTHETICAL

    def correcting(self) -> bool:
        return bool(CORRECTION_RE.search(self.text))


_TITLE_BEFORE: Final = re.compile(
    r"\b(?:" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")\.?\s+$", re.IGNORECASE
)


_NEXT_NAME_WORD: Final = re.compile(r"\s+([A-Z][\w&'-]*|\d+(?:\.\d+)*(?=\s+[A-Z]))")


def _extend_name(sentence: str, end: int) -> int:
    """ "Halden" + " Insights": the small model often stops a name one word short."""
    for _ in range(3):
        m = _NEXT_NAME_WORD.match(sentence, end)
        if m is None or m.group(1).casefold() in NOT_NAMES or m.group(1) == "I":
            break
        end = m.end()
    return end


def _possessive_free(text: str) -> str:
    return re.sub(r"['\u2019]s$", "", text.strip()).casefold()


def _relabel(sentence: str, span: NerSpan) -> str:
    """Second-guess the small model where the sentence says better: a title ("Dr", "Avó"), a
    greeting ("thanks Helena") or a common given name mean a person; "lives in", "moved to"
    before a short name mean a place."""
    text = span.text.strip()
    words = text.split()
    before = sentence[: span.start].casefold().rstrip()
    if span.label == "PERSON":
        if (
            len(words) == 1
            and text.casefold() not in FEMALE_NAMES | MALE_NAMES
            and _PLACE_BEFORE.search(before)
            and not sentence[span.end :].startswith(("'s", "\u2019s"))
        ):
            return "GPE"
        return span.label
    if (
        len(words) <= 3
        and words[0].casefold() in FEMALE_NAMES | MALE_NAMES
        and not _ORG_MARKERS.search(text)
    ):
        return "PERSON"
    if len(words) > 1 and words[0].casefold().rstrip(".") in TITLES:
        return "PERSON"
    if len(words) <= 2 and _VOCATIVE_BEFORE.search(before):
        return "PERSON"
    if (
        len(words) <= 2
        and span.label in ("ORG", "PRODUCT", "WORK_OF_ART")
        and _PLACE_BEFORE.search(before)
        and not _ORG_MARKERS.search(text)
    ):
        return "GPE"
    return span.label


_VOCATIVE_BEFORE: Final = re.compile(
    r"(?:^|[\s,.!?])(?:hi|hey|hello|thanks|thank\s+you|congrats|congratulations|sorry|morning|"
    r"welcome|funny|bye|dear|cheers|love\s+you|night|evening|afternoon)[\s,!]*$"
)
_PLACE_BEFORE: Final = re.compile(
    r"(?:\b(?:live|lives|living|lived|based|born|raised|grew\s+up|stay|staying|stayed|located|"
    r"holiday|vacation|trip|weekend|office|here|there|back|somewhere|settled|home|flat|house|"
    r"apartment)\s+(?:in|near|outside|around)|\b(?:moved|move|moving|relocated|relocating|fly|"
    r"flying|flew|flights?|trip|travel|travelling|traveling|going|went|drive|driving|back|"
    r"way|train|bus|holiday)\s+(?:to|into)|\b(?:'m|am|is|are|was|come|comes|came|originally|"
    r"flying|flights?|train)\s+from|\b(?:visiting|visit|near|around|across|towards|outside)|"
    r"\b(?:wedding|party|holiday|conference|office|hotel|flat|house|trip|week|weekend|days|"
    r"years|months|life|family|friends|born|somewhere|back|here|there|up|down)\s+in)$"
)


def _fix_i(m: re.Match[str]) -> str:
    return "I" if m.group() == "i" else "I'm"


def restore(text: str, slots: list[Slot]) -> str:
    return SLOT_RE.sub(lambda m: slots[int(m.group(1))].text, text)


def _without_chat_words(words: list[str]) -> list[str]:
    """ "Yep Maya" → Maya, "Maya lol" → Maya; a name of chat words only is no name."""

    def noise(word: str) -> bool:
        return word.casefold().strip(".,!?;:'\u2019") in CHAT_WORDS

    while words and noise(words[0]):
        words = words[1:]
    while words and noise(words[-1]):
        words = words[:-1]
    return words


def clean_entity_name(text: str, label: str) -> str | None:
    """A recognised span as an entity name, or None for junk (greetings, acronyms, e-mails)."""
    name = re.sub(r"^(?:the|a|an)\s+", "", text.strip())
    name = _GREETING.sub("", name)
    name = re.sub(r"['\u2019]$", "", name).strip(" \t\"'\u201c\u201d\u2018\u2019.,;:!?()[]{}-*_#")
    words = _without_chat_words(name.split())
    while len(words) > 1 and words[-1].islower():
        words.pop()
    for i in range(1, len(words)):  # "Sam. SAM": a name said twice, not a longer name
        if re.sub(r"\W", "", words[i].casefold()) == re.sub(r"\W", "", words[i - 1].casefold()):
            words = words[:i]
            break
    name = " ".join(words).rstrip(".,;:!?")
    if len(name) < 2 or not any(c.isupper() for c in name) or _URL.search(name) or "@" in name:
        return None
    norm = name.casefold()
    if norm in _JUNK_NAMES or norm in ASSISTANT_SPEAKERS or norm in USER_SPEAKERS:
        return None
    if "," in name or re.search(r"(\w)\1\1", norm) or len(words) > 6:
        return None
    if len(words) == 1 and ((name.isupper() and len(name) <= 3) or re.search(r"\d", name)):
        return None
    if label == "PERSON" and (any(c.isdigit() for c in name) or len(words) > 4):
        return None
    return name


_TYPE_BY_LAST_WORD: Final = {
    **dict.fromkeys(
        [
            "inc", "corp", "llc", "ltd", "gmbh", "plc", "company", "co", "group", "bank",
            "robotics", "ventures", "outfitters", "internet", "books", "farms", "games",
            "analytics", "labs", "lab", "logistics", "air", "airlines", "airways", "hospital",
            "practice", "pharmacy", "museum", "council", "association", "club", "institute",
            "university", "school", "college", "studio", "studios", "capital", "partners",
            "holdings", "systems", "technologies", "foundation", "trust", "society", "cafe", "café",
            "restaurant", "bar", "kitchen", "bakery", "shop", "store", "hotel", "church", "agency",
            "media", "press", "records", "insurance", "energy", "motors", "pharma", "health",
            "clinic", "medical", "surgery", "dental", "solutions", "software", "consulting",
            "bistro", "pub", "brewery", "gallery", "library", "academy", "federation", "union",
            "league", "committee", "team", "elementary", "hub", "trattoria", "brewing", "nursery",
            "gym", "orchestra", "mutual", "medicine", "diner", "centre", "center", "pizzeria",
        ],
        "organization",
    ),
    **dict.fromkeys(
        [
            "road", "street", "st", "avenue", "ave", "lane", "square", "park", "valley", "lake",
            "river", "mountain", "mountains", "beach", "bay", "island", "islands", "manor",
            "county", "province", "district", "region", "coast", "peninsula", "canyon", "hill",
            "hills", "falls", "forest", "desert", "sea", "ocean", "gardens", "boulevard", "drive",
            "way", "place", "creek", "lighthouse", "parkway", "airport", "trail", "bridge",
            "harbor", "harbour", "cove", "station", "market", "pier", "gorge", "glacier",
            "reservoir",
        ],
        "place",
    ),
    **dict.fromkeys(
        [
            "conference", "summit", "festival", "fair", "wedding", "party", "trip", "expo",
            "meetup", "hackathon", "marathon", "olympics", "championship", "tournament", "gala",
            "ceremony", "retreat", "webinar",
        ],
        "event",
    ),
}  # fmt: skip
_TYPE_BY_FIRST_WORD: Final = {
    "project": "project", "lake": "place", "mount": "place", "university": "organization",
    "operation": "project",
    # a car maker before a model: "Honda Civic", "Subaru Outback"
    **dict.fromkeys(
        ["ford", "honda", "toyota", "subaru", "nissan", "mazda", "hyundai", "kia", "volkswagen",
         "vw", "chevy", "chevrolet", "tesla", "bmw", "audi", "jeep", "volvo", "dodge", "gmc",
         "lexus", "fiat", "peugeot", "renault", "skoda", "porsche", "mitsubishi", "buick",
         "cadillac", "acura", "suzuki", "citroen", "vauxhall", "opel"],
        "product",
    ),
}  # fmt: skip


def type_from_name(name: str) -> str | None:
    """The type a name's own words give away: "… Bank", "… Road", "Project …"."""
    words = name.casefold().replace("'s", "").split()
    while len(words) > 1 and words[0].rstrip(".") in TITLES:
        words = words[1:]
    if len(words) < 2 or words[0] in FEMALE_NAMES or words[0] in MALE_NAMES:
        return None
    return _TYPE_BY_FIRST_WORD.get(words[0]) or _TYPE_BY_LAST_WORD.get(words[-1].strip(".,"))


def looks_like_org(name: str) -> bool:
    return bool(_ORG_MARKERS.search(name))


def clean_cap(text: str) -> str | None:
    """A capitalised run from a pattern, cut before words that cannot be part of a name."""
    words: list[str] = []
    for word in _without_chat_words(text.split()):
        bare = re.sub(r"['\u2019]s$", "", word).casefold().strip(".,'")
        if bare in NOT_NAMES or bare in CHAT_WORDS or word == "I":
            break
        words.append(word)
    name = re.sub(r"['\u2019]s?$", "", " ".join(words)).strip(" .,'\"")
    while name.casefold().split()[-1:] in (["the"], ["of"], ["and"], ["&"]):
        name = name.rsplit(None, 1)[0] if " " in name else ""
    return name if len(name) > 1 else None
