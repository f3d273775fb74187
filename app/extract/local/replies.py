"""Answers that lean on the question before them.

"what are you reading these days?" — "Lessons in Chemistry! finally got to it." The answer is a
bare name; the question supplies the verb and says whom it is about: the one who answers. Only a
question about what the other person is reading, watching, playing or driving now ("what are
you reading these days?", "what show are you watching?") and an answer that opens with a name and
no verb of its own ("The Bear.", not "nothing for now" or "yep. the minivan life chose me")
make a statement; its confidence is below a first-person statement's, as the words are split
across two messages.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from app.domain.models import WindowMessage
from app.extract.local.clauses import say_named
from app.extract.local.lexicon import CHAT_WORDS
from app.extract.local.subjects import Subject, first_name

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from app.extract.local.reader import WindowReader

__all__ = ["read_replies"]

#: What someone may be asked to be doing, answered with a name.
ASKED_VERBS: Final = frozenset({"read", "watch", "play", "drive", "binge", "rewatch"})
REPLY_CONFIDENCE: Final = 0.7
_MAX_WORDS: Final = 8


def read_replies(
    reader: WindowReader, window: Sequence[WindowMessage], docs: Sequence[Doc]
) -> None:
    for before, message, asked, answer in zip(window, window[1:], docs, docs[1:], strict=False):
        if before.speaker == message.speaker:
            continue
        verb = _asked(asked)
        root = _bare_name(answer)
        if verb is None or root is None:
            continue
        me = reader.me(message)
        if me is None:
            continue
        say_named(reader, message, Subject(me, REPLY_CONFIDENCE), verb, root)


def _asked(doc: Doc) -> str | None:
    """ "what are you reading these days? I need something for the train" → read: the last
    question asks the other person what they are doing, the question word its object."""
    asked = [s for s in doc.sents if s.text.rstrip().endswith("?")]
    if not asked:
        return None
    sent = asked[-1]
    what = next((t for t in sent[:3] if t.lower_ in ("what", "which")), None)
    if what is None:
        return None
    verb = what.head if what.dep_ in ("dobj", "det") else None
    if verb is not None and what.dep_ == "det":  # "what book are you reading"
        verb = verb.head if verb.dep_ == "dobj" else None
    if verb is None or verb.pos_ != "VERB" or verb.lemma_.casefold() not in ASKED_VERBS:
        return None
    if verb.tag_ != "VBG" or not any(
        c.dep_ == "nsubj" and c.lower_ == "you" for c in verb.children
    ):
        return None
    return verb.lemma_.casefold()


def _bare_name(doc: Doc) -> str | None:
    """The name a message opens with, when its first sentence is only that name."""
    first: Span | None = next(iter(doc.sents), None)
    if first is None or any(t.pos_ in ("VERB", "AUX", "PRON") for t in first):
        return None
    if first.text.rstrip().endswith("?"):
        return None  # "The Bear? No. Succession": the name is asked back, then denied
    words = list(itertools.takewhile(lambda t: not t.is_punct, first))
    if not words or not words[0].text[:1].isupper() or len(words) > _MAX_WORDS:
        return None
    if any(t.lower_ in CHAT_WORDS for t in words) or not any(t.pos_ == "PROPN" for t in words):
        return None
    if any(t.pos_ in ("ADV", "INTJ", "ADJ") for t in words):
        return None  # "Still the Civic", "Mostly Dune": more than a bare name
    if words[0].ent_type_ == "PERSON" or first_name(words[0].text):
        return None  # "Mum, mostly", "Sam!": someone, not something read or played
    return doc[words[0].i : words[-1].i + 1].text
