"""A pet's name from the message that speaks of it: "I'm on the couch with Chutney … my dog is
snoring" → the speaker's pet is Chutney, not a dog with no name and a product called Chutney.

People name their pets once and then write the name bare. When a message says, not asking,
"my dog" (the statement rules keep ``pet: dog``), or speaks of dogs in the first person with no
owner said (the speaker's, then), and the only one-word name in it, speakers and gazetteer
places aside, is one that only the recogniser typed, not as an organisation, and that is no
common first name, that name is the pet: the fact becomes ``pet: Chutney`` (the name may be one
an earlier message of the window made known), and the gazetteer pass makes Chutney an animal.
A sentence in which the speaker gets a pet and something is "named" right after a pet word
("we're adopting a second cat. a little grey one named Falafel") gives the speaker that pet. A
second name ("Claire flew in with Hazel … that cat"), a name a rule typed, someone else's pet
("she showed me her cat named Mochi") or a question leaves the message as it was.

Across windows, ``app.domain.resolve.group_mentions`` keeps a pet an animal everywhere.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from app.domain.models import WindowMessage
from app.domain.normalize import normalize_name
from app.extract.local.gazetteer import is_known_place
from app.extract.local.lexicon import CHAT_WORDS, NOT_NAMES, PETS
from app.extract.local.names import FEMALE_NAMES, MALE_NAMES

if TYPE_CHECKING:
    from app.extract.local.reader import WindowReader

__all__ = ["name_pets"]

_WEAK: Final = 0.6  # the recogniser (0.5) or a weak pattern; a rule that knew is stronger
PET_NAME: Final = 0.7  # confidence of a pet's name read this way
_PET_NOUN: Final = "|".join(sorted(PETS | {"one"}, key=len, reverse=True))
_NAMED: Final = re.compile(rf"\b(?P<noun>(?i:{_PET_NOUN}))\s+named\s+(?P<name>[A-Z][a-z]+)\b")
_GETTING: Final = frozenset(
    {"adopt", "adopted", "adopting", "got", "get", "getting", "rescued", "rescuing", "bought"}
)
_THEIRS: Final = frozenset({"his", "her", "their", "your", "showed", "saw"})
_FIRST_PERSON: Final = frozenset({"i", "we", "my", "our", "us", "me"})


def _candidate(name: str, type_: str, strength: float) -> bool:
    norm = normalize_name(name)
    return (
        strength <= _WEAK
        and type_ not in ("animal", "organization")  # "my dog … inside Walmart" is no dog
        and " " not in norm
        and name[:1].isupper()
        and norm not in FEMALE_NAMES
        and norm not in MALE_NAMES
        and norm not in NOT_NAMES
        and norm not in CHAT_WORDS
        and norm not in PETS
    )


def _adopted(reader: WindowReader, message: WindowMessage) -> None:
    """ "we're adopting a second cat. a little grey one named Falafel" → the speaker's pet: a
    sentence that is no question, in which the speaker gets a pet ("we're adopting", "I got")
    and something is "named" right after a pet word or "one"; nobody else's pet is in it."""
    said = set(re.findall(r"[a-z']+", message.text.casefold()))
    if not said & _GETTING or not said & {"i", "we", "i'm", "we're", "i've", "we've"}:
        return
    for sentence in re.split(r"(?<=[.!?])\s+", message.text):
        named = _NAMED.search(sentence)
        words = set(re.findall(r"[a-z']+", sentence.casefold()))
        if named is None or sentence.rstrip().endswith("?") or words & _THEIRS:
            continue
        owner = reader.me(message)
        name = named["name"]
        if owner is None or normalize_name(name) in NOT_NAMES | CHAT_WORDS:
            continue
        if name in reader.pets.values():  # "my sister's dog is called Rex": the rules knew whose
            continue
        said = _pet_words(sentence) or _pet_words(message.text)
        species = min(said) if said else named["noun"].casefold()
        if species not in PETS:
            continue
        key = reader.b.entity(name, "animal", strength=PET_NAME, message_id=message.id)
        reader.b.retract_facts(owner, "pet", keep=name, only=species)
        reader.pets[(owner, species)] = name
        reader.b.fact(owner, "pet", name, confidence=PET_NAME, message_id=message.id)
        reader.b.fact(key, "species", species, confidence=PET_NAME, message_id=message.id)


def _pet_words(text: str) -> set[str]:
    words = set(re.findall(r"[a-z]+", text.casefold()))
    return {w for w in PETS if w in words or f"{w}s" in words}


def name_pets(reader: WindowReader, message: WindowMessage) -> None:
    """Give the message's unnamed pet the one bare name the message also says."""
    _adopted(reader, message)
    saying = [x for x in re.split(r"(?<=[.!?])\s+", message.text) if _pet_words(x)]
    if saying and all(x.rstrip().endswith("?") for x in saying):
        return  # "is my dog even allowed inside Walmart?" asks; "can I bring Biscuit? my dog…"
    unnamed = [
        (owner, value.casefold())
        for owner, value in reader.b.unnamed("pet", message.id)
        if value.casefold() in PETS and (owner, value.casefold()) not in reader.pets
    ]
    if len(unnamed) > 1:
        return
    if unnamed:
        owner, species = unnamed[0]
    else:  # "my building doesn't allow big dogs... Biscotti's been a secret for 2 years"
        said = sorted(_pet_words(message.text))
        me = reader.me(message)
        words = set(re.findall(r"[a-z]+", message.text.casefold()))
        if len(said) != 1 or me is None or not words & _FIRST_PERSON or words & _THEIRS:
            return  # "my coworker showed me her cat named Mochi": hers
        if (me, said[0]) in reader.pets:
            return
        owner, species = me, said[0]
    speakers = {normalize_name(label) for label in reader.speakers}
    named = [  # every one-word name in the message but its speakers' and places'
        (key, name, type_, strength)
        for key, name, type_, strength in reader.b.typed()
        if key != owner
        and " " not in name.strip()
        and normalize_name(name) not in speakers
        and not is_known_place(name)
        and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", message.text)
    ]
    if len(named) != 1 or not _candidate(*named[0][1:]):
        return
    where = (
        rf"\b(?i:at|in|inside|into|from|to|near|outside)\s+(?:the\s+)?{re.escape(named[0][1])}\b"
    )
    if re.search(where, message.text):
        return  # "tacos at Chipotle … my dog begged": a place, not the dog
    key, name = named[0][:2]
    reader.b.retract_facts(owner, "pet", keep=name, only=species)
    reader.pets[(owner, species)] = name
    reader.b.fact(owner, "pet", name, confidence=PET_NAME, message_id=message.id)
    reader.b.cite(key, message.id)
    reader.b.fact(key, "species", species, confidence=PET_NAME, message_id=message.id)
