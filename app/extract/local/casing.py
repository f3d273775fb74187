"""Capitals put back into messages written all in lower case, before the parser reads them.

Some people never press shift ("frank next door drove me to miami valley hospital"). The
recogniser and the parser were trained on edited text and see no names there, so a whole
speaker's knowledge went missing. Before a window is parsed, each all-lower-case message gets
back the capitals of:

- names that the window's other messages, written with capitals, capitalise in the middle of a
  sentence: runs of two or three words ("Traverse City"), and single words that are given
  names or places ("Denise", "Leeds"), or stand alone as names twice ("Duke"), which those
  messages never write in lower case;
- the speakers' own names ("walt" where the speaker label is "Walt");
- the names that cues announce, as ``app.extract.local.chat`` reads them ("my daughter denise",
  "moved to lyon");
- "i", "i'm", "i've" and the like.

Nothing inside an e-mail or web address changes. Only the case of a letter changes, so every
character offset stays where it was. Words that carry meaning in lower case (kin words, chat
words, stop words) are never capitalised, even when someone writes "Mom". The reader still
treats such a message as written in lower case (``WindowReader(lowercase_ids=…)``), so its
lower-case cues keep working.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Final

from app.domain.models import WindowMessage
from app.extract.local.chat import truecase_kin_names, truecase_places
from app.extract.local.gazetteer import is_known_place
from app.extract.local.lexicon import CHAT_WORDS, KIN
from app.extract.local.names import FEMALE_NAMES, MALE_NAMES
from app.search.text import STOP_WORDS

__all__ = ["is_lower_case", "truecase_window"]

# A capitalised run after a word in lower case or a comma: not the start of a sentence.
_MID_SENTENCE_NAME: Final = re.compile(
    r"(?<=[a-z0-9,;:)] )(?P<name>[A-Z][a-z\u00e0-\u00ff'-]+(?: [A-Z][a-z\u00e0-\u00ff'-]+){0,2})"
    r"(?![\w'-])"
)
_LOWER_WORD: Final = re.compile(r"(?<![\w'-])[a-z\u00e0-\u00ff][\w'-]*")
_ADDRESS: Final = re.compile(r"\S*(?:@|://|www\.)\S*|\S+\.(?:com|org|net|io)\b\S*")
_I: Final = re.compile(r"(?<![\w'-])i(?=(?:'(?:m|ve|ll|d)\b)|\s|[,.!?;:]|$)")
_ALONE: Final = 2  # times a word must stand alone as a name to be one
_MIN_WORDS: Final = 3  # a message this short says too little to tell how its writer writes
_NEVER: Final = frozenset(STOP_WORDS | CHAT_WORDS | set(KIN)) | {
    "mom", "mum", "dad", "mommy", "daddy", "mama", "papa", "grandma", "grandpa", "nana",
    "god", "lord", "internet", "tv",
}  # fmt: skip


def is_lower_case(text: str) -> bool:
    """Written all in lower case: no capital letter at all, and words enough to tell."""
    return not any(c.isupper() for c in text) and len(_LOWER_WORD.findall(text)) >= _MIN_WORDS


def _names(messages: Iterable[WindowMessage]) -> dict[str, str]:
    """casefolded name (one to three words) → its capitalised form, as the careful writers of
    the window write it; a word they also write in lower case is no name, and one word that is
    no given name or place must stand alone there twice ("Duke", not "Fibre 500")."""
    capital: dict[str, str] = {}
    alone: Counter[str] = Counter()
    lower: set[str] = set()
    for message in messages:
        if is_lower_case(message.text) or message.text.isupper():
            continue
        lower.update(_LOWER_WORD.findall(message.text))
        for m in _MID_SENTENCE_NAME.finditer(message.text):
            form = m["name"].casefold()
            capital.setdefault(form, m["name"])
            if not re.match(r"\s*[\w(]", message.text[m.end() :]) or re.match(
                r"\s+[a-z]", message.text[m.end() :]
            ):
                alone[form] += 1
    return {
        form: name
        for form, name in capital.items()
        if not (set(form.split()) & _NEVER)
        and (" " in form or (form not in lower and (_is_name(form) or alone[form] >= _ALONE)))
    }


def _is_name(word: str) -> bool:
    """A word that is a given name or a place, not a brand's word ("Fibre 500")."""
    return word in FEMALE_NAMES or word in MALE_NAMES or is_known_place(word)


def _speaker_names(messages: Iterable[WindowMessage]) -> dict[str, str]:
    names: dict[str, str] = {}
    for message in messages:
        for word in re.findall(r"[^\W\d_]{2,}", message.speaker):
            if word.casefold() not in _NEVER:
                names.setdefault(word.casefold(), word[:1].upper() + word[1:])
    return names


def _capitalise(text: str, names: dict[str, str]) -> str:
    by_first: dict[str, list[str]] = {}
    for form in sorted(names, key=len, reverse=True):
        by_first.setdefault(form.split()[0], []).append(form)
    addresses = [(m.start(), m.end()) for m in _ADDRESS.finditer(text)]
    chars = list(text)
    for i in _I.finditer(text):
        if not any(a <= i.start() < b for a, b in addresses):
            chars[i.start()] = "I"
    end = 0
    for word in _LOWER_WORD.finditer(text):
        if word.start() < end or any(a <= word.start() < b for a, b in addresses):
            continue
        for form in by_first.get(word.group(), ()):
            stop = word.start() + len(form)
            goes_on = re.match(r"[\w'-]", text[stop : stop + 1])
            if text.startswith(form, word.start()) and not goes_on:
                written = names[form]
                if len(written) == len(form):  # only the case changes: offsets stay put
                    chars[word.start() : stop] = written
                end = stop
                break
    return "".join(chars)


def truecase_window(
    window: Sequence[WindowMessage], context: Sequence[WindowMessage] = ()
) -> tuple[list[WindowMessage], frozenset[str]]:
    """The window with its all-lower-case messages given back their names' capitals, and the
    ids of those messages."""
    lowered = frozenset(m.id for m in window if is_lower_case(m.text))
    if not lowered:
        return list(window), lowered
    names = {**_speaker_names(window), **_names([*context, *window])}
    out = []
    for message in window:
        if message.id in lowered:
            text = _capitalise(message.text, names)
            cued = truecase_kin_names(truecase_places(text))  # "my daughter denise"
            text = cued if len(cued) == len(text) else text
            if text != message.text:
                message = message.model_copy(update={"text": text})
        out.append(message)
    return out, lowered
