"""The offline extractor: spaCy's named entities plus rules for what conversations carry."""

from app.extract.local.extractor import LocalExtractor

__all__ = ["LocalExtractor"]
