"""Picks the extractor from Settings: the LLM when one is configured, else the local one."""

from __future__ import annotations

from app.config import Settings
from app.extract.base import Extractor
from app.llm.factory import create_llm


def create_extractor(settings: Settings) -> Extractor:
    kind = settings.extractor_kind
    if kind == "llm":
        from app.extract.llm import LLMExtractor

        llm = create_llm(settings)
        if llm is None:
            raise ValueError("LIBRARIAN_EXTRACTOR=llm needs LIBRARIAN_LLM_PROVIDER and its key")
        return LLMExtractor(llm)
    if kind == "local":
        from app.extract.local import LocalExtractor

        return LocalExtractor()
    raise ValueError(f"unknown extractor {kind!r}; use local or llm")
