"""What a window says about its speakers as a whole: who talks with whom, and which short names,
nicknames and misspellings in the text are the people speaking.

"Sam" speaks; the other speaker writes "Sammy" and once "Samanta": both are Sam, not two more
people. A one-word person name is linked to a speaker when it is a short form of the speaker's
first name or the other way round ("Sam"/"Samantha"), a known nickname ("Bob"/"Robert"), or one
edit away from a name of five letters or more ("Samanta"/"Samantha"), and only when exactly one
speaker fits, whatever type the recogniser alone gave it ("BENNY" an organisation, "Meeru" a
place) unless the gazetteer knows it or it starts otherwise ("Kroger" is not Roger). A full
name the other speaker opens a message with, the long form of a speaker's name ("Tessa
Albright, …" to "Tess"), is that speaker's full name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from rapidfuzz.distance import OSA

from app.domain.match import NICKNAMES
from app.domain.models import WindowMessage
from app.domain.normalize import normalize_name
from app.extract.local.builder import Builder
from app.extract.local.gazetteer import is_known_place
from app.extract.local.template import speaker_role

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["addressee", "link_addressed_names", "link_short_names", "talks_with"]

_MIN_PREFIX: Final = 3
_RECOGNISER_ONLY: Final = 0.5  # a type no rule gave
_MIN_FUZZY: Final = 5
_FULL_NAME: Final = r"(?P<name>[A-Z][\w'-]+(?: [A-Z][\w'-]+){1,2})"
_VOCATIVE: Final = re.compile(rf"^\s*{_FULL_NAME}\s*[,!]")  # "Tessa Albright, disrespected…"


def _short_form(short: str, full: str) -> bool:
    if short == full:
        return True
    if len(short) >= _MIN_PREFIX and (full.startswith(short) or short.startswith(full)):
        return True
    if short in NICKNAMES.get(full, ()) or full in NICKNAMES.get(short, ()):
        return True
    if short.endswith(("y", "ie")) and len(short) <= 6 and short[:3] == full[:3]:
        return True  # a pet form: "Sammy" for Samantha, "Katie" for Katherine
    return min(len(short), len(full)) >= _MIN_FUZZY and OSA.distance(short, full) <= 2


def link_short_names(builder: Builder, speakers: dict[str, str]) -> None:
    """Merge one-word person names into the one speaker they are a short form of."""
    speaker_keys = set(speakers.values())
    firsts = {
        key: (normalize_name(name).split() or [""])[0]
        for key, name in builder.people()
        if key in speaker_keys
    }
    for key, name, type_, strength in builder.typed():
        words = normalize_name(name).split()
        if key in speaker_keys or len(words) != 1:
            continue
        if type_ != "person" and (strength > _RECOGNISER_ONLY or is_known_place(name)):
            continue  # "Meeru" the recogniser took for a place is Meera; "Porto" is not
        fits = [
            s
            for s, first in firsts.items()
            if first
            and _short_form(words[0], first)
            and (type_ == "person" or words[0][:2] == first[:2])  # "Kroger" is not Roger
        ]
        if len(fits) == 1:
            builder.merge_into(key, fits[0])


def _is_subject(doc: Doc, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` is a clause's subject ("Sam Okafor, the guy from the
    brewery, called me"), not someone spoken to."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and span.root.dep_ in ("nsubj", "nsubjpass")


def link_addressed_names(
    builder: Builder,
    window: Sequence[WindowMessage],
    speakers: dict[str, str],
    docs: Sequence[Doc],
) -> None:
    """A full name the other speaker opens a message with, calling the person they write to by
    the long form of the name they speak under ("Tessa Albright, disrespected by Jordan…" to
    the speaker "Tess"), is that speaker's full name: the speaker takes it, and the person
    entity it made joins the speaker. Not when the first names are the same ("Chris Hemsworth,
    shirtless, on my feed again!" to Chris is someone else), when the name is a clause's
    subject, or when it is another speaker's; the first full name found stays."""
    named_already: set[str] = set()
    for message, doc in zip(window, docs, strict=True):
        label = addressee(window, message)
        key = speakers.get(label or "")
        short = normalize_name(label or "")
        if key is None or key in named_already or len(short.split()) != 1:
            continue
        found = _VOCATIVE.search(message.text)
        if found is None or _is_subject(doc, found.start("name"), found.end("name")):
            continue
        name = found["name"]
        first = normalize_name(name).split()[0]
        if first == short or not _longer_form(short, first):
            continue
        named = builder.find(name)
        if named is not None and named in speakers.values():
            continue
        if named is not None:
            if builder.type_of(named) != "person":
                continue
            builder.merge_into(named, key)
        builder.promote(key, name)
        named_already.add(key)


def _longer_form(short: str, first: str) -> bool:
    """ "tess" → "tessa", "sam" → "samantha", "bob" → "robert": a prefix or a known nickname."""
    return (len(short) >= _MIN_PREFIX and first.startswith(short)) or short in NICKNAMES.get(
        first, ()
    )


def talks_with(builder: Builder, window: Sequence[WindowMessage], speakers: dict[str, str]) -> None:
    """Every two people speaking in the window talk with each other, citing the first message
    of each."""
    first: dict[str, str] = {}
    for message in window:
        key = speakers.get(message.speaker)
        if key is not None and key not in first:
            first[key] = message.id
    keys = list(first)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            for message_id in (first[a], first[b]):
                builder.relation(a, "talks_with", b, confidence=0.95, message_id=message_id)


def addressee(window: Sequence[WindowMessage], message: WindowMessage) -> str | None:
    """The speaker label a "you" in ``message`` most likely means: the other speaker of a
    window two people speak in; None where more people speak (a "you" there is anyone's)."""
    people = {m.speaker for m in window if speaker_role(m.speaker) == "person"}
    if len(people) != 2:
        return None
    try:
        index = window.index(message)
    except ValueError:
        return None
    for other in [*reversed(window[:index]), *window[index + 1 :]]:
        if other.speaker != message.speaker and speaker_role(other.speaker) == "person":
            return other.speaker
    return None
