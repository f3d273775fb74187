"""Dated milestones that name no object: "I start on 2 April", "moved in on the 20th", "started
Monday, got my badge", "my last day at Riverbend was last Friday".

The clause reader keeps a statement only with an object ("moved to Denver", "started a job");
people often leave it out because both speakers know it. A verb of a life event (start, begin,
graduate, retire, arrive, return, get back, move in or out, land) with a date of its own and no
object becomes the subject's ``event`` fact ("started 2 April 2024", "moved in 20 March 2024")
with that date: the graph then answers "when did she start?" from it (the date is in the value
too, so that two starts are two facts). "My first/last day (at X) was <date>" becomes
``first_day_at``/``last_day_at`` X with the date, or an ``event`` "last day 15 March 2024" when
no place of work is named. "Marcus proposed!!!" with no one proposed to is a proposal to the
speaker. "X was born <date>" is X's birthday ("my grandson was born Wednesday … His name is
Felix"). Questions, negations, modals and hypotheticals say nothing here either
(:func:`.clauses.blocked`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from app.domain.dates import spoken
from app.domain.models import WindowMessage
from app.extract.local.clauses import (
    CLAUSE_DEPS,
    blocked,
    clause_tense,
    date_of,
    date_phrases,
    is_question,
)
from app.extract.local.subjects import Subject, name_of, owner_of, subject_of
from app.extract.local.when import resolve

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from app.extract.local.reader import WindowReader

__all__ = ["read_milestones"]

#: Verb (with its particle) → how the event reads.
MILESTONES: Final = {
    "start": "started",
    "begin": "started",
    "graduate": "graduated",
    "retire": "retired",
    "arrive": "arrived",
    "return": "got back",
    "land": "landed",
    "get_back": "got back",
    "come_back": "got back",
    "fly_back": "got back",
    "move_in": "moved in",
    "move_out": "moved out",
}
_CONFIDENCE: Final = 0.1  # below the subject's: the object is left to the reader to supply
# A day a birth is told by, relative to the message: "born Wednesday", "born last night".
_BIRTH_DAY: Final = re.compile(
    r"^(?:on\s+)?(?:yesterday|today|last\s+night|this\s+morning|tonight|early\s+this\s+morning|"
    r"(?:last\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    re.IGNORECASE,
)
_YEAR: Final = re.compile(r"\b(?:19|20)\d\d\b")
_DAY_DEPS: Final = frozenset({"nsubj", "attr"})  # "my first day was…", "Monday was day one"
_PREGNANCY: Final = re.compile(
    r"\b(?:pregnan\w*|expecting|baby|babies|twins|scan|trimester|ultrasound|a (?:boy|girl))\b",
    re.IGNORECASE,
)
_BABIES: Final = frozenset({"baby", "babies", "twins", "it"})
_EXPECTING: Final = frozenset({"expecting", "pregnant"})
_IN_ON: Final = frozenset({"in", "on"})
_NO_SUBJECT: Final = 0.7  # chat drops the "I": "due in April!!"
_PARTICLES: Final = frozenset({"in", "out", "back"})
_MILESTONE_DEPS: Final = CLAUSE_DEPS | {"dep"}


def read_milestones(reader: WindowReader, message: WindowMessage, doc: Doc) -> None:
    for sent in doc.sents:
        if is_question(sent):
            continue
        for token in sent:
            if token.pos_ in ("VERB", "AUX") and token.dep_ in _MILESTONE_DEPS:
                _milestone(reader, message, token)
                if token.lemma_ == "propose":
                    _proposal(reader, message, token)
                elif token.lower_ == "born":
                    _birth(reader, message, token)
            elif token.lower_ == "due" and token.pos_ == "ADJ":
                _due(reader, message, token)
            elif token.lemma_ == "day" and token.dep_ in _DAY_DEPS and token.head.lemma_ == "be":
                _day(reader, message, token)


def _particle(verb: Token) -> str | None:
    """ "moved in", "got back": the parser calls the particle prt, RP or an adverb."""
    for c in verb.children:
        if c.dep_ == "prt" or c.tag_ == "RP" or (c.dep_ == "advmod" and c.lower_ in _PARTICLES):
            return c.lower_
    return None


def _milestone(reader: WindowReader, message: WindowMessage, verb: Token) -> None:
    particle = _particle(verb)
    event = MILESTONES.get(f"{verb.lemma_.casefold()}_{particle}" if particle else verb.lemma_)
    if event is None or blocked(verb) or any(c.dep_ == "dobj" for c in verb.children):
        return
    for prep in (c for c in verb.children if c.dep_ == "prep"):
        if any(c.dep_ == "pobj" and c.ent_type_ not in ("DATE", "TIME") for c in prep.children):
            return  # "started at Verdant on Monday": the clause reader's statement
    date = date_of(verb, message, clause_tense(verb, verb))
    if date is None:
        return
    subject = subject_of(reader, message, verb)
    if subject is None and verb.dep_ == "dep":  # "we've been here a month, moved in on the 20th"
        subject = subject_of(reader, message, verb.head)
    if subject is None:
        return
    value = f"{event} {spoken(date)}"  # the date in it too: two starts are two events, not one
    reader.b.fact(
        subject.key, "event", value, confidence=subject.confidence - _CONFIDENCE,
        message_id=message.id, event_date=date,
    )  # fmt: skip


def _due(reader: WindowReader, message: WindowMessage, due: Token) -> None:
    """ "his wife Adaeze is due in December", "She's expecting! A boy, due in August", "due in
    April!! … the 12 week scan": a baby due then, the mother's (or, where no one is named, the
    speaker's) ``event``. Only in a message that speaks of a pregnancy: a person is due in
    Berlin or in court, an essay or the rent is due too."""
    verb = due.head if due.dep_ == "acomp" else due
    if blocked(verb) or any(c.dep_ == "prep" and c.lower_ == "to" for c in due.children):
        return  # "due to the rain"
    preps = [p for t in (due, verb) for p in t.children if p.dep_ == "prep" and p.lower_ in _IN_ON]
    if not any(o.ent_type_ == "DATE" for p in preps for o in p.children if o.dep_ == "pobj"):
        return
    date = date_of(verb, message, "future")
    if date is None and verb is not due:
        date = date_of(due, message, "future")
    if date is None:
        return
    if _PREGNANCY.search(message.text) is None:
        return  # "Marco is due in Berlin on Monday", "my essay is due in April"
    nsubj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    mother: Subject | None = None
    if nsubj is not None and nsubj.lemma_.casefold() not in _BABIES:
        mother = subject_of(reader, message, verb)
        if mother is None or reader.b.type_of(mother.key) != "person":
            return
    elif (expecting := next((t for t in due.doc if t.lower_ in _EXPECTING), None)) is not None:
        # "She's expecting! A boy, due in August": the one expecting, or no one
        mother = subject_of(
            reader, message, expecting.head if expecting.pos_ == "ADJ" else expecting
        )
    else:  # "due in April!! … the 12 week scan": chat drops the "I"
        me = reader.me(message)
        mother = None if me is None else Subject(me, _NO_SUBJECT)
    if mother is None:
        return
    reader.b.fact(
        mother.key, "event", f"baby due {spoken(date)}", confidence=mother.confidence - _CONFIDENCE,
        message_id=message.id, event_date=date,
    )  # fmt: skip


def _birth(reader: WindowReader, message: WindowMessage, verb: Token) -> None:
    """ "my grandson was born Wednesday at 4:12", "Maeve was born last night": the subject's
    birthday, the day resolved against the message's ("born in 1990" is the rules')."""
    if blocked(verb) or not any(c.dep_ == "auxpass" for c in verb.children):
        return
    told = (_BIRTH_DAY.search(p) or _YEAR.search(p) for p in date_phrases(verb))
    if not any(told):
        return  # "born in March", "born on a Tuesday": the year or the day is not told
    date = date_of(verb, message, clause_tense(verb, verb))
    subject = subject_of(reader, message, verb)
    if date is None or subject is None or reader.b.type_of(subject.key) != "person":
        return
    reader.b.fact(
        subject.key, "birthday", date, confidence=subject.confidence - _CONFIDENCE,
        message_id=message.id, event_date=date,
    )  # fmt: skip


def _proposal(reader: WindowReader, message: WindowMessage, verb: Token) -> None:
    """ "Marcus proposed!!!" said by Sam: Marcus proposed to Sam (to whom else would one
    announce it?). Only a named subject, in a main clause with no object, no complement, no
    "to" and no other person named: "he proposed to Dana" is the clause reader's, "my brother
    proposed" is news of someone else's engagement."""
    if verb.dep_ not in ("ROOT", "conj", "parataxis") or blocked(verb):
        return  # "Dave proposed that we meet on Friday": a proposal of something else
    if any(c.dep_ in ("dobj", "prep", "dative", "ccomp", "xcomp") for c in verb.children):
        return
    nsubj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if nsubj is None or nsubj.pos_ != "PROPN":
        return  # "my brother proposed!!!": to his girlfriend, most likely
    doc = verb.doc
    others = [e for e in doc.ents if e.label_ == "PERSON" and not e.start <= nsubj.i < e.end]
    if others or any(t.lower_ == "to" for t in doc[verb.i + 1 :]):
        return  # "Leo proposed yesterday!!! to Mia"
    subject = subject_of(reader, message, verb)
    me = reader.me(message)
    if subject is None or me is None or subject.key == me:
        return
    if reader.b.type_of(subject.key) != "person":
        return
    reader.b.relation(
        subject.key, "propose_to", me, confidence=subject.confidence - _CONFIDENCE,
        message_id=message.id, event_date=date_of(verb, message, clause_tense(verb, verb)),
    )  # fmt: skip


def _workplace(reader: WindowReader, name: str) -> str | None:
    """The entity ``name`` is, or the one organisation of the window it is the first word of
    ("Verdant" for Verdant Labs)."""
    if not name:
        return None
    if (known := reader.known(name)) is not None:
        return known
    short = [
        key
        for key, full, type_, _ in reader.b.typed()
        if type_ == "organization" and full.split()[0] == name and " " in full
    ]
    return short[0] if len(short) == 1 else None


def _day(reader: WindowReader, message: WindowMessage, day: Token) -> None:
    """ "my last day at Tidewell was Friday the 17th", "first day was Monday", "Monday was day
    one at Verdant"."""
    which = next((c.lower_ for c in day.children if c.dep_ == "amod"), None)
    if any(c.dep_ == "nummod" and c.lower_ == "one" for c in day.children):
        which = "first"
    verb = day.head
    if which not in ("first", "last") or blocked(verb):
        return
    if any(c.dep_ == "det" for c in day.children) or any(t.lower_ == "of" for t in day.subtree):
        return  # "the last day of the festival was Sunday": nobody's
    if any(t.lower_ == "for" for t in verb.subtree):
        return  # "Monday was day one for Leo at daycare": someone else's
    if day.dep_ == "attr":  # "Monday was day one": the date is the subject
        when = next(
            (c for c in verb.children if c.dep_ in ("nsubj", "npadvmod") and c.ent_type_ == "DATE"),
            None,
        )
        date = None
        if when is not None and message.timestamp is not None:
            phrase = " ".join(t.text for t in when.subtree)
            date = resolve(phrase, message.timestamp.date(), clause_tense(verb, verb))
    else:
        date = date_of(verb, message, clause_tense(verb, verb))
    if date is None:
        return
    owner = owner_of(reader, message, day)
    if owner is None and not any(c.dep_ == "poss" for c in day.children):
        me = reader.me(message)  # chat drops the "my"
        owner = None if me is None else Subject(me, 0.8)
    if owner is None:
        return
    where = next(
        (p for prep in day.children if prep.dep_ == "prep" and prep.lower_ in ("at", "with")
         for p in prep.children if p.dep_ == "pobj"),
        None,
    )  # fmt: skip
    place = _workplace(reader, name_of(where) or "") if where is not None else None
    if place is not None and reader.b.type_of(place) == "person":
        place = None  # "my last day with Mia": no place of work
    if day.dep_ == "attr" and (where is None or where.pos_ != "PROPN"):
        return  # "Monday was day one at the gym": of a habit, not of a job
    confidence = owner.confidence - _CONFIDENCE
    if place is not None:
        reader.b.relation(
            owner.key, f"{which}_day_at", place, confidence=confidence, message_id=message.id,
            event_date=date,
        )  # fmt: skip
    else:
        reader.b.fact(
            owner.key, "event", f"{which} day {spoken(date)}", confidence=confidence,
            message_id=message.id, event_date=date,
        )  # fmt: skip
