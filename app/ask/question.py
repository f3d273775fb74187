"""What a question asks for: its kind (what, where, who, when), the kind of value that answers
it, the runs of words that may name an entity, and its topical words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Final

from app.domain.normalize import normalize_name
from app.extract.local.lexicon import KIN
from app.search.text import STOP_WORDS

__all__ = ["Expect", "Question", "parse_question"]

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")
_POSSESSIVE = re.compile(r"['\u2019]s?$", re.IGNORECASE)
#: Longest run of words tried as a name ("Saint Luke's Hospital of Denver").
MAX_NAME_WORDS: Final = 4


class Expect(Enum):
    """The kind of value an answer gives."""

    PLACE = "place"
    PERSON = "person"
    DATE = "date"
    THING = "thing"


_WH: Final = {
    "where": Expect.PLACE,
    "who": Expect.PERSON,
    "whom": Expect.PERSON,
    "whose": Expect.PERSON,
    "when": Expect.DATE,
    "what": Expect.THING,
    "which": Expect.THING,
    "how": Expect.THING,
}
# "which city", "what year": the noun after the wh-word says what is wanted.
_NOUN_EXPECTS: Final = {
    **dict.fromkeys(
        [
            "city",
            "town",
            "country",
            "place",
            "state",
            "village",
            "island",
            "region",
            "neighbourhood",
            "neighborhood",
            "area",
            "continent",
            "street",
            "county",
        ],
        Expect.PLACE,
    ),
    **dict.fromkeys(["person", "guy", "woman", "man", "girl", "boy"], Expect.PERSON),
    # "Which cousin of Priya's…": a kinship or social word asks for a person.
    **dict.fromkeys((w for w in KIN if " " not in w), Expect.PERSON),
    **dict.fromkeys(["year", "month", "day", "date", "time"], Expect.DATE),
}
# Words that frame a question without naming what it is about.
_FRAME: Final = frozenset(
    {
        "name",
        "names",
        "named",
        "called",
        "kind",
        "type",
        "sort",
        "exactly",
        "ever",
        "currently",
        "now",
        "recently",
        "actually",
        "usually",
        "still",
        "get",
        "got",
        "many",
        "much",
        "long",
        "ago",
        "year",
        "month",
        "day",
        "date",
        "time",
        "one",
        "s",
    }
)
# The question asks about an earlier value, not the current one.
_PAST: Final = frozenset({"before", "previously", "former", "formerly", "originally", "earlier"})


# Dates say when, not what: "Where did Nadia move in April 2024?" asks about moving.
_MONTHS: Final = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_DATE_NOUNS: Final = frozenset({"deadline", "birthday", "anniversary", "due"})
_NUMBER: Final = re.compile(r"^\d+(?:st|nd|rd|th)?$")
_NOT_TOPICAL: Final = STOP_WORDS | _FRAME | _PAST | _MONTHS | frozenset(_WH)


@dataclass(frozen=True)
class Question:
    text: str
    expects: Expect
    words: tuple[str, ...]  # every word, case-folded, possessives dropped, in order
    topical: tuple[str, ...]  # words that say what is asked: no stop, wh- or framing words
    past: bool  # asks what held before ("Where did Maya live before?")

    def name_runs(self) -> list[str]:
        """Every run of up to ``MAX_NAME_WORDS`` words, normalised as entity names are."""
        runs: list[str] = []
        for size in range(MAX_NAME_WORDS, 0, -1):
            for start in range(len(self.words) - size + 1):
                run = normalize_name(" ".join(self.words[start : start + size]))
                if run and run not in runs:
                    runs.append(run)
        return runs

    def proper_words(self) -> set[str]:
        """The capitalised words past the first (normalised): names, known to the graph or
        not ("Priya" in "What is the name of Priya's dog?")."""
        words = [_POSSESSIVE.sub("", w) for w in _WORD.findall(self.text)[1:]]
        return {
            normalize_name(w)
            for w in words
            if w[:1].isupper() and w.casefold() not in _NOT_TOPICAL and w.casefold() != "i"
        }

    def without(self, names: set[str]) -> tuple[str, ...]:
        """The topical words that are not words of ``names`` (normalised entity names)."""
        named = {w for n in names for w in n.split()}
        return tuple(w for w in self.topical if normalize_name(w) not in named)


def parse_question(text: str) -> Question:
    words = [_POSSESSIVE.sub("", w) for w in _WORD.findall(text.casefold())]
    words = [w for w in words if w]
    expects, framing = Expect.THING, -1
    for i, word in enumerate(words):
        if word in _WH:
            expects = _WH[word]
            following = words[i + 1] if i + 1 < len(words) else ""
            if word in ("what", "which") and following in _NOUN_EXPECTS:
                expects, framing = _NOUN_EXPECTS[following], i + 1
            break
    if expects is Expect.THING and set(words) & _DATE_NOUNS:
        expects = Expect.DATE  # "What is the new deadline?" asks for a date
    topical = tuple(
        dict.fromkeys(
            w
            for i, w in enumerate(words)
            if i != framing and w not in _NOT_TOPICAL and not _NUMBER.match(w)
        )
    )
    past = any(w in _PAST for w in words) or " used to " in f" {' '.join(words)} "
    return Question(" ".join(text.split()), expects, tuple(words), topical, past)
