"""What a window says about its speakers as a whole: who talks with whom, and which short names,
nicknames and misspellings in the text are the people speaking.

"Sam" speaks; the other speaker writes "Sammy" and once "Samanta": both are Sam, not two more
people. A one-word person name is linked to a speaker when it is a short form of the speaker's
first name or the other way round ("Sam"/"Samantha"), a known nickname ("Bob"/"Robert"), or one
edit away from a name of five letters or more ("Samanta"/"Samantha"), and only when exactly one
speaker fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from rapidfuzz.distance import OSA

from app.domain.match import NICKNAMES
from app.domain.models import WindowMessage
from app.domain.normalize import normalize_name
from app.extract.local.builder import Builder
from app.extract.local.template import speaker_role

__all__ = ["addressee", "link_short_names", "talks_with"]

_MIN_PREFIX: Final = 3
_MIN_FUZZY: Final = 5


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
    for key, name in builder.people():
        words = normalize_name(name).split()
        if key in speaker_keys or len(words) != 1:
            continue
        fits = [s for s, first in firsts.items() if first and _short_form(words[0], first)]
        if len(fits) == 1:
            builder.merge_into(key, fits[0])


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
