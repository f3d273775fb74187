"""Who a parsed clause is about: the speaker ("I", "we"), the person spoken to ("you"), the person
a "he"/"she" means, a named person, or a kin word the window already tied to a name ("my
brother"); and whose a possessive is ("my", "your", "her", "Hannah's")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from app.domain.models import WindowMessage
from app.extract.local.lexicon import CHAT_WORDS, KIN, NOT_NAMES
from app.extract.local.names import FEMALE_NAMES, MALE_NAMES

if TYPE_CHECKING:
    from spacy.tokens import Token

    from app.extract.local.reader import WindowReader

__all__ = ["Subject", "co_subjects", "first_name", "name_of", "owner_of", "subject_of", "who"]

FIRST_PERSON: Final = 0.8
WE: Final = 0.7
SECOND_PERSON: Final = 0.7
THIRD_PERSON: Final = 0.75
VIA_PRONOUN: Final = 0.65


@dataclass(frozen=True, slots=True)
class Subject:
    key: str
    confidence: float


def subject_of(reader: WindowReader, message: WindowMessage, verb: Token) -> Subject | None:
    head = verb
    while True:
        nsubj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if nsubj is not None:
            return who(reader, message, nsubj)
        if head.dep_ in ("conj", "xcomp") and head.head.i != head.i:
            head = head.head
            continue
        break
    # Chat drops the subject: "Went to a climbing gym yesterday." is the speaker.
    if verb.dep_ == "ROOT" and verb.i == verb.sent.start and verb.tag_ in ("VBD", "VBN"):
        key = reader.me(message)
        return None if key is None else Subject(key, WE)
    return None


def co_subjects(reader: WindowReader, message: WindowMessage, verb: Token) -> list[Subject]:
    """The others a subject is joined with: "Owen and I are rewatching…" → the speaker too."""
    nsubj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if nsubj is None:
        return []
    found = (who(reader, message, c) for c in nsubj.children if c.dep_ == "conj")
    return [s for s in found if s is not None]


def who(reader: WindowReader, message: WindowMessage, token: Token) -> Subject | None:
    word = token.lower_
    if word in ("i", "me"):
        key = reader.me(message)
        return None if key is None else Subject(key, FIRST_PERSON)
    if word == "we":
        key = reader.me(message)
        return None if key is None else Subject(key, WE)
    if word in ("you", "u", "ya"):
        key = reader.addressee(message)
        return None if key is None else Subject(key, SECOND_PERSON)
    if word in ("he", "she"):
        key = reader.pronoun_target("m" if word == "he" else "f")
        return None if key is None else Subject(key, VIA_PRONOUN)
    if token.pos_ == "PROPN":
        name = name_of(token)
        if name is None:
            return None
        key = reader.known(name)
        if key is None and token.ent_type_ != "PERSON" and not first_name(name):
            return None
        if key is None:
            key = reader.name_key(name, message, "person", 0.6)
        if key is None or reader.b.type_of(key) != "person":
            return None
        reader.b.cite(key, message.id)
        return Subject(key, THIRD_PERSON)
    if word in KIN:
        named = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
        if named is not None:
            found = reader.known(name_of(named) or "")
            return None if found is None else Subject(found, THIRD_PERSON)
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        if owner is not None and owner.lower_ in ("my", "our"):
            me = reader.me(message)
            kin = reader.kin.get((me or "", word))
            return None if kin is None else Subject(kin, THIRD_PERSON)
    return None


def first_name(name: str) -> bool:
    """A common first name alone ("Owen proposed…"), which the recogniser may not tag."""
    word = name.casefold()
    return word in FEMALE_NAMES or word in MALE_NAMES


def name_of(token: Token) -> str | None:
    """The proper name a token heads: "Leo", "Aunt May", without chat noise."""
    words = [t for t in token.subtree if t.pos_ == "PROPN" and t.dep_ in ("compound", "flat")]
    words.append(token)
    words.sort(key=lambda t: t.i)
    kept = [t.text for t in words if t.lower_ not in NOT_NAMES and t.lower_ not in CHAT_WORDS]
    return " ".join(kept) or None


def owner_of(reader: WindowReader, message: WindowMessage, token: Token) -> Subject | None:
    """Whose a possessed noun is: "my" → the speaker, "your" → the person spoken to,
    "his"/"her" → the person meant, "Hannah's" → Hannah."""
    poss = next((c for c in token.children if c.dep_ == "poss"), None)
    if poss is None and token.head.i != token.i:  # "my flatmate Cian": "my" hangs on Cian
        poss = next((c for c in token.head.children if c.dep_ == "poss"), None)
    if poss is None:
        return None
    word = poss.lower_
    if word in ("my", "our"):
        key = reader.me(message)
        return None if key is None else Subject(key, FIRST_PERSON)
    if word in ("your", "ur"):
        key = reader.addressee(message)
        return None if key is None else Subject(key, SECOND_PERSON)
    if word in ("his", "her"):
        key = reader.pronoun_target("m" if word == "his" else "f")
        return None if key is None else Subject(key, VIA_PRONOUN)
    if poss.pos_ == "PROPN":
        return who(reader, message, poss)
    return None
