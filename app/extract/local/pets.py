"""A pet's name from the message that speaks of it: "I'm on the couch with Chutney … my dog is
snoring" → the speaker's pet is Chutney, not a dog with no name and a product called Chutney.

People name their pets once and then write the name bare. When a message says "my dog" (the
statement rules keep ``pet: dog``), or speaks of dogs in the first person with no owner said
(the speaker's, then), and the only one-word name in it, speakers and gazetteer places aside, is
one that only the recogniser typed and that is no common first name, that name is the pet: the
fact becomes ``pet: Chutney`` (the name may be one an earlier message of the window made known),
and the gazetteer pass makes Chutney an animal. A first-person message that speaks of a pet and
of something "named Falafel" gives the speaker that pet. A second name ("Claire flew in with
Hazel … that cat"), or a name a rule typed, leaves the message as it was.

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
_NAMED: Final = re.compile(r"\b(?:named|called)\s+([A-Z][a-z]+)\b")
_FIRST_PERSON: Final = frozenset({"i", "we", "my", "our", "us", "me"})


def _candidate(name: str, type_: str, strength: float) -> bool:
    norm = normalize_name(name)
    return (
        strength <= _WEAK
        and type_ != "animal"
        and " " not in norm
        and name[:1].isupper()
        and norm not in FEMALE_NAMES
        and norm not in MALE_NAMES
        and norm not in NOT_NAMES
        and norm not in CHAT_WORDS
        and norm not in PETS
    )


def _adopted(reader: WindowReader, message: WindowMessage) -> None:
    """ "we're adopting a second cat. a little grey one named Falafel" → the speaker's pet."""
    words = set(re.findall(r"[a-z]+", message.text.casefold()))
    named = _NAMED.search(message.text)
    if named is None or not words & _FIRST_PERSON or not words & PETS:
        return
    owner = reader.me(message)
    name = named.group(1)
    if owner is None or normalize_name(name) in NOT_NAMES | CHAT_WORDS:
        return
    if name in reader.pets.values():  # "my sister's dog is called Rex": the rules knew whose
        return
    species = next(w for w in sorted(words & PETS))
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
        first_person = set(re.findall(r"[a-z]+", message.text.casefold())) & _FIRST_PERSON
        if len(said) != 1 or me is None or not first_person or (me, said[0]) in reader.pets:
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
    key, name = named[0][:2]
    reader.b.retract_facts(owner, "pet", keep=name, only=species)
    reader.pets[(owner, species)] = name
    reader.b.fact(owner, "pet", name, confidence=PET_NAME, message_id=message.id)
    reader.b.cite(key, message.id)
    reader.b.fact(key, "species", species, confidence=PET_NAME, message_id=message.id)
