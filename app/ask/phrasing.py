"""How a graph answer reads: dates by their precision, and a statement as a short phrase.

An answer is its value ("Kiwi", "9 March 2024"); its basis says what the value is of: "Maya's
pet", "Leo lives in", "Maya adopted Kiwi" (ADR 0020).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from app.ask.knowledge import Statement
from app.ask.predicates import predicate_words
from app.domain.dates import MONTH_NAMES, spoken

__all__ = ["date_phrase", "describe", "said_phrase", "subject_phrase"]

#: Words that make a label read as a verb phrase ("lives in", "went to"), not a noun ("pet").
#: Labels that are nouns (the rest, but "X_of", read as verbs).
_NOUNS: Final = frozenset(
    {
        "pet", "occupation", "job", "job_title", "role", "title", "hobby", "age", "birthday",
        "email", "phone", "name", "nickname", "diet", "status", "relationship_status",
        "nationality", "language", "employer", "school", "major", "degree", "spouse", "partner",
        "species", "breed", "allergy", "religion", "gender", "address", "salary", "car",
        "instrument", "sport", "team", "boss", "manager", "employer_role",
    }
)  # fmt: skip


def date_phrase(value: str | None) -> str | None:
    """A partial ISO date as the answer writes it (:func:`app.domain.dates.spoken`)."""
    return spoken(value)


def said_phrase(when: datetime) -> str:
    return f"{when.day} {MONTH_NAMES[when.month - 1]} {when.year}"


def _is_noun(predicate: str) -> bool:
    """``pet``, ``occupation``, ``sibling_of``: a noun that "X's ..." reads well with; other
    labels read as verbs ("lives in", "adopted", "sell")."""
    words = predicate.split("_")
    return words[-1] == "of" or predicate in _NOUNS or words[0] in ("favourite", "favorite")


def _noun(predicate: str) -> str:
    words = predicate.split("_")
    return " ".join(words[:-1] if words[-1] == "of" and len(words) > 1 else words)


def subject_phrase(statement: Statement, name: str | None = None) -> str:
    """What the value is of, without the value: "Maya's pet", "Leo lives in", "sibling of
    Maya" (for a relation that points to the subject)."""
    subject = name or statement.subject.name
    predicate = statement.predicate
    if statement.direction == "in":
        return f"{predicate_words(predicate)} {subject}"
    if _is_noun(predicate):
        return f"{subject}'s {_noun(predicate)}"
    return f"{subject} {predicate_words(predicate)}"


def describe(statement: Statement, name: str | None = None) -> str:
    """The whole statement, value included: "Maya's pet is Kiwi", "Jonah adopted Biscuit"."""
    value = statement.value
    if statement.direction == "in":
        return f"{value} {predicate_words(statement.predicate)} {name or statement.subject.name}"
    phrase = subject_phrase(statement, name)
    if _is_noun(statement.predicate):
        return f"{phrase} is {value}"
    return f"{phrase} {value}"
