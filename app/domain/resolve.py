"""Group the entity mentions of one source into entities, before matching them to the graph.

Mentions group when they share a type and a normalised name (a name some window gave as a pet
is an animal in all of them), when one's name is another's
alias, or when a one-word person name is the first name of exactly one fuller person name
("Ana" and "Ana Costa"). Matching against entities already in the graph happens in
``app.graph.knowledge`` through the name index; this module stays pure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Final

from app.domain.models import Extraction
from app.domain.normalize import normalize_name

ANIMAL: Final = "animal"
PET_FIELD: Final = "pet"
TALKS_WITH: Final = "talks_with"  # the relation between the speakers of a window


@dataclass
class EntityGroup:
    type: str
    name: str
    normalized_name: str
    aliases: set[str] = field(default_factory=set)
    message_ids: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    id: str | None = None

    def names(self) -> set[str]:
        """Every normalised name this entity answers to."""
        return {self.normalized_name} | {normalize_name(a) for a in self.aliases}

    def absorb(self, other: EntityGroup) -> None:
        if len(other.name) > len(self.name):
            self.aliases.add(self.name)
            self.name, self.normalized_name = other.name, other.normalized_name
        else:
            self.aliases.add(other.name)
        self.aliases |= other.aliases
        self.aliases.discard(self.name)
        self.message_ids |= other.message_ids
        self.keys |= other.keys


def entity_id(entity_type: str, normalized_name: str, source_id: str | None = None) -> str:
    """Deterministic, so concurrent ingests of the same new entity MERGE into one node.

    A person is scoped to the source that first names it (``source_id``): "Sam" in two
    unrelated conversations is two nodes until corroboration or a person joins them
    (``app.domain.corroboration``). Places, products and organisations are library-wide.
    """
    key = f"{entity_type}:{normalized_name}"
    if source_id is not None:
        key += f"@{source_id}"
    return "ent_" + hashlib.sha256(key.encode()).hexdigest()[:24]


def entity_text(name: str, entity_type: str) -> str:
    """What an entity's embedding is computed from: in resolve, write and the eval alike."""
    return f"{name} ({entity_type})"


def group_mentions(extraction: Extraction) -> tuple[list[EntityGroup], dict[str, EntityGroup]]:
    """The entity groups of one source, and the group of every mention key."""
    by_name: dict[tuple[str, str], EntityGroup] = {}
    pets = _pet_names(extraction)
    for mention in extraction.entities:
        norm = normalize_name(mention.name)
        if not norm:
            continue
        type_ = ANIMAL if norm in pets else mention.type
        group = by_name.get((type_, norm))
        if group is None:
            group = EntityGroup(type=type_, name=mention.name.strip(), normalized_name=norm)
            by_name[(type_, norm)] = group
        group.aliases |= {a.strip() for a in mention.aliases if a.strip()}
        group.aliases.discard(group.name)
        group.message_ids |= set(mention.message_ids)
        group.keys.add(mention.key)

    groups = list(by_name.values())
    groups = _merge_aliases(groups)
    groups = _merge_first_names(groups)
    key_map = {key: g for g in groups for key in g.keys}
    return groups, key_map


def _pet_names(extraction: Extraction) -> set[str]:
    """Names some window gave as a pet and typed an animal: an animal in every window of the
    source, whatever the recogniser took them for where the text did not say ("Chutney refused
    to go outside")."""
    named = {normalize_name(f.value) for f in extraction.facts if f.field == PET_FIELD}
    keys = {e.key: normalize_name(e.name) for e in extraction.entities}
    speakers = {  # a pet never takes a speaker's name from them
        keys.get(end, "")
        for r in extraction.relations
        if r.label == TALKS_WITH
        for end in (r.source, r.target)
    }
    return {
        norm
        for e in extraction.entities
        if e.type == ANIMAL and (norm := normalize_name(e.name)) in named - speakers
    }


def _merge_aliases(groups: list[EntityGroup]) -> list[EntityGroup]:
    merged: list[EntityGroup] = []
    for group in sorted(groups, key=lambda g: -len(g.normalized_name)):
        target = next(
            (m for m in merged if m.type == group.type and m.names() & group.names()), None
        )
        if target is None:
            merged.append(group)
        else:
            target.absorb(group)
    return merged


def _merge_first_names(groups: list[EntityGroup]) -> list[EntityGroup]:
    people = [g for g in groups if g.type == "person"]
    full = [g for g in people if " " in g.normalized_name]
    kept: list[EntityGroup] = []
    for group in groups:
        if group.type == "person" and " " not in group.normalized_name:
            owners = [f for f in full if f.normalized_name.split(" ")[0] == group.normalized_name]
            if len(owners) == 1:
                owners[0].absorb(group)
                continue
        kept.append(group)
    return kept
