"""What a search query becomes: terms, a safe Lucene query, and highlighted snippets.

Nothing the user types reaches Lucene as syntax. A query is cut into words (runs of letters
and digits of any script); English stop words are dropped, except when nothing else is left;
what remains is joined with OR. Text inside double quotes becomes a phrase. So ``AND``,
``title:x``, ``*``, ``~`` or an unbalanced quote are words or nothing, never operators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Final

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "QueryTerms",
    "Snippet",
    "SnippetPart",
    "parse_query",
    "snippet",
]

#: Longer queries are refused (BAD_INPUT): a search box, not a document.
MAX_QUERY_CHARS: Final = 1_000
#: Lucene refuses queries of over 1,024 clauses; the first terms carry the meaning anyway.
MAX_TERMS: Final = 32
#: Characters of text around the best match that a snippet shows.
SNIPPET_CHARS: Final = 220
#: Matches are looked for in this much of a text at most (a message may hold 50,000).
SCAN_CHARS: Final = 20_000


def _mark_ranges() -> str:
    """A character class body of every combining mark (Unicode M*), which ``\\w`` leaves out:
    without them "नमस्ते" or a decomposed "é" would split into pieces."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x20000):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


_WORD_CHAR = f"[^\\W_]|[{_mark_ranges()}]"
#: A word: letters, digits and combining marks of any script. Never Lucene syntax.
_WORD = re.compile(f"(?:{_WORD_CHAR})+")
_PHRASE = re.compile(r'"([^"]*)"')
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")

# Lucene's English stop words plus question words: "who is", "what did" carry no topic.
STOP_WORDS: Final = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "any",
        "tell",
        "know",
        "said",
        "say",
        "says",
    ]
)


@dataclass(frozen=True)
class QueryTerms:
    words: tuple[str, ...]  # case-folded, stop words removed, each once, at most MAX_TERMS
    phrases: tuple[tuple[str, ...], ...]  # quoted word sequences of two or more words

    @property
    def empty(self) -> bool:
        return not self.words

    @cached_property
    def _forms(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """Short terms match exactly; longer ones by a stem-like prefix ("deadline" matches
        "deadlines": the index stems, this mirrors it roughly)."""
        terms = set(self.words) | {w for p in self.phrases for w in p}
        exact = frozenset(t for t in terms if len(t) < 4)
        prefixes = tuple(sorted({t[: max(4, len(t) - 2)] for t in terms if len(t) >= 4}))
        return exact, prefixes

    def matches(self, word: str) -> bool:
        """Whether a word of a text matches one of the query's words."""
        exact, prefixes = self._forms
        folded = word.casefold()
        return folded in exact or (bool(prefixes) and folded.startswith(prefixes))

    def found_in(self, text: str) -> int:
        """How many of the query's words occur in ``text``."""
        seen = {w.casefold() for w in _WORD.findall(text[:SCAN_CHARS]) if self.matches(w)}
        return sum(1 for w in self.words if any(_same(w, s) for s in seen))

    def lucene(self) -> str:
        """The Lucene query: phrases and words joined by OR ('' when there is nothing)."""
        clauses = [f'"{" ".join(p)}"' for p in self.phrases]
        clauses += list(self.words)
        return " OR ".join(clauses)


def _same(term: str, word: str) -> bool:
    return word == term or (len(term) >= 4 and word.startswith(term[: max(4, len(term) - 2)]))


def parse_query(query: str) -> QueryTerms:
    folded = _POSSESSIVE.sub("", unicodedata.normalize("NFC", query).casefold())
    phrases: list[tuple[str, ...]] = []
    for quoted in _PHRASE.findall(folded):
        words = tuple(_WORD.findall(quoted))
        if len(words) > 1 and words not in phrases:
            phrases.append(words)
    every = list(dict.fromkeys(_WORD.findall(folded)))
    topical = [w for w in every if w not in STOP_WORDS]
    return QueryTerms(tuple((topical or every)[:MAX_TERMS]), tuple(phrases[: MAX_TERMS // 4]))


@dataclass(frozen=True)
class SnippetPart:
    text: str
    highlighted: bool


@dataclass(frozen=True)
class Snippet:
    text: str  # the parts joined
    parts: tuple[SnippetPart, ...]


def snippet(text: str, terms: QueryTerms, width: int = SNIPPET_CHARS) -> Snippet:
    """The part of ``text`` around its densest run of matching words, at most ``width``
    characters (plus an ellipsis at each cut end), with the matching words highlighted."""
    text = " ".join(text[:SCAN_CHARS].split())
    hits = [m for m in _WORD.finditer(text) if terms.matches(m.group())]
    start, end = 0, len(text)
    if len(text) > width:
        start = _best_window(hits, width)
        if start > 0:
            # Begin a little before the first match, at a word boundary.
            start = max(0, start - width // 5)
            space = text.rfind(" ", 0, start + 1)
            start = space + 1 if space >= 0 else start
        end = min(len(text), start + width)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    parts: list[SnippetPart] = []
    if start > 0:
        parts.append(SnippetPart("…", False))
    cursor = start
    for m in hits:
        if m.start() < start or m.end() > end:
            continue
        if m.start() > cursor:
            parts.append(SnippetPart(text[cursor : m.start()], False))
        parts.append(SnippetPart(m.group(), True))
        cursor = m.end()
    if cursor < end:
        parts.append(SnippetPart(text[cursor:end], False))
    if end < len(text):
        parts.append(SnippetPart("…", False))
    merged = _merge_plain(parts)
    return Snippet("".join(p.text for p in merged), tuple(merged))


def _best_window(hits: list[re.Match[str]], width: int) -> int:
    """Start offset of the ``width``-character window holding the most matches (0 if none)."""
    best, best_count, lo = 0, 0, 0
    for hi, m in enumerate(hits):
        while m.end() - hits[lo].start() > width:
            lo += 1
        if hi - lo + 1 > best_count:
            best, best_count = hits[lo].start(), hi - lo + 1
    return best


def _merge_plain(parts: list[SnippetPart]) -> list[SnippetPart]:
    merged: list[SnippetPart] = []
    for part in parts:
        if merged and not part.highlighted and not merged[-1].highlighted:
            merged[-1] = SnippetPart(merged[-1].text + part.text, False)
        elif part.text:
            merged.append(part)
    return merged
