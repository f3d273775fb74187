"""Label shapes: a raw label's registry key, and how a canonical label becomes a Neo4j
relationship type or node label. (Lemmas, which need spaCy, are ``app.nlp.label_lemmas``.)"""

from __future__ import annotations

import re

from app.domain.normalize import normalize_label

_SAFE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
KINDS = ("field", "relation", "entity_type")
# Labels and relationship types the system itself uses: an extracted label (from a pasted chat,
# or an LLM led astray) must never become one, or an entity could pass for a Message or a merge.
RESERVED = {
    "entity_type": {
        "entity", "fact", "source", "conversation", "message", "job", "merge", "merged",
        "schema_label", "label_change", "api_token", "staged_messages", "migration",
        "resolution", "possible_match", "split",
    },
    "relation": {
        "has_message", "next", "has_job", "has_staged", "has_fact", "from", "merged_into",
        "canonical", "mentioned_in", "resolved_to", "possibly_same", "superseded_by",
    },
}  # fmt: skip


def canonical_form(raw: str, kind: str = "field") -> str:
    """The registry key of a raw label; ValueError when nothing usable is left or it is one of
    the system's own labels."""
    label = normalize_label(raw)
    if not _SAFE.match(label):
        raise ValueError(f"unusable label {raw!r}")
    if label in RESERVED.get(kind, set()):
        raise ValueError(f"reserved {kind} label {raw!r}")
    return label


def relationship_type(label: str) -> str:
    """``works_at`` → ``WORKS_AT`` (only ever built from a canonical, validated label)."""
    if not _SAFE.match(label):
        raise ValueError(f"not a canonical label: {label!r}")
    return label.upper()


def node_label(entity_type: str) -> str:
    """``person`` → ``Person``; ``product_line`` → ``ProductLine``."""
    if not _SAFE.match(entity_type):
        raise ValueError(f"not a canonical entity type: {entity_type!r}")
    return "".join(part.capitalize() for part in entity_type.split("_"))


def label_text(label: str) -> str:
    """The words of a snake_case label, as the embedder reads them: ``works_at`` → ``works at``."""
    return label.replace("_", " ")
