"""Statements from the dependency parse: who did, does or will do what, and when.

For every clause of a message (a verb with its subject, object and prepositional objects), in
the first, second or third person: "I've been restoring an old sailboat" (the speaker restoring:
old sailboat), "we got a parrot named Kiwi" (the speaker's pet: Kiwi), "my brother Leo moved to
Denver last spring" (Leo moved_to Denver, and lives_in Denver from then), "you still at the
hospital?" is a question and says nothing. The subject is resolved to the speaker ("I", "we"),
the person spoken to ("you"), the person a "he"/"she" means, a named person (a common first name
even when the recogniser missed it), or a kin word the window already tied to a name ("my
brother"). A person pronoun as the object of a verb that ties people ("he basically trained me",
"Owen proposed to me") is resolved the same way.

What is kept out: questions, negated clauses ("I never finished it"), modal and hypothetical ones
("I might move", "if I quit"), wishes and opinions (the light verbs of :mod:`.predicates`),
other pronoun objects and small talk ("it", "a lot", "fun"), and subjects that are not people.
A plan ("we're going to Lisbon next month") is kept, with its date in the future.

A named object becomes a relation to an entity whose type the verb tells ("play" → a game, a
product; "move to" → a place); any other object becomes a fact whose value is the object's
noun phrase without its determiner ("old sailboat").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from app.domain.models import WindowMessage
from app.extract.local.gazetteer import is_major_place
from app.extract.local.lexicon import CHAT_WORDS, NOT_NAMES, PETS
from app.extract.local.predicates import (
    ABSTRACT_OBJECTS,
    CANONICAL,
    CONTENT_WITH_OBJECT,
    ENDS_STATE,
    FUTURE_CUES,
    LIGHT_VERBS,
    MODALS,
    OBJECT_KINDS,
    OBJECT_TYPES,
    PERSON_VERBS,
    STARTS_STATE,
    STATE_PREDICATES,
    WRAPPER_VERBS,
)
from app.extract.local.subjects import Subject, co_subjects, first_name, name_of, subject_of
from app.extract.local.template import clean_entity_name
from app.extract.local.when import Tense, resolve

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from app.extract.local.reader import WindowReader

__all__ = [
    "BELIEFS",
    "CLAUSE_DEPS",
    "blocked",
    "clause_tense",
    "date_of",
    "is_question",
    "noun_value",
    "read_clauses",
]

# A clause under these says what someone thinks, not what is: "I think she moved to Leeds".
BELIEFS: Final = frozenset(
    {"think", "believe", "guess", "suppose", "pretend", "wish", "hope", "doubt", "wonder",
     "imagine", "dream", "bet", "reckon", "assume", "feel", "want", "joke"}
)  # fmt: skip
CLAUSE_DEPS: Final = frozenset({"ROOT", "conj", "ccomp", "advcl", "parataxis"})
_NAMED: Final = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "NORP"}
)
_NER_TYPES: Final = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "WORK_OF_ART": "product",
    "PRODUCT": "product",
    "EVENT": "event",
}
_VALUE_DEPS: Final = frozenset({"compound", "amod", "nummod", "nmod", "poss", "quantmod"})
_PREPS: Final = frozenset({"to", "at", "in", "for", "with", "from", "on", "into", "about"})
_MAX_VALUE_WORDS: Final = 5
_NER_STRENGTH: Final = 0.5  # an entity typed by the recogniser alone
_VERB_TYPE: Final = 0.75  # "plays Elden Ring": the verb knows its object's type
VIA_PRONOUN_OBJECT: Final = 0.75  # "he trained me": who "me" and "he" are is read, not said
_TIME_WORDS: Final = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|tmrw|ago|last|next|this|since|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|week|month|year)\b",
    re.IGNORECASE,
)


def read_clauses(reader: WindowReader, message: WindowMessage, doc: Doc) -> None:
    """Record the statements of one parsed message through ``reader``."""
    for sent in doc.sents:
        _type_objects(reader, sent)
        if is_question(sent):
            continue
        for verb in sent:
            if verb.pos_ in ("VERB", "AUX") and verb.dep_ in CLAUSE_DEPS:
                _clause(reader, message, verb)


def _type_objects(reader: WindowReader, sent: Span) -> None:
    """What a verb says its named object is, whoever the subject and even in a question: "a
    guy who plays Elden Ring" (a game), "are you still reading Lonesome Dove?" (a book). Only
    names the recogniser alone typed are retyped; a name that starts with a common first name
    ("are you visiting Maya Patel?") is left alone."""
    for verb in sent:
        if verb.pos_ != "VERB":
            continue
        lemma = verb.lemma_.casefold()
        objects = [(lemma, c) for c in verb.children if c.dep_ == "dobj"]
        objects += [
            (f"{lemma}_{prep.lower_}", pobj)
            for prep in verb.children
            if prep.dep_ == "prep"
            for pobj in prep.children
            if pobj.dep_ == "pobj"
        ]
        for predicate, obj in objects:
            name = name_of(obj) if obj.pos_ == "PROPN" else None
            type_ = _object_type(CANONICAL.get(predicate, predicate), name or "")
            if type_ in (None, "person") or name is None or first_name(name.split()[0]):
                continue  # "are you visiting Maya Patel?": someone, whatever the verb
            key = reader.known(name)
            if key is not None and reader.b.strength_of(key) <= _NER_STRENGTH:
                reader.b.retype(key, type_, _VERB_TYPE)


def is_question(sent: Span) -> bool:
    text = sent.text.rstrip()
    return text.endswith("?") or (len(sent) > 0 and sent[0].lower_ in ("do", "does", "did"))


def _clause(reader: WindowReader, message: WindowMessage, verb: Token) -> None:
    if blocked(verb):
        return
    inner = _inner_verb(verb)
    if inner is not verb and blocked(inner):
        return
    first = subject_of(reader, message, verb)
    if first is None:
        return
    for subject in [first, *co_subjects(reader, message, verb)]:
        _say(reader, message, verb, inner, subject)


def _say(
    reader: WindowReader, message: WindowMessage, verb: Token, inner: Token, subject: Subject
) -> None:
    tense = clause_tense(verb, inner)
    lemma = inner.lemma_.casefold()
    particle = next((c.lower_ for c in inner.children if c.dep_ == "prt"), None)
    base = f"{lemma}_{particle}" if particle else lemma
    date = date_of(verb, message, tense) or (
        date_of(inner, message, tense) if inner is not verb else None
    )
    used_to = verb.lemma_ == "use" and inner is not verb
    if tense == "future":
        base = f"plans_to_{base}"
    obj = next((c for c in inner.children if c.dep_ in ("dobj", "attr", "oprd")), None)
    light = lemma in LIGHT_VERBS and lemma not in CONTENT_WITH_OBJECT
    if obj is not None and not light and lemma != "be":
        _statement(reader, message, subject, base, obj, date, tense, used_to=used_to)
    ties = lemma in PERSON_VERBS and not used_to  # "I used to date him": no tie that holds
    if obj is not None and ties:
        _to_person(reader, message, subject, base, obj, date)
    for prep in (c for c in inner.children if c.dep_ in ("prep", "dative")):
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is None or prep.lower_ not in _PREPS:
            continue
        if ties and _to_person(reader, message, subject, f"{base}_{prep.lower_}", pobj, date):
            continue
        if _is_date(pobj):
            continue
        if lemma in LIGHT_VERBS and lemma not in CONTENT_WITH_OBJECT:
            continue
        if lemma == "be" or (obj is not None and prep.lower_ not in ("to", "at", "for")):
            continue
        _statement(
            reader, message, subject, f"{base}_{prep.lower_}", pobj, date, tense, used_to=used_to
        )
    if obj is None and inner is not verb and inner.tag_ == "VBG" and verb.lemma_ == "go":
        # "went hiking", "going skiing next week"
        reader.b.fact(
            subject.key, "went", inner.lower_, confidence=subject.confidence,
            message_id=message.id, event_date=date,
        )  # fmt: skip


def _to_person(
    reader: WindowReader,
    message: WindowMessage,
    subject: Subject,
    predicate: str,
    pronoun: Token,
    date: str | None,
) -> bool:
    """ "he basically trained me" → he trained the speaker; "Owen proposed to me" → Owen
    proposed to the speaker. True when the object was a person pronoun that was resolved."""
    word = pronoun.lower_
    if word in ("me", "us"):
        key = reader.me(message)
    elif word == "you":
        key = reader.addressee(message)
    elif word in ("him", "her"):
        key = reader.pronoun_target("m" if word == "him" else "f")
    else:
        return False
    if key is None or key == subject.key or reader.b.type_of(key) != "person":
        return False
    label = CANONICAL.get(predicate, predicate)
    state = label in STATE_PREDICATES  # "she's dating him": from then on, not on that day
    reader.b.relation(
        subject.key, label, key, confidence=min(subject.confidence, VIA_PRONOUN_OBJECT),
        message_id=message.id, valid_from=date if state else None,
        event_date=None if state else date,
    )  # fmt: skip
    return True


def blocked(verb: Token) -> bool:
    """Negated, modal, hypothetical, believed or imperative clauses say nothing that holds."""
    if verb.dep_ == "ccomp" and verb.head.lemma_ in BELIEFS:
        return True
    for c in verb.children:
        if c.dep_ == "neg" or c.lower_ in ("never", "not", "n't", "nt"):
            return True
        if c.dep_ == "aux" and c.lower_ in MODALS:
            return True
        if c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether", "when", "once"):
            return True
    return verb.tag_ == "VB" and not any(c.dep_ in ("nsubj", "aux") for c in verb.children)


def _inner_verb(verb: Token) -> Token:
    """ "started learning Italian" → learning; "going to visit Lisbon" → visit."""
    if verb.lemma_ in WRAPPER_VERBS:
        for c in verb.children:
            if c.dep_ == "xcomp" and c.pos_ == "VERB":
                return c
    return verb


def clause_tense(verb: Token, inner: Token) -> Tense:
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxes & FUTURE_CUES or (verb.lemma_ == "go" and inner is not verb and verb.tag_ == "VBG"):
        return "future"
    if verb.tag_ in ("VBD", "VBN") or auxes & {"did", "had", "have", "'ve", "has"}:
        return "past"
    if verb.tag_ == "VBG" and any(c.lower_ in ("next", "tomorrow", "tmrw") for c in verb.subtree):
        return "future"
    return "present"


def date_of(verb: Token, message: WindowMessage, tense: Tense) -> str | None:
    """The date phrase attached to this clause (not to a nested one), resolved."""
    if message.timestamp is None:
        return None
    for phrase in date_phrases(verb):
        found = resolve(phrase, message.timestamp.date(), tense)
        if found is not None:
            return found
    return None


def date_phrases(verb: Token) -> Iterator[str]:
    """The phrases of this clause (not of a nested one) that say a date or a time of day."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "ccomp", "conj", "advcl", "relcl", "xcomp", "dobj"):
            continue
        text = " ".join(t.text for t in child.subtree)
        if any(t.ent_type_ == "DATE" for t in child.subtree) or _TIME_WORDS.search(text):
            yield text


def _is_date(token: Token) -> bool:
    return token.ent_type_ in ("DATE", "TIME") or token.lower_ in ABSTRACT_OBJECTS


def _statement(
    reader: WindowReader,
    message: WindowMessage,
    subject: Subject,
    predicate: str,
    obj: Token,
    date: str | None,
    tense: Tense,
    *,
    used_to: bool,
) -> None:
    label = CANONICAL.get(predicate, predicate)
    if _is_date(obj) or obj.pos_ not in ("NOUN", "PROPN"):
        return
    said = message.timestamp.date().isoformat()[:7] if message.timestamp else None
    valid_from = valid_to = event_date = None
    if label in STATE_PREDICATES:
        valid_from = date if tense != "future" else None
        valid_to = said if used_to else None
    else:
        event_date = date
    pet_name = _named_after(obj)
    if pet_name is not None and obj.lemma_.casefold() in PETS:
        taken = reader.b.find(pet_name)
        if taken is not None and reader.b.strength_of(taken) <= _NER_STRENGTH:
            reader.b.discard(taken)
        reader.b.fact(
            subject.key, "pet", pet_name, confidence=subject.confidence, message_id=message.id,
            valid_from=event_date if label in ("got", "adopted") else None,
        )  # fmt: skip
        return
    target = _named_entity(reader, message, obj, label)
    if target is not None:
        reader.b.relation(
            subject.key, label, target, confidence=subject.confidence, message_id=message.id,
            valid_from=valid_from, valid_to=valid_to, event_date=event_date,
        )  # fmt: skip
        if (kind := OBJECT_KINDS.get(label)) is not None:
            reader.b.fact(target, "category", kind, confidence=0.6, message_id=message.id)
        if (state := STARTS_STATE.get(label)) is not None:
            reader.b.relation(
                subject.key, state, target, confidence=subject.confidence - 0.05,
                message_id=message.id, valid_from=date,
            )  # fmt: skip
        elif (state := ENDS_STATE.get(label)) and reader.b.type_of(target) == "organization":
            reader.b.relation(
                subject.key, state, target, confidence=subject.confidence - 0.1,
                message_id=message.id, valid_to=date or said,
            )  # fmt: skip
        return
    value = noun_value(obj)
    if value is None:
        return
    reader.b.fact(
        subject.key, label, value, confidence=subject.confidence - 0.1, message_id=message.id,
        valid_from=valid_from, valid_to=valid_to, event_date=event_date,
    )  # fmt: skip


def say_named(
    reader: WindowReader, message: WindowMessage, subject: Subject, verb: str, name: str
) -> None:
    """The subject does ``verb`` to the thing called ``name``, which that verb types ("reads"
    "Lessons in Chemistry", a book): an answer to "what are you reading?"."""
    label = CANONICAL.get(verb, verb)
    type_ = _object_type(label, name)
    if type_ is None:
        return
    target = reader.known(name)
    if target is not None and reader.b.type_of(target) in ("person", "animal", "place"):
        return  # "Mum", "Mia": someone the window knows, not a title
    if target is None:
        if (clean := clean_entity_name(name, "WORK_OF_ART")) is None:
            return
        target = reader.b.entity(clean, type_, strength=_VERB_TYPE, message_id=message.id)
    reader.b.cite(target, message.id)
    reader.b.relation(
        subject.key, label, target, confidence=subject.confidence, message_id=message.id
    )
    if (kind := OBJECT_KINDS.get(label)) is not None:
        reader.b.fact(target, "category", kind, confidence=0.6, message_id=message.id)


def _named_after(obj: Token) -> str | None:
    """ "a parrot named Kiwi" → Kiwi."""
    for acl in obj.children:
        if acl.dep_ == "acl" and acl.lemma_ in ("name", "call"):
            for c in acl.children:
                if c.dep_ in ("oprd", "attr", "dobj", "xcomp") and c.pos_ in ("PROPN", "NOUN"):
                    return name_of(c) if c.pos_ == "PROPN" else c.text.title()
    return None


def _named_entity(
    reader: WindowReader, message: WindowMessage, obj: Token, label: str
) -> str | None:
    """The entity a named object stands for, typed by the verb where it tells."""
    capitalised = obj.text[:1].isupper() and obj.i != obj.sent.start  # "rewatching The Office"
    if obj.pos_ != "PROPN" and obj.ent_type_ not in _NAMED and not capitalised:
        return None
    if obj.ent_type_ in ("NORP", "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT"):
        return None
    start = min(t.i for t in obj.subtree if t.dep_ not in ("det", "poss", "case", "prep"))
    tokens = [t for t in obj.doc[start : obj.i + 1] if t.dep_ not in ("det", "poss", "case")]
    name = " ".join(t.text for t in tokens if t.lower_ not in NOT_NAMES).strip()
    if not name or not name[0].isupper():
        return None
    known = reader.known(name)
    if known is not None:
        reader.b.cite(known, message.id)
        type_ = _object_type(label, name)
        weak = reader.b.strength_of(known) <= _NER_STRENGTH
        if type_ is not None and (weak or reader.b.type_of(known) != "person"):
            reader.b.retype(known, type_, 0.75)
        return known
    type_ = _object_type(label, name) or _NER_TYPES.get(obj.ent_type_)
    if type_ is None:
        return None
    return reader.name_key(name, message, type_, 0.75)


def _object_type(label: str, name: str) -> str | None:
    """What the verb says its object is; one left may be a company or a city ("leaving
    Dallas"), and a city of ``MAJOR_CITY`` people, a country or a state is the place."""
    type_ = OBJECT_TYPES.get(label)
    if label == "left" and is_major_place(name) and not first_name(name.split()[0]):
        return "place"  # "I left Charlotte": someone, maybe
    return type_


def noun_value(obj: Token) -> str | None:
    """The object's noun phrase without determiners, possessives and relative clauses."""
    if obj.lower_ in ABSTRACT_OBJECTS or obj.lemma_.casefold() in ABSTRACT_OBJECTS:
        return None
    words = [
        t
        for t in obj.subtree
        if t.i <= obj.i and (t is obj or t.dep_ in _VALUE_DEPS) and t.pos_ != "PRON"
    ]
    words = [
        t
        for t in words
        if t.dep_ != "poss" and t.lower_ not in ("'s", "s") and t.lower_ not in CHAT_WORDS
    ]
    tail = [t for t in obj.children if t.dep_ == "prep" and t.lower_ == "of"]
    for prep in tail[:1]:
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is not None and pobj.lower_ not in ABSTRACT_OBJECTS:
            words += [prep, *[t for t in pobj.subtree if t.i <= pobj.i and t.dep_ != "det"]]
    text = " ".join(t.text for t in sorted(words, key=lambda t: t.i)[-_MAX_VALUE_WORDS:])
    text = text.strip(" -'\"")
    return text if len(text) > 1 else None
