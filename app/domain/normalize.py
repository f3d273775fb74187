"""Canonical spellings used to compare names and labels, never to display them."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_label", "normalize_name", "strip_accents"]

_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s?\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[\W_]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


# Latin letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
     "Æ": "AE", "œ": "oe", "Œ": "OE", "\u0131": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"}
)  # fmt: skip


def strip_accents(text: str) -> str:
    """``"José Müller"`` → ``"Jose Muller"``, ``"Paweł"`` → ``"Pawel"``; letters of other
    scripts survive unchanged."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_name(name: str) -> str:
    """The key two spellings of one name share: ``"  Ana's "`` and ``"ANA"`` both give ``"ana"``.

    Case-folded, accents stripped, possessives and punctuation dropped, whitespace collapsed.
    """
    text = _POSSESSIVE.sub("", strip_accents(name))
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def normalize_label(label: str) -> str:
    """A field or relation label as snake_case ASCII: ``"Works At"`` → ``"works_at"``.

    CamelCase is split too (``"worksAt"`` → ``"works_at"``).
    """
    text = _CAMEL_BOUNDARY.sub(" ", strip_accents(label))
    return "_".join(_NON_WORD.sub(" ", text.casefold()).split())
