"""Whether a person named in one source may join a person first known from other sources.

The same name in unrelated conversations is not by itself evidence of one person (issue 14,
ADR 0015). Within one source the name rules of ``app.domain.match`` decide alone; across
sources a candidate that cleared them is taken only when:

1. at least one *corroboration* holds (below); and
2. both carry a *full name*: two words or more ("Priya Natarajan"), or three characters or more
   of a script written without spaces ("李小龙"); or, for a one-word name ("Owen", "Sam"), a
   shared companion (the "Owen" both conversations tie to Priya) or two kinds of corroboration,
   one of them beyond the speaker label (the speaker "Priya" with the dog Chutney in both).
   The name alone, or the name and the same speaker label, never joins sources. The
   corroborations:

   - ``speaker``: both spoke under the same speaker label (the same user identity);
   - ``companion``: a shared co-speaker or related person, by normalised name;
   - ``related``: a shared related entity of another type, by type and name (the same city,
     the same employer);
   - ``fact``: a shared fact, same canonical field and same normalised value (the same pet);
   - ``alias``: a shared alias that is not a part of either full name.

Otherwise the mention becomes its own entity, listed as possibly the same as the candidate.
Pure: the evidence is gathered by ``app.jobs.stages`` (this source) and
``app.graph.resolution`` (the candidate's sources).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.labels import canonical_form
from app.domain.match import AMBIGUITY_MARGIN, Candidate, Decision, Mention, Scored, score
from app.domain.models import Extraction
from app.domain.normalize import normalize_name
from app.domain.resolve import EntityGroup

# Fields whose values too many people share to tell anyone apart.
WEAK_FIELDS = frozenset({"gender", "pronouns", "pronoun", "sex"})
MAX_POSSIBLE = 5  # possible matches kept per mention group
MIN_UNSPACED = 3  # characters of a name in a script without spaces ("李小龙")
MIN_FOR_ONE_WORD = 2  # kinds of corroboration a one-word name needs, one beyond the speaker label


@dataclass
class PersonEvidence:
    """What a person is known by in its sources, every name normalised."""

    name: str
    names: set[str] = field(default_factory=set)
    speaker_labels: set[str] = field(default_factory=set)
    companions: set[str] = field(default_factory=set)
    related: set[tuple[str, str]] = field(default_factory=set)
    facts: set[tuple[str, str]] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Corroboration:
    allowed: bool
    reasons: tuple[str, ...]  # the corroborations found (empty when none)
    why: str  # one sentence, kept on the decision and on a possible match


def _unspaced(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK UNIFIED", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO"))


def is_full_name(normalized: str) -> bool:
    """Several words, or a name long enough in a script that writes none between them."""
    words = normalized.split()
    if len(words) >= 2:
        return True
    return len(normalized) >= MIN_UNSPACED and all(_unspaced(ch) for ch in normalized)


def _name_parts(ev: PersonEvidence) -> set[str]:
    """Every word of every full name, and every run of them: "priya", "priya natarajan"."""
    parts: set[str] = set()
    for name in ev.names:
        words = name.split()
        if len(words) < 2:
            continue
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                parts.add(" ".join(words[i:j]))
    return parts


def corroborate(mention: PersonEvidence, candidate: PersonEvidence) -> Corroboration:
    """May ``mention`` (this source) be ``candidate`` (known from other sources)?"""
    found: list[str] = []
    details: list[str] = []
    if shared := mention.speaker_labels & candidate.speaker_labels:
        found.append("speaker")
        details.append(f"both spoke as {sorted(shared)[0]!r}")
    own = mention.names | candidate.names
    if shared := (mention.companions & candidate.companions) - own:
        found.append("companion")
        details.append(f"both with {sorted(shared)[0]!r}")
    if shared_related := mention.related & candidate.related:
        found.append("related")
        kind, name = sorted(shared_related)[0]
        details.append(f"both linked to the {kind} {name!r}")
    facts = {f for f in mention.facts & candidate.facts if f[0] not in WEAK_FIELDS and f[1]}
    if facts:
        found.append("fact")
        fact_field, value = sorted(facts)[0]
        details.append(f"the same {fact_field} {value!r}")
    parts = _name_parts(mention) | _name_parts(candidate) | own
    if shared := (mention.aliases & candidate.aliases) - parts:
        found.append("alias")
        details.append(f"the same alias {sorted(shared)[0]!r}")
    if not found:
        return Corroboration(
            False,
            (),
            f"the name {mention.name!r} is all they share across sources: no common speaker, "
            "companion, related entity, fact or alias",
        )
    if not is_full_name(mention.name) or not is_full_name(candidate.name):
        short = mention.name if not is_full_name(mention.name) else candidate.name
        beyond = [f for f in found if f != "speaker"]
        if "companion" not in found and (len(found) < MIN_FOR_ONE_WORD or not beyond):
            return Corroboration(
                False,
                tuple(found),
                f"only the one-word name {short!r}"
                + (f" and {'; '.join(details)}" if details else "")
                + " link them: a one-word name joins sources only through a shared companion or"
                " two kinds of evidence",
            )
    return Corroboration(True, tuple(found), "; ".join(details))


def fact_key(field_label: str | None, value: str) -> tuple[str, str]:
    """How two facts compare across sources: canonical field, normalised value."""
    try:
        label = canonical_form(field_label or "", "field")
    except ValueError:
        label = ""
    return label, normalize_name(value) or value.casefold().strip()


def mention_evidence(
    group: EntityGroup,
    extraction: Extraction,
    key_map: Mapping[str, EntityGroup],
    speakers: Iterable[str],
    ignore_speakers: frozenset[str] = frozenset(),
) -> PersonEvidence:
    """What corroborates a person group of this source: ``speakers`` are the source's labels,
    ``ignore_speakers`` (normalised) roles that are no person ("assistant", "user")."""
    names = group.names()
    labels = {normalize_name(s) for s in speakers} - ignore_speakers - {""}
    related: set[tuple[str, str]] = set()
    for rel in extraction.relations:
        ends = (key_map.get(rel.source), key_map.get(rel.target))
        if group in ends:
            other = ends[1] if ends[0] is group else ends[0]
            if other is not None and other is not group:
                related.add((other.type, other.normalized_name))
    facts = {
        fact_key(f.field, f.value)
        for f in extraction.facts
        if key_map.get(f.entity) is group and f.value.strip()
    }
    return PersonEvidence(
        name=group.normalized_name,
        names=names,
        speaker_labels=labels & names,
        companions=(labels - names) | {n for t, n in related if t == "person"},
        related={r for r in related if r[0] != "person"},
        facts=facts,
        aliases={n for n in (normalize_name(a) for a in group.aliases) if n},
    )


@dataclass
class Gate:
    """A person group's candidates after the cross-source rule."""

    allowed: list[Candidate]  # same source, corroborated, or below the threshold anyway
    refused: list[tuple[Scored, Corroboration]]  # other sources, linked by the name only
    joined: dict[str, Corroboration]  # corroborated candidates from other sources


def gate(
    mention: Mention,
    evidence: PersonEvidence,
    candidates: Iterable[Candidate],
    known: Mapping[str, tuple[set[str], PersonEvidence]],
    source_id: str,
    threshold: float,
) -> Gate:
    """Keep the candidates a person of ``source_id`` may become; ``known`` holds each
    candidate's sources and evidence (``ResolutionStore.person_evidence``)."""
    allowed: list[Candidate] = []
    refused: list[tuple[Scored, Corroboration]] = []
    joined: dict[str, Corroboration] = {}
    for candidate in candidates:
        scored = score(mention, candidate)
        sources, found = known.get(candidate.id, (set(), None))
        if scored.score < threshold or source_id in sources:
            allowed.append(candidate)
            continue
        verdict = (
            corroborate(evidence, found)
            if found is not None
            else Corroboration(False, (), "nothing is known of the candidate's sources")
        )
        if verdict.allowed:
            joined[candidate.id] = verdict
            allowed.append(candidate)
        else:
            refused.append((scored, verdict))
    refused.sort(key=lambda x: (-x[0].score, x[0].candidate.id))
    return Gate(allowed, refused, joined)


def explain_gate(
    mention: Mention,
    pool: list[Candidate],
    decision: Decision,
    checked: Gate | None,
    threshold: float,
) -> tuple[str | None, list[dict[str, Any]]]:
    """Why the decision was taken, when the name rules alone do not say it, and the entities
    to list as possibly the same (``{b, score, rule, reason}``, best first)."""
    pairs: list[dict[str, Any]] = []
    reason: str | None = None
    if checked is not None:
        for scored, verdict in checked.refused:
            pairs.append(
                {"b": scored.candidate.id, "score": scored.score, "rule": scored.rule,
                 "reason": verdict.why}
            )  # fmt: skip
        if checked.refused and decision.outcome == "new":
            decision.outcome = "kept_apart"
            decision.features["kept_apart"] = float(len(checked.refused))
            reason = "from another source, " + checked.refused[0][1].why
        if decision.entity_id in checked.joined:
            verdict = checked.joined[decision.entity_id]
            decision.features["corroborated"] = float(len(verdict.reasons))
            reason = "from another source, corroborated: " + verdict.why
    if decision.outcome == "ambiguous":
        close = sorted(
            (s for s in (score(mention, c) for c in pool) if s.score >= threshold),
            key=lambda s: (-s.score, s.candidate.id),
        )
        for s in close:
            if decision.score - s.score < AMBIGUITY_MARGIN + 1e-9:
                pairs.append(
                    {"b": s.candidate.id, "score": s.score, "rule": s.rule,
                     "reason": "as close a match as another candidate: kept apart rather than "
                     "joined to the wrong one"}
                )  # fmt: skip
    pairs.sort(key=lambda p: (-p["score"], p["b"]))
    return reason, pairs[:MAX_POSSIBLE]
