"""Accumulates what the rules find in one window and turns it into an :class:`Extraction`.

Entities are keyed by normalised name, so a name seen twice is one entity citing both messages.
Types compete by strength: a rule that knows its object is a place outranks the recogniser.
On build, a first name alone ("Ana") becomes an alias of the one full name that starts with it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from app.domain.models import EntityMention, Extraction, FactMention, RelationMention
from app.domain.normalize import normalize_name
from app.extract.local.lexicon import (
    FEMALE_TITLES,
    MALE_TITLES,
    TITLES,
)
from app.extract.local.names import FEMALE_NAMES, MALE_NAMES
from app.extract.local.when import Validity

__all__ = ["Builder"]

# Fields with one value at a time: a correction replaces earlier values in the same window.
SINGLE_VALUED = frozenset({"age", "birthday", "lives_in", "from", "occupation", "diet", "email"})


@dataclass
class _Entity:
    name: str
    type: str
    strength: float
    votes: dict[str, tuple[float, int]] = field(default_factory=dict)  # type → (best, count)
    aliases: list[str] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    gender: str = ""
    merged_into: str | None = None
    placeholder: bool = False  # someone unnamed ("James's mum"), dropped unless named later


@dataclass
class _Fact:
    entity: str
    field: str
    value: str
    confidence: float
    message_ids: list[str]
    when: Validity = dataclasses.field(default_factory=Validity)


@dataclass
class _Relation:
    source: str
    label: str
    target: str
    confidence: float
    message_ids: list[str]
    when: Validity = dataclasses.field(default_factory=Validity)


def _cite(ids: list[str], message_id: str) -> None:
    if message_id not in ids:
        ids.append(message_id)


def _vote(entity: _Entity, type_: str, strength: float) -> None:
    """The strongest source of a type wins; among equals (the recogniser, mention after
    mention), the most frequent type."""
    best, count = entity.votes.get(type_, (0.0, 0))
    entity.votes[type_] = (max(best, strength), count + 1)
    entity.type = max(entity.votes, key=lambda t: entity.votes[t])
    entity.strength = entity.votes[entity.type][0]


def split_title(name: str) -> tuple[str, str]:
    """``"Dr. Ana Silva"`` → ``("Ana Silva", "Dr. Ana Silva")``; no title → ``(name, "")``."""
    words = name.split()
    if len(words) > 1 and normalize_name(words[0]) in TITLES:
        return " ".join(words[1:]), name
    return name, ""


class Builder:
    def __init__(self) -> None:
        self._entities: dict[str, _Entity] = {}
        self._by_name: dict[str, str] = {}
        self._facts: dict[tuple[str, str, str], _Fact] = {}
        self._relations: dict[tuple[str, str, str], _Relation] = {}

    def entity(
        self, name: str, type_: str, *, strength: float, message_id: str | None, gender: str = ""
    ) -> str:
        """The key of the entity called ``name``, created if new. ``message_id=None`` adds no
        citation (a speaker known only by name)."""
        bare, titled = split_title(name)
        norm = normalize_name(bare)
        key = self._by_name.get(norm)
        if key is None:
            key = f"e{len(self._entities) + 1}"
            self._entities[key] = _Entity(bare, type_, 0.0)
            self._by_name[norm] = key
            if type_ == "person" and not gender and norm:
                first = norm.split()[0]
                gender = "f" if first in FEMALE_NAMES else "m" if first in MALE_NAMES else ""
        entity = self._entities[key]
        if titled and titled not in entity.aliases:
            entity.aliases.append(titled)
            title = normalize_name(titled.split()[0])
            if not gender:
                gender = "f" if title in FEMALE_TITLES else "m" if title in MALE_TITLES else ""
        _vote(entity, type_, strength)
        if gender and not entity.gender:
            entity.gender = gender
        if message_id is not None:
            _cite(entity.message_ids, message_id)
        return key

    def placeholder(self, label: str, *, gender: str) -> str:
        key = f"e{len(self._entities) + 1}"
        self._entities[key] = _Entity(label, "person", 1.0, gender=gender, placeholder=True)
        self._entities[key].votes["person"] = (1.0, 1)
        return key

    def is_placeholder(self, key: str) -> bool:
        return self._entities[key].placeholder

    def name_placeholder(self, key: str, name: str, message_id: str) -> None:
        """The unnamed person is ``name``: merged into that entity if it exists."""
        entity = self._entities[key]
        existing = self.find(name)
        entity.name, entity.placeholder = split_title(name)[0], False
        _cite(entity.message_ids, message_id)
        if existing is not None and existing != key:
            self._merge(key, existing)
            self._redirect(key, existing)
        else:
            self._by_name[normalize_name(entity.name)] = key

    def _redirect(self, old: str, new: str) -> None:
        """Point facts and relations recorded under ``old`` at ``new``."""
        for slot, f in list(self._facts.items()):
            if f.entity == old:
                del self._facts[slot]
                f.entity = new
                self._facts[(new, *slot[1:])] = f
        for slot, r in list(self._relations.items()):
            if old in (r.source, r.target):
                del self._relations[slot]
                r.source = new if r.source == old else r.source
                r.target = new if r.target == old else r.target
                if r.source != r.target:
                    self._relations[(r.source, r.label, r.target)] = r

    def swap(self, old: str, new: str, message_id: str) -> bool:
        """A correction: relations pointing at the entity named ``old`` point at ``new``
        instead (same type), and facts whose value is ``old`` take ``new``. True if any did."""
        old_key = self.find(old)
        changed = False
        if old_key is not None:
            moved = [r for r in self._relations.values() if r.target == old_key]
            if moved:
                new_key = self.entity(
                    new, self.type_of(old_key), strength=0.8, message_id=message_id
                )
                for r in moved:
                    del self._relations[(r.source, r.label, r.target)]
                    r.target = new_key
                    _cite(r.message_ids, message_id)
                    self._relations[(r.source, r.label, new_key)] = r
                changed = True
        old_norm = normalize_name(old)
        for slot, f in list(self._facts.items()):
            if slot[2] == old_norm:
                del self._facts[slot]
                f.value = new
                _cite(f.message_ids, message_id)
                self._facts[(slot[0], slot[1], normalize_name(new))] = f
                changed = True
        return changed

    def find(self, name: str) -> str | None:
        return self._by_name.get(normalize_name(split_title(name)[0]))

    def type_of(self, key: str) -> str:
        return self._entities[key].type

    def name_of(self, key: str) -> str:
        return self._entities[key].name

    def gender_of(self, key: str) -> str:
        return self._entities[key].gender

    def add_alias(self, key: str, alias: str) -> None:
        """Another way the window names this entity ("Hannah" for "Hannah Osei")."""
        entity = self._entities[key]
        alias = " ".join(alias.split()).strip(" .,;:!?'\"")
        if entity.placeholder or not alias or alias in entity.aliases:
            return
        if normalize_name(alias) != normalize_name(entity.name):
            entity.aliases.append(alias)

    def set_gender(self, key: str, gender: str) -> None:
        entity = self._entities[key]
        entity.gender = entity.gender or gender

    def typed(self) -> list[tuple[str, str, str, float]]:
        """(key, name, type, strength) of every entity still standing on its own."""
        live = [(k, e) for k, e in self._entities.items() if e.merged_into is None]
        return [(k, e.name, e.type, e.strength) for k, e in live if not e.placeholder]

    def values_of(self, field_: str) -> set[str]:
        """Every value of ``field_`` the window has said, normalised ("pet" → the pets' names)."""
        return {slot[2] for slot in self._facts if slot[1] == field_}

    def unnamed(self, field_: str, message_id: str) -> list[tuple[str, str]]:
        """(owner key, value) of every ``field_`` fact ``message_id`` cites."""
        return [
            (f.entity, f.value)
            for f in self._facts.values()
            if f.field == field_ and message_id in f.message_ids
        ]

    def people(self) -> list[tuple[str, str]]:
        """(key, name) of every person entity still standing on its own."""
        return [
            (k, e.name)
            for k, e in self._entities.items()
            if e.type == "person" and e.merged_into is None and not e.placeholder
        ]

    def merge_into(self, key: str, into: str) -> None:
        """``key`` is another name of ``into`` ("Sammy" of the speaker "Sam")."""
        if key != into and self._entities[key].merged_into is None:
            self._merge(key, into)

    def promote(self, key: str, name: str) -> None:
        """A fuller name for a named entity ("Samantha Reyes" for the speaker "Sam"): it
        becomes the name, and the old one an alias still found by ``find``."""
        entity = self._entities[key]
        if normalize_name(name) == normalize_name(entity.name) or not normalize_name(name):
            return
        old = entity.name
        entity.name = name
        self._by_name.setdefault(normalize_name(name), key)
        entity.aliases = [a for a in entity.aliases if a != name]
        if old not in entity.aliases:
            entity.aliases.append(old)

    def strength_of(self, key: str) -> float:
        """How strong the evidence for the entity's type is (0.5: the recogniser's guess)."""
        return self._entities[key].strength

    def discard(self, key: str) -> None:
        """Not an entity after all (a pet's name the recogniser took for a person's): dropped
        on build, with nothing else of the window lost."""
        self._entities[key].placeholder = True

    def retype(self, key: str, type_: str, strength: float) -> None:
        _vote(self._entities[key], type_, strength)

    def rename(self, key: str, name: str) -> None:
        """Give a placeholder entity (the anonymous user) its real name; the placeholder is not
        kept as an alias, since every anonymous user shares it."""
        entity = self._entities[key]
        self._by_name.pop(normalize_name(entity.name), None)
        entity.name = name
        self._by_name[normalize_name(name)] = key

    def cite(self, key: str, message_id: str) -> None:
        _cite(self._entities[key].message_ids, message_id)

    def fact(
        self,
        key: str,
        field_: str,
        value: str,
        *,
        confidence: float,
        message_id: str,
        valid_from: str | None = None,
        valid_to: str | None = None,
        event_date: str | None = None,
    ) -> None:
        self.cite(key, message_id)
        slot = (key, field_, normalize_name(value))
        when = Validity(valid_from, valid_to, event_date)
        found = self._facts.get(slot)
        if found is None:
            self._facts[slot] = _Fact(key, field_, value, confidence, [message_id], when)
            return
        found.confidence = max(found.confidence, confidence)
        found.when.absorb(when)
        _cite(found.message_ids, message_id)

    def retract_facts(self, key: str, field_: str, *, keep: str, only: str | None = None) -> None:
        """Drop ``key``'s earlier values of ``field_`` except ``keep`` (a correction); with
        ``only``, just that one value."""
        keep_norm = normalize_name(keep)
        for slot in [s for s in self._facts if s[:2] == (key, field_) and s[2] != keep_norm]:
            if only is None or slot[2] == normalize_name(only):
                del self._facts[slot]

    def relation(
        self,
        source: str,
        label: str,
        target: str,
        *,
        confidence: float,
        message_id: str,
        valid_from: str | None = None,
        valid_to: str | None = None,
        event_date: str | None = None,
    ) -> None:
        if source == target:
            return
        self.cite(source, message_id)
        self.cite(target, message_id)
        slot = (source, label, target)
        when = Validity(valid_from, valid_to, event_date)
        found = self._relations.get(slot)
        if found is None:
            self._relations[slot] = _Relation(source, label, target, confidence, [message_id], when)
            return
        found.confidence = max(found.confidence, confidence)
        found.when.absorb(when)
        _cite(found.message_ids, message_id)

    def retract_relations(self, source: str, label: str, *, keep: str) -> None:
        for slot in [s for s in self._relations if s[:2] == (source, label) and s[2] != keep]:
            del self._relations[slot]

    def build(self) -> Extraction:
        self._merge_short_names()
        live = {
            k: e for k, e in self._entities.items() if e.merged_into is None and not e.placeholder
        }

        def resolve(key: str) -> str:
            while (nxt := self._entities[key].merged_into) is not None:
                key = nxt
            return key

        facts: dict[tuple[str, str, str], _Fact] = {}
        for f in self._facts.values():
            slot = (resolve(f.entity), f.field, normalize_name(f.value))
            if slot[0] not in live:
                continue
            if slot in facts:
                for mid in f.message_ids:
                    _cite(facts[slot].message_ids, mid)
                facts[slot].when.absorb(f.when)
            else:
                facts[slot] = _Fact(
                    slot[0], f.field, f.value, f.confidence, list(f.message_ids), f.when
                )
        relations: dict[tuple[str, str, str], _Relation] = {}
        for r in self._relations.values():
            slot = (resolve(r.source), r.label, resolve(r.target))
            if slot[0] == slot[2] or slot[0] not in live or slot[2] not in live:
                continue
            if slot in relations:
                for mid in r.message_ids:
                    _cite(relations[slot].message_ids, mid)
                relations[slot].when.absorb(r.when)
            else:
                relations[slot] = _Relation(*slot, r.confidence, list(r.message_ids), r.when)
        return Extraction(
            entities=[
                EntityMention(
                    key=k, name=e.name, type=e.type, aliases=e.aliases, message_ids=e.message_ids
                )
                for k, e in live.items()
                if e.message_ids
            ],
            facts=[
                FactMention(
                    entity=f.entity,
                    field=f.field,
                    value=f.value,
                    confidence=round(f.confidence, 2),
                    message_ids=f.message_ids,
                    valid_from=f.when.valid_from,
                    valid_to=f.when.valid_to,
                    event_date=f.when.event_date,
                )
                for f in facts.values()
                if live[f.entity].message_ids
            ],
            relations=[
                RelationMention(
                    source=r.source,
                    target=r.target,
                    label=r.label,
                    confidence=round(r.confidence, 2),
                    message_ids=r.message_ids,
                    valid_from=r.when.valid_from,
                    valid_to=r.when.valid_to,
                    event_date=r.when.event_date,
                )
                for r in relations.values()
                if live[r.source].message_ids and live[r.target].message_ids
            ],
        )

    def _merge_short_names(self) -> None:
        """One word that is the start of exactly one longer name is that name: "Ana" → "Ana
        Costa" (or "Khan" → "Aisha Khan" by surname), "Cobalt" → "Cobalt Ventures"."""
        first: dict[tuple[bool, str], list[str]] = {}
        last: dict[str, list[str]] = {}
        for key, e in self._entities.items():
            words = normalize_name(e.name).split()
            if len(words) > 1 and not e.placeholder and e.merged_into is None:
                first.setdefault((e.type == "person", words[0]), []).append(key)
                if e.type == "person":
                    last.setdefault(words[-1], []).append(key)
        for key, e in list(self._entities.items()):
            words = normalize_name(e.name).split()
            if len(words) != 1 or e.placeholder or e.merged_into is not None:
                continue
            is_person = e.type == "person" and e.strength > 0.5
            if is_person and e.strength >= 1.0:  # a speaker is no one's surname ("Lucy Ben")
                candidates = first.get((True, words[0]), [])
            elif is_person:
                candidates = first.get((True, words[0]), []) or last.get(words[0], [])
            else:
                candidates = first.get((False, words[0]), [])
                if not candidates and e.type == "person":  # the recogniser's guess only
                    candidates = first.get((True, words[0]), []) or last.get(words[0], [])
            if len(candidates) == 1:
                self._merge(key, candidates[0])

    def _merge(self, key: str, into: str) -> None:
        e, target = self._entities[key], self._entities[into]
        e.merged_into = into
        for alias in [e.name, *e.aliases]:
            if alias not in target.aliases and alias != target.name:
                target.aliases.append(alias)
        for mid in e.message_ids:
            _cite(target.message_ids, mid)
        target.gender = target.gender or e.gender
        for type_, (best, count) in e.votes.items():
            old_best, old_count = target.votes.get(type_, (0.0, 0))
            target.votes[type_] = (max(best, old_best), count + old_count)
        target.type = max(target.votes, key=lambda t: target.votes[t])
