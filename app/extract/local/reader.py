"""Reads one window sentence by sentence: mentions become slots, then statements become mentions.

Per sentence: recognised names and names the window already knows become slots (see
:mod:`._template`); chat shorthand is undone (:mod:`._chat`); kinship phrases and pronouns become
slots too (:mod:`._kinship`); then the statement rules run (:mod:`._statements`). The reader
holds what the window has taught so far (speakers, known names, who was last mentioned, whose
sister is whom) and offers the rules their vocabulary: ``subject``, ``target``, ``fact``,
``relation``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Final

from app.domain.models import WindowMessage
from app.extract.local.builder import SINGLE_VALUED, Builder
from app.extract.local.chat import carry_subjects, implicit_subject
from app.extract.local.kinship import read_kinship
from app.extract.local.lexicon import NOT_NAMES
from app.extract.local.patterns import (
    NEGATED_SLOT_RE,
    SLOT_RE,
    TYPE_LABELS,
)
from app.extract.local.speakers import addressee
from app.extract.local.template import (
    ENTITY_TYPES,
    Known,
    Slot,
    Template,
    clean_cap,
    clean_entity_name,
    looks_like_org,
    sentences,
    speaker_role,
    type_from_name,
)
from app.nlp import NerSpan

__all__ = ["WindowReader"]

# Confidence of each kind of evidence.
FIRST_PERSON: Final = 0.9
THIRD_PERSON: Final = 0.8
VIA_PRONOUN: Final = 0.7
# Strength of each source of an entity's type: a rule that knows the type beats the recogniser.
SPEAKER_TYPE: Final = 1.0
RULE_TYPE: Final = 0.8
NER_TYPE: Final = 0.5
NAME_TYPE: Final = 0.7  # "… Bank", "… Road": the name's own words
_CO_SUBJECTS: Final = re.compile("(?:\ue000\\d+\ue001\\s*,\\s*)*\ue000\\d+\ue001\\s+(?:and|&)\\s+$")
_COMPANY_RE: Final = re.compile(
    r"\b(?i:the|our|my|this|that)\s+(?i:company|firm|startup|start-up|business|studio|agency)\b"
)
PRONOUN_REACH: Final = 2  # how many messages back a pronoun may reach for the person


class WindowReader:
    """Holds what one window has taught so far: who spoke, who was mentioned, who is whose kin."""

    def __init__(
        self,
        builder: Builder,
        window: Sequence[WindowMessage],
        *,
        context_people: Callable[[], list[str]] = list,
    ) -> None:
        self.b = builder
        self._context_people = context_people
        self._recent: dict[str, int] = {}  # person key → index of the message last naming it
        self._message_index = -1
        self._last_org: tuple[str, int] | None = None  # key, message index
        self.kin: dict[tuple[str, str], str] = {}  # (possessor key, kin word) → person key
        self._known: dict[str, str] = {}  # a name as written → key (people: first names too)
        self._known_index: dict[bool, dict[str, list[str]]] = {}
        self._speakers: dict[str, str] = {}  # speaker label → key
        self._user_key: str | None = None
        self.pets: dict[tuple[str, str], str] = {}  # (owner key, species) → name
        self.last_event: str | None = None
        self._last_event_at = -1
        self.year: int | None = None
        self._window = list(window)
        self._lowercase = frozenset(
            w for m in window for w in re.findall(r"\b[a-z][a-z'-]+\b", m.text)
        )
        for message in window:
            if speaker_role(message.speaker) == "person":
                key = self._speaker_entity(message.speaker)
                self.b.cite(key, message.id)

    # -- who is who ---------------------------------------------------------------------------

    def _speaker_entity(self, label: str) -> str:
        key = self._speakers.get(label)
        if key is None:
            name = " ".join(re.sub(r"\(.*?\)", "", label).split()) or label
            if name.islower():
                name = name.title()
            key = self.b.entity(name, "person", strength=SPEAKER_TYPE, message_id=None)
            self._speakers[label] = key
            self.remember_name(self.b.name_of(key), key)
        return key

    def me(self, message: WindowMessage) -> str | None:
        """The speaker's entity, for first-person statements; None for an AI assistant.

        An anonymous "User" becomes a person named "User" only when they say something about
        themselves and never say their name: the graph then holds the library owner's facts.
        """
        role = speaker_role(message.speaker)
        if role == "assistant":
            return None
        if role == "person":
            return self._speaker_entity(message.speaker)
        if self._user_key is None:
            # Uncited until a fact or relation about the user cites it.
            self._user_key = self.b.entity("User", "person", strength=SPEAKER_TYPE, message_id=None)
        return self._user_key

    @property
    def speakers(self) -> dict[str, str]:  # label → key of every human speaker of the window
        return dict(self._speakers)

    def addressee(self, message: WindowMessage) -> str | None:
        """The person a "you" in ``message`` most likely means (``speakers.addressee``)."""
        label = addressee(self._window, message)
        return None if label is None else self._speaker_entity(label)

    def introduce(self, message: WindowMessage, name: str) -> None:
        """The speaker said "I'm Inês": an anonymous user takes the name, a named one an alias."""
        key = self.me(message)
        if key is None:
            return
        if key == self._user_key:
            existing = self.b.find(name)
            if existing is not None and existing != key:
                return
            self.b.rename(key, name)
        elif len(name.split()) > 1 and self.b.find(name) in (None, key):
            self.b.promote(key, name)  # "Sam" says "I'm Samantha Reyes"
        self.remember_name(name, key)

    def remember_name(self, name: str, key: str) -> None:
        """Later mentions of this name become slots even where the recogniser misses them."""
        forms = {name}
        if self.b.type_of(key) == "person":
            forms.add(name.split()[0])
        for form in forms:
            if form.casefold() in NOT_NAMES or len(form) < 2 or form in self._known:
                continue
            self._known[form] = key
            self._known_index = {}

    def _known_names(self, lowercase: bool) -> Known | None:
        """Names seen so far, matched case-insensitively only in all-lower-case messages."""
        if not self._known:
            return None
        if lowercase not in self._known_index:
            index: dict[str, list[str]] = {}
            for form in sorted(self._known, key=len, reverse=True):
                spelled = form.casefold() if lowercase else form
                if first := re.match(r"\w+", spelled):
                    index.setdefault(first.group(), []).append(spelled)
            self._known_index[lowercase] = index
        labels = {
            form.casefold(): (key, TYPE_LABELS[self.b.type_of(key)])
            for form, key in self._known.items()
        }
        return Known(labels, self._known_index[lowercase], lowercase)

    def known(self, name: str) -> str | None:  # "Pete" is the speaker "Pete Kowalski"
        return self._known.get(name) or self.b.find(name)

    def mentioned(self, key: str) -> None:
        if self.b.type_of(key) == "person":
            self._recent.pop(key, None)
            self._recent[key] = self._message_index

    def pronoun_target(self, gender: str) -> str | None:
        """Whom a "she"/"he" means: a person other than the speakers named in the last few
        messages (of that gender first), else the last person the context messages name."""
        speakers = set(self._speakers.values()) | {self._user_key}
        candidates = [
            key
            for key, seen in reversed(self._recent.items())
            if key not in speakers and self._message_index - seen <= PRONOUN_REACH
        ]
        for wanted in (gender, ""):
            for key in candidates:
                if self.b.gender_of(key) == wanted:
                    return key
        if self._message_index <= PRONOUN_REACH and (names := self._context_people()):
            return self.b.entity(names[-1], "person", strength=NER_TYPE, message_id=None)
        return None

    # -- slots --------------------------------------------------------------------------------

    def slot_key(
        self,
        template: Template,
        index: int,
        message: WindowMessage,
        type_: str | None = None,
        strength: float = RULE_TYPE,
    ) -> str | None:
        """The entity behind a slot, created on first use; ``type_`` asserts its type."""
        slot = template.slots[index]
        if slot.key is None:
            name = clean_entity_name(slot.text, slot.label)
            if name is None:
                return None
            if type_ is None:
                slot.key = self.b.entity(
                    name, ENTITY_TYPES[slot.label], strength=NER_TYPE, message_id=message.id
                )
                named = type_from_name(name)
                if named is not None and (slot.label != "PERSON" or named == "organization"):
                    self.b.retype(slot.key, named, NAME_TYPE)
            else:
                slot.key = self.b.entity(name, type_, strength=strength, message_id=message.id)
        else:
            self.b.cite(slot.key, message.id)
            if slot.label != "PRON":
                self.b.add_alias(slot.key, slot.text)
        if type_ is not None:
            self.b.retype(slot.key, type_, strength)
        self.mentioned(slot.key)
        return slot.key

    def person_key(self, template: Template, index: int, message: WindowMessage) -> str | None:
        """A slot used as a person: recogniser labels other than PERSON are overridden only for
        short names without company words."""
        slot = template.slots[index]
        if slot.label != "PERSON" and (looks_like_org(slot.text) or len(slot.text.split()) > 3):
            return None
        return self.slot_key(template, index, message, "person", 0.6)

    def name_key(
        self,
        text: str,
        message: WindowMessage,
        type_: str,
        strength: float = RULE_TYPE,
        *,
        lowercase_ok: bool = False,
    ) -> str | None:
        """An entity for a capitalised run a rule matched where the recogniser saw nothing
        (``lowercase_ok``: or a lower-case technical name such as "checkout-api")."""
        name = text.strip() if lowercase_ok and text.islower() else clean_cap(text)
        if name is None:
            return None
        key = self.b.entity(name, type_, strength=strength, message_id=message.id)
        if type_ == "person":
            self.remember_name(name, key)
        self.mentioned(key)
        return key

    # -- reading ------------------------------------------------------------------------------

    def read(
        self,
        message: WindowMessage,
        spans: list[NerSpan],
        apply: Callable[[WindowReader, Template, WindowMessage], None],
    ) -> None:
        self._message_index += 1
        if message.timestamp is not None:
            self.year = message.timestamp.year
        elif years := re.findall(r"\b(20\d\d)\b", message.text):
            self.year = int(years[-1])
        text = message.text
        ordered = sorted(spans, key=lambda s: s.start)
        first = 0
        for start, end in sentences(text, ordered):
            while first < len(ordered) and ordered[first].start < start:
                first += 1
            local = []
            for span in itertools.islice(ordered, first, None):
                if span.start >= end:
                    break
                if span.end <= end:
                    local.append(
                        NerSpan(span.start - start, span.end - start, span.label, span.text)
                    )
            sentence = text[start:end]
            lowercase = not re.search(r"[A-Z]", sentence.replace("I", ""))
            template = Template.build(
                sentence, local, self._known_names(lowercase), self._lowercase
            )
            self._read_sentence(message, template, apply)

    def _read_sentence(
        self,
        message: WindowMessage,
        template: Template,
        apply: Callable[[WindowReader, Template, WindowMessage], None],
    ) -> None:
        for m in NEGATED_SLOT_RE.finditer(template.text):
            template.slots[int(m["n"])].negated = True
        me = self.me(message)
        if me is not None:
            template.text = implicit_subject(template.text)
        template.text = carry_subjects(template.text)
        if self._last_org is not None and self._last_org[1] == self._message_index:
            org = self._last_org[0]
            template.text = _COMPANY_RE.sub(
                lambda _: template.add(Slot(self.b.name_of(org), "ORG", org)), template.text
            )
        read_kinship(self, template, message, me)
        apply(self, template, message)
        for index, slot in enumerate(template.slots):
            if slot.key is None and not slot.negated and slot.label in ENTITY_TYPES:
                self.slot_key(template, index, message)
            elif slot.key is not None:
                self.mentioned(slot.key)
            if slot.key is not None and self.b.type_of(slot.key) == "organization":
                self._last_org = (slot.key, self._message_index)
            if slot.key is not None and self.b.type_of(slot.key) == "event":
                self.last_event, self._last_event_at = slot.key, self._message_index
            if slot.vocative and slot.key is not None:
                self._recent.pop(slot.key, None)  # the person spoken to is not a "she"
        for slot in template.slots:
            if slot.key is not None and not slot.negated:
                self.remember_name(self.b.name_of(slot.key), slot.key)

    # -- helpers the statement rules use --------------------------------------------------------

    def subject(
        self,
        template: Template,
        m: re.Match[str],
        message: WindowMessage,
        *,
        allow_we: bool = False,
        person: bool = True,
    ) -> tuple[str, float] | None:
        """Who a statement is about, and how sure the rule can be. With ``person``, a recognised
        name is taken as a person's (the statement only fits people), else as it was typed."""
        if template.hypothetical(m.start()):
            return None
        groups = m.groupdict()
        index = groups.get("s") or groups.get("ps")
        if index is not None:
            s = template.slots[int(index)]
            found = (
                self.person_key(template, int(index), message)
                if person
                else self.slot_key(template, int(index), message)
            )
            if found is None:
                return None
            return found, VIA_PRONOUN if s.label == "PRON" else THIRD_PERSON
        if groups.get("me") or groups.get("pme") or (allow_we and groups.get("we")):
            key = self.me(message)
            return None if key is None else (key, FIRST_PERSON)
        return None

    def co_subjects(
        self, template: Template, m: re.Match[str], message: WindowMessage
    ) -> list[str]:
        """People named just before the subject: "Elena and I founded …" → Elena too."""
        before = _CO_SUBJECTS.search(template.text[: m.start()])
        if before is None:
            return []
        keys = []
        for index in SLOT_RE.findall(before.group()):
            if template.slots[int(index)].label in ("PERSON", "PRON"):
                key = self.person_key(template, int(index), message)
                if key is not None:
                    keys.append(key)
        return keys

    def target(
        self,
        template: Template,
        m: re.Match[str],
        message: WindowMessage,
        type_: str,
        group: str = "o",
        *,
        assert_type: bool = True,
    ) -> str | None:
        """The object a rule matched: a slot (retyped to ``type_`` unless not
        ``assert_type``, e.g. a venue that may be a place or a business) or a capitalised run
        the recogniser missed (given ``type_``)."""
        index = m.groupdict().get(group)
        if index is not None:
            s = template.slots[int(index)]
            if s.negated or (s.label in ("PERSON", "PRON") and type_ != "person"):
                return None
            if type_ == "person":
                return self.person_key(template, int(index), message)
            return self.slot_key(template, int(index), message, type_ if assert_type else None)
        cap = m.groupdict().get(f"{group}_cap")
        return None if cap is None else self.name_key(cap, message, type_)

    def recent_event(self) -> str | None:
        """The event spoken of in the last few messages, if any."""
        if self.last_event is None:
            return None
        return self.last_event if self._message_index - self._last_event_at <= 5 else None

    def recent_org(self, template: Template, before: int) -> str | None:
        """The organisation a "their"/"its" at ``before`` most likely means: the last one named
        earlier in the sentence, else in this or the previous message."""
        for index in reversed(SLOT_RE.findall(template.text[:before])):
            key = template.slots[int(index)].key
            if key is not None and self.b.type_of(key) == "organization":
                return key
        if self._last_org is not None and self._message_index - self._last_org[1] <= 1:
            return self._last_org[0]
        return None

    def fact(
        self,
        key: str,
        field: str,
        value: str,
        confidence: float,
        message: WindowMessage,
        template: Template,
    ) -> None:
        if field in SINGLE_VALUED and template.correcting():
            self.b.retract_facts(key, field, keep=value)
        self.b.fact(key, field, value, confidence=confidence, message_id=message.id)

    def relation(
        self,
        source: str,
        label: str,
        target: str,
        confidence: float,
        message: WindowMessage,
        template: Template,
    ) -> None:
        if label in ("lives_in", "reports_to") and template.correcting():
            self.b.retract_relations(source, label, keep=target)
        self.b.relation(source, label, target, confidence=confidence, message_id=message.id)
