"""Picks the extractor from Settings: Claude when a key is configured, else the local one."""

from __future__ import annotations

from app.config import Settings
from app.extract.base import Extractor


def create_extractor(settings: Settings) -> Extractor:
    kind = settings.extractor_kind
    if kind == "anthropic":
        import anthropic

        from app.extract.llm import AnthropicExtractor

        key = settings.anthropic_api_key
        if key is None:
            raise ValueError("LIBRARIAN_EXTRACTOR=anthropic needs ANTHROPIC_API_KEY")
        client = anthropic.Anthropic(api_key=key.get_secret_value())
        if settings.anthropic_model:
            return AnthropicExtractor(client, model=settings.anthropic_model)
        return AnthropicExtractor(client)
    if kind == "local":
        from app.extract.local.extractor import LocalExtractor

        return LocalExtractor()
    raise ValueError(f"unknown extractor {kind!r}; use local or anthropic")
