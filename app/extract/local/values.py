"""Fact values: free text cut to a short phrase, dates as ISO, money as ``"38 GBP/month"``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from app.extract.local.lexicon import CHAT_WORDS

if TYPE_CHECKING:
    from app.extract.local.template import Slot

__all__ = [
    "clean_values",
    "find_day",
    "gerund",
    "normalize_date",
    "normalize_money",
]

_MONTHS: Final = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_RE: Final = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_DAY_RE: Final = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE: Final = r"(?:,?\s+(?P<year>\d{4}))?"
_DATE_FORMS: Final = (
    re.compile(rf"{_MONTH_RE}\s+{_DAY_RE}\b{_YEAR_RE}", re.IGNORECASE),
    re.compile(rf"{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE}{_YEAR_RE}", re.IGNORECASE),
)
_ISO: Final = re.compile(r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})")

_CURRENCIES: Final = (
    (re.compile(r"\$|\busd\b|\bdollars?\b|\bbucks\b", re.I), "USD"),
    (re.compile(r"€|\beur\b|\beuros?\b", re.I), "EUR"),
    (re.compile(r"£|\bgbp\b|\bpounds?\b|\bquid\b", re.I), "GBP"),
    (re.compile(r"¥|\byen\b|\bjpy\b", re.I), "JPY"),
    (re.compile(r"\bchf\b|\bfrancs?\b", re.I), "CHF"),
    (re.compile(r"R\$|\breais\b|\bbrl\b", re.I), "BRL"),
)
_AMOUNT: Final = re.compile(
    r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<mult>k|m|bn|million|thousand|billion)?\b", re.I
)
_MULTIPLIERS: Final = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000,
                       "bn": 1_000_000_000, "billion": 1_000_000_000}  # fmt: skip
_PER: Final = re.compile(
    r"(?:\ba\s+|\bper\s+|/\s*)(?P<unit>month|year|week|night|day|person)\b|(?P<pp>\bpp\b|\beach\b)",
    re.I,
)


def normalize_date(text: str, year: int | None, *, with_year: bool = True) -> str | None:
    """``"May 18th"`` → ``"2024-05-18"`` (year from ``year`` when the text has none), or
    ``"05-18"`` when no year is known or ``with_year`` is false. None if it is not a day."""
    if m := _ISO.search(text):
        y, mon, day = int(m["year"]), int(m["mon"]), int(m["day"])
    else:
        for form in _DATE_FORMS:
            if m := form.search(text):
                mon, day = _MONTHS[m["mon"][:3].casefold()], int(m["day"])
                y = int(m["year"]) if m["year"] else year or 0
                break
        else:
            return None
    if not (1 <= mon <= 12 and 1 <= day <= 31):
        return None
    if with_year and y:
        return f"{y:04d}-{mon:02d}-{day:02d}"
    return f"{mon:02d}-{day:02d}"


_RANGES: Final = (
    re.compile(
        rf"\b{_MONTH_RE}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|\u2013|to|until|till)\s*"
        r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|\u2013|to)\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+"
        rf"(?:of\s+)?{_MONTH_RE}",
        re.IGNORECASE,
    ),
)
_WEEKDAY_PREFIX: Final = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?:the\s+)?$", re.IGNORECASE
)


def find_day(text: str, year: int | None) -> tuple[int, int, str] | None:
    """The first day or range of days in ``text``: (start, end, ISO value). Without a year in
    the text, ``year`` is used; with neither, None."""
    for form in _RANGES:
        if (m := form.search(text)) and year:
            mon = _MONTHS[m["mon"][:3].casefold()]
            d1, d2 = int(m["d1"]), int(m["d2"])
            if 1 <= d1 < d2 <= 31:
                return m.start(), m.end(), f"{year}-{mon:02d}-{d1:02d}/{year}-{mon:02d}-{d2:02d}"
    found: list[tuple[int, int, str]] = []
    for form in (_ISO, *_DATE_FORMS):
        if m := form.search(text):
            value = normalize_date(m.group(), year)
            if value and len(value) == 10:
                found.append((m.start(), m.end(), value))
    return min(found) if found else None


def normalize_money(text: str, default_currency: str | None = None) -> str | None:
    """``"$3,500"`` → ``"3500 USD"``, ``"£38 a month"`` → ``"38 GBP/month"``."""
    amount = _AMOUNT.search(text)
    if amount is None:
        return None
    currency = next((code for pattern, code in _CURRENCIES if pattern.search(text)), None)
    currency = currency or default_currency
    if currency is None:
        return None
    value = float(amount["num"].replace(",", ""))
    if amount["mult"]:
        value *= _MULTIPLIERS[amount["mult"].casefold()]
    number = f"{value:.2f}".rstrip("0").rstrip(".")
    out = f"{number} {currency}"
    if per := _PER.search(text[amount.end() :]):
        out += " per person" if per["pp"] or per["unit"] == "person" else f"/{per['unit']}"
    return out


_CLAUSE_END: Final = re.compile(
    r"\s*(?:,\s*|\s+|^)(?:but|because|since|though|although|so|which|who|when|while|if|"
    r"whereas|unless|except|than|especially|like\s+when|as\s+long\s+as|and\s+I|and\s+I'm|"
    r"and\s+my|and\s+we|and\s+she|and\s+he|and\s+it|and\s+that|and\s+they|not)\b.*$"
    r"|\s+[-\u2013\u2014:(].*$|\s*,\s*(?:not|but)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_LIST_SPLIT: Final = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&|as\s+well\s+as)\s+")
_FILLERS: Final = re.compile(
    r"(?:\s+(?:a\s+lot|so\s+much|very\s+much|too|as\s+well|now|lately|these\s+days|anymore|"
    r"right\s+now|though|haha+|lol|tbh|honestly|in\s+general|a\s+bit|actually|also|"
    r"more\s+than\s+anything|most\s+of\s+all|the\s+most|more|really))+$",
    re.IGNORECASE,
)
_REJECT_START: Final = frozenset(
    {"it", "it's", "that", "this", "these", "those", "them", "you", "your", "yours", "him",
     "her", "his", "my", "our", "their", "how", "what", "when", "where", "why", "if", "whether",
     "there", "which", "who", "being", "having", "doing", "getting", "to", "me", "us", "one",
     "ones", "some", "something", "anything", "everything", "nothing", "both", "all", "any",
     "each", "idea", "way", "thing", "things", "sound", "lot", "kind", "sort", "option",
     "suggestion", "answer", "approach", "plan", "list", "question", "help", "about", "so",
     "very", "not", "no", "most", "more", "just", "the idea", "than", "a", "an", "as", "working",
     "in", "at", "with", "for", "on", "hearing", "seeing", "talking", "u", "ur", "ya", "yall",
     "y'all", "everyone", "everybody", "guys", "that's"}
)  # fmt: skip
_ARTICLE: Final = re.compile(r"^(?:the|a|an|some)\s+", re.IGNORECASE)


def gerund(verb: str) -> str:
    """``"cook"`` → ``"cooking"``, ``"hike"`` → ``"hiking"``, ``"swim"`` → ``"swimming"``."""
    v = verb.casefold()
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")) and len(v) > 2:
        return v[:-1] + "ing"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", v) and len(v) <= 4:
        return v + v[-1] + "ing"
    return v + "ing"


# Words before a role that say how it is seen, not what it is or when ("a humble UX designer";
# "former" and "future" change what the role says and stay).
PASSING: Final = frozenset(
    {"humble", "simple", "lowly", "mere", "glorified", "proud", "fancy", "actual", "just",
     "proper", "real"}
)  # fmt: skip


def without_passing(role: str) -> str:
    """ "humble UX designer" → "UX designer"; a role of one word, and a capitalised word ("Simple
    Wallet engineer": a name), stay."""
    words = role.split()
    while len(words) > 1 and words[0] in PASSING:
        words = words[1:]
    return " ".join(words)


def clean_values(raw: str, slots: list[Slot], mode: str) -> list[str]:
    """Free text after a verb as fact values: cut at the clause's end, split lists, drop filler.

    ``mode`` is ``"single"``, ``"list"`` or ``"gerunds"`` (a list where "to cook" → "cooking").
    """
    text = _CLAUSE_END.sub("", _restore(raw, slots).strip())
    text = text.strip(" \t\"'“”.,;:!?)(*_")
    items = [text.split(",")[0]] if mode == "single" else _LIST_SPLIT.split(text)
    out: list[str] = []
    for item in items:
        value = _FILLERS.sub("", item.strip(" \t\"'“”.,;:!?)(*_"))
        if mode == "gerunds" and (m := re.match(r"^to\s+([a-z]+)\b(.*)$", value, re.I)):
            value = gerund(m.group(1)) + m.group(2)
        value = _ARTICLE.sub("", value).strip()
        words = value.split()
        while words and words[-1].casefold() in CHAT_WORDS:  # "ljubljana btw" is Ljubljana
            words.pop()
        value = " ".join(words)
        if not words or len(words) > 6 or words[0].casefold() in _REJECT_START:
            continue
        if re.search(r"\b(?:you|your|I|me)\b", value) or not re.search(r"[A-Za-z]", value):
            continue
        out.append(value)
    return out


def _restore(text: str, slots: list[Slot]) -> str:
    return re.sub("\ue000(\\d+)\ue001", lambda m: slots[int(m.group(1))].text, text)
