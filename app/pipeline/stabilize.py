"""Label shapes: a raw label's registry key and lemma, and how a canonical label becomes a
Neo4j relationship type or node label."""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from app.pipeline.extract._nlp import MODEL_PACKAGE
from app.pipeline.normalize import normalize_label

if TYPE_CHECKING:
    from spacy.language import Language

_SAFE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
KINDS = ("field", "relation", "entity_type")
# Labels and relationship types the system itself uses: an extracted label (from a pasted chat,
# or an LLM led astray) must never become one, or an entity could pass for a Message or a merge.
RESERVED = {
    "entity_type": {
        "entity", "fact", "source", "conversation", "message", "job", "merge", "merged",
        "schema_label", "label_change", "api_token", "staged_messages", "migration",
        "resolution",
    },
    "relation": {
        "has_message", "next", "has_job", "has_staged", "has_fact", "from", "merged_into",
        "canonical", "mentioned_in", "resolved_to",
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


# The lemmatiser of en_core_web_sm is rule based and needs the tagger's part of speech, so this
# loads the tagging pipes the extractor's NER-only copy leaves out (about 0.5 s, once).
_LEMMA_EXCLUDED: Final = ("parser", "ner", "senter")


class _Lemmatizer:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards loading and every run (spaCy is not thread-safe)
        self._nlp: Language | None = None

    def lemmas(self, labels: Sequence[str]) -> list[str]:
        from spacy.tokens import Doc

        with self._lock:
            if self._nlp is None:
                module = importlib.import_module(MODEL_PACKAGE)
                self._nlp = module.load(exclude=list(_LEMMA_EXCLUDED))
            nlp = self._nlp
            # One token per snake_case word, so spaCy's tokeniser cannot re-split the label.
            docs = (Doc(nlp.vocab, words=label.split("_")) for label in labels)
            return ["_".join(t.lemma_.lower() for t in doc) for doc in nlp.pipe(docs)]


_LEMMATIZER: Final = _Lemmatizer()


def label_lemmas(labels: Sequence[str]) -> list[str]:
    """The lemma form of each canonical-form label, word by word: ``worked_at`` → ``work_at``,
    ``likes`` → ``like``, ``children`` → ``child``. Loads spaCy's model on first call."""
    if isinstance(labels, str):
        raise TypeError("label_lemmas() takes a sequence of labels, not one str")
    return _LEMMATIZER.lemmas(labels) if labels else []
