"""What people are, and who is whose: copular statements and possessed nouns with a name.

- "she's been an ICU nurse for 5 years" → occupation: ICU nurse; "Gus is a tortoise" → Gus is an
  animal, species tortoise; "he's a retired firefighter" → occupation: retired firefighter.
  Anything else a person is said to be ("a huge nerd") is kept as ``is_a`` only when it is a
  noun phrase with no judgement in it.
- "my girlfriend Juno", "Hannah's mom Ruth", "my boss is a guy named Raymond", "our neighbour,
  Jordan," → a relation between the owner and the named person: kin labels as the kinship rules
  use them (``partner_of``, ``child_of``), work and social ties as ``reports_to``,
  ``colleague_of``, ``friend_of``, and any other tie as ``<noun>_of`` from the named person to
  the owner ("Dana therapist_of Sam").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from app.domain.models import WindowMessage
from app.extract.local.clauses import BELIEFS, CLAUSE_DEPS, blocked, is_question, noun_value
from app.extract.local.lexicon import CHAT_WORDS, KIN, OCCUPATIONS, PETS
from app.extract.local.subjects import Subject, first_name, name_of, owner_of, subject_of, who
from app.extract.local.values import without_passing

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from app.extract.local.reader import WindowReader

__all__ = ["read_descriptions"]

# Ties named by a possessed noun: label, and whether the owner is the relation's source.
TIES: Final[dict[str, tuple[str, bool]]] = {
    **dict.fromkeys(["boss", "manager", "supervisor", "line manager"], ("reports_to", True)),
    **dict.fromkeys(["coworker", "co-worker", "colleague", "workmate"], ("colleague_of", True)),
    **dict.fromkeys(["friend", "buddy", "bestie", "bff", "pal", "mate"], ("friend_of", True)),
    **dict.fromkeys(["roommate", "flatmate", "housemate"], ("roommate_of", True)),
    **dict.fromkeys(["neighbor", "neighbour"], ("neighbor_of", True)),
    **dict.fromkeys(
        ["teacher", "coach", "doctor", "therapist", "mentor", "landlord", "trainer", "tutor",
         "student", "client", "assistant", "intern", "ex", "vet", "dentist", "surgeon"],
        ("", False),
    ),
}  # fmt: skip
_JUDGEMENTS: Final = frozenset(
    {
        "mess", "nightmare", "joke", "dream", "legend", "genius", "hero", "saint", "baby",
        "idiot", "pain", "vibe", "disaster", "mood", "menace", "gem", "treasure", "angel",
        "monster", "beast", "champ", "queen", "king", "icon", "lifesaver", "fan", "person",
        "guy", "girl", "one", "thing", "lot", "bit", "kind", "type", "fool", "liar", "nerd",
    }
)  # fmt: skip


_NEW: Final = frozenset({"new", "first", "former", "current", "old", "future"})


def read_descriptions(reader: WindowReader, message: WindowMessage, doc: Doc) -> None:
    for sent in doc.sents:
        if is_question(sent):
            continue
        for token in sent:
            if token.lemma_ == "be" and token.dep_ in CLAUSE_DEPS and not blocked(token):
                if token.dep_ == "ccomp" and token.head.lemma_ in BELIEFS:
                    continue  # "he thinks he's a professional event planner"
                _copula(reader, message, token)
            elif token.dep_ == "prep" and token.lower_ == "as":
                _working_as(reader, message, token)
            elif token.pos_ == "NOUN" and token.dep_ in ("amod", "compound"):
                if token.head.pos_ == "PROPN" and token.i == token.head.i - 1:
                    _possessed(reader, message, token, token.head)  # "my flatmate Cian"
            elif token.pos_ == "NOUN" and token.dep_ != "attr":
                _possessed(reader, message, token, _named_in(token))


def _named_in(noun: Token) -> Token | None:
    """The name a noun carries: "my girlfriend Juno", "a guy named Raymond", "Jordan Mills, my
    manager"."""
    head = noun.head
    if noun.dep_ == "appos" and head.pos_ == "PROPN" and head.i < noun.i:
        return head if head.ent_type_ == "PERSON" or first_name(head.text) else None
    for c in noun.children:
        if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i == noun.i + 1:
            return c
        if c.dep_ == "acl" and c.lemma_ in ("name", "call"):
            found = next((x for x in c.children if x.dep_ in ("oprd", "attr", "dobj")), None)
            if found is not None and found.pos_ == "PROPN":
                return found
    return None


def _copula(reader: WindowReader, message: WindowMessage, be: Token) -> None:
    nsubj = next((c for c in be.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    attr = next((c for c in be.children if c.dep_ == "attr"), None)
    if attr is not None and attr.lower_ in CHAT_WORDS:  # "Gus is a tortoise btw"
        attr = next((c for c in attr.children if c.dep_ == "compound"), None)
    if nsubj is None or attr is None:
        return
    if nsubj.pos_ == "NOUN":  # "my boss is a guy named Raymond", "my sister is Gia"
        named = attr if attr.pos_ == "PROPN" else _named_in(attr)
        if named is not None:
            _possessed(reader, message, nsubj, named)
        return
    if attr.pos_ != "NOUN":
        return
    subject = who(reader, message, nsubj)
    if subject is None:
        return
    species = attr.lemma_.casefold()
    if species in PETS and nsubj.pos_ == "PROPN":  # "Gus is a tortoise"
        if reader.b.strength_of(subject.key) < 1.0:
            reader.b.retype(subject.key, "animal", 0.85)
            reader.b.fact(subject.key, "species", species, confidence=0.8, message_id=message.id)
        return
    if reader.b.type_of(subject.key) != "person":
        return
    if not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in attr.children):
        return  # "the backend lead", "incident commander", "my rock": a role, or a judgement
    value = noun_value(attr)
    if value is None or attr.lemma_.casefold() in _JUDGEMENTS:
        return
    value = without_passing(value)
    words = value.casefold().split()
    while len(words) > 1 and words[0] in _NEW:  # "a new nurse" is a nurse (as before)
        words, value = words[1:], value.split(" ", 1)[1]
    field = "occupation" if words[-1] in OCCUPATIONS or value.casefold() in OCCUPATIONS else "is_a"
    reader.b.fact(
        subject.key, field, value, confidence=subject.confidence - 0.05, message_id=message.id
    )


def _working_as(reader: WindowReader, message: WindowMessage, prep: Token) -> None:
    """ "I worked as a vet tech", "six years as a vet tech and I've…" → occupation."""
    role = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if role is None or not any(c.lower_ in ("a", "an") for c in role.children):
        return
    value = noun_value(role)
    if value is None or value.casefold().split()[-1] not in OCCUPATIONS:
        return
    verb = next((a for a in prep.ancestors if a.pos_ in ("VERB", "AUX")), None)
    subject = subject_of(reader, message, verb) if verb is not None else None
    if subject is None and any(t.lower_ in ("i", "i've", "my") for t in prep.sent):
        me = reader.me(message)
        subject = None if me is None else Subject(me, 0.7)
    if subject is not None and reader.b.type_of(subject.key) == "person":
        reader.b.fact(
            subject.key, "occupation", value, confidence=subject.confidence - 0.1,
            message_id=message.id,
        )  # fmt: skip


def _possessed(
    reader: WindowReader, message: WindowMessage, noun: Token, named: Token | None
) -> None:
    if named is None:
        return
    word = noun.lower_
    after = [t.lower_ for t in noun.doc[noun.i + 1 : noun.i + 5] if t.text not in ("-", "\u2013")]
    if after[:2] == ["in", "law"]:
        word += "-in-law"  # "my mother-in-law" (or "mother in law") is no mother
    kin = KIN.get(word)
    tie = TIES.get(word)
    if kin is None and tie is None:
        return
    owner = owner_of(reader, message, noun)
    name = name_of(named)
    if owner is None or name is None:
        return
    if kin is not None and (owner.key, word) in reader.kin:
        known = reader.kin[(owner.key, word)]  # the kinship rules read it already…
        if reader.b.is_placeholder(known):  # …but without the name: "Jordan Mills, my manager"
            reader.b.name_placeholder(known, name, message.id)
        return
    target = reader.known(name)
    if target is None:
        target = reader.name_key(name, message, "person", 0.8)
    if target is None or target == owner.key or reader.b.type_of(target) != "person":
        return
    _tie(reader, message, owner, word, target, kin, tie)


def _tie(
    reader: WindowReader,
    message: WindowMessage,
    owner: Subject,
    word: str,
    target: str,
    kin: tuple[str, str] | None,
    tie: tuple[str, bool] | None,
) -> None:
    confidence = owner.confidence - 0.05
    if kin is not None:
        label, gender = kin
        if gender:
            reader.b.set_gender(target, gender)
        reader.b.relation(owner.key, label, target, confidence=confidence, message_id=message.id)
        reader.kin[(owner.key, word)] = target
        return
    assert tie is not None
    label, owner_first = tie
    if not label:
        reader.b.relation(
            target, f"{word}_of", owner.key, confidence=confidence, message_id=message.id
        )
    elif owner_first:
        reader.b.relation(owner.key, label, target, confidence=confidence, message_id=message.id)
