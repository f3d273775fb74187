"""The words of a quoted sentence that answer the question: a place for "where", a person for
"who", a date for "when" (read against the message's day), and for "what" the object of the
question's own verb, a name ("What is the name of …"), a title, or what the sentence says a
thing is.

A span is never a word the question already says, an interjection or a bare pronoun. Each comes
with a strength (how typical a span of its kind is: a recognised city answers "where" better
than a capitalised word after "to"), which ranks the sentences the answerer may quote
(ADR 0020). No span: the sentence itself is the answer, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final

from app.ask.phrasing import date_phrase
from app.ask.question import Expect, Question
from app.domain.normalize import normalize_name
from app.extract.local.clauses import clause_tense
from app.extract.local.gazetteer import is_known_place
from app.extract.local.lexicon import CHAT_WORDS, KIN
from app.extract.local.when import Tense, resolve
from app.nlp import parse
from app.search.text import STOP_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

__all__ = ["Said", "Span", "answer_spans"]

_PLACE_LABELS: Final = {"GPE": 1.0, "LOC": 1.0, "FAC": 0.9, "ORG": 0.75}
_PERSON_LABELS: Final = {"PERSON": 1.0}
_TITLE_LABELS: Final = {"WORK_OF_ART": 0.8, "PRODUCT": 0.8, "ORG": 0.5, "EVENT": 0.5}
_NOT_ANSWERS: Final = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}
_PLACE_PREPOSITIONS: Final = frozenset({"in", "at", "to", "from", "near", "into"})
_OBJECTS: Final = ("dobj", "attr", "oprd", "acomp", "dative")
_GENERIC_VERBS: Final = frozenset({"be", "do", "have", "get", "go", "make", "take", "say"})
_DROP_EDGE: Final = frozenset({"det", "poss", "punct", "cc", "predet", "prep", "case"})
_PRONOUNS: Final = frozenset(
    {"it", "that", "this", "one", "them", "those", "these", "something", "anything", "what",
     "everything", "nothing", "him", "her", "me", "you", "us", "lot", "bit", "thing", "stuff"}
)  # fmt: skip
_NAME_WORDS: Final = frozenset({"name", "names", "named", "called", "call"})
_DATE_STRENGTH: Final = {10: 1.0, 7: 0.8, 4: 0.6}  # by the partial date's length
_MAX_WORDS: Final = 6
_SPAN_QUESTIONS: Final = frozenset({"what", "which", "who", "whom", "whose", "where", "when"})
_POSSESSIVE: Final = frozenset({"'s", "\u2019s"})
_WORD: Final = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Span:
    text: str
    strength: float  # 0..1
    governed: bool = False  # a topic word of the question governs it ("flew into Halifax")


@dataclass(frozen=True)
class Said:
    """A sentence to read, the day it was said, and whether its message concerns the entities
    asked about (said by one of them, or naming one)."""

    sentence: str
    day: date | None
    concerns: bool


def answer_spans(
    question: Question, sentences: Sequence[Said], names: set[str]
) -> list[Span | None]:
    """For each sentence, the span that answers ``question``, if any. ``names`` (normalised)
    are those of the entities asked about: never an answer."""
    if not sentences:
        return []
    if not set(question.words) & _SPAN_QUESTIONS:  # "why", "how": a reason is no noun
        return [None] * len(sentences)
    docs = parse([question.text, *(s.sentence for s in sentences)])
    asked = _Asked(question, docs[0], names)
    return [_best(asked, doc, s) for doc, s in zip(docs[1:], sentences, strict=True)]


class _Asked:
    """What the question already says, and the verbs it asks about."""

    def __init__(self, question: Question, doc: Doc, names: set[str]) -> None:
        self.question = question
        self.words = {normalize_name(w) for w in question.words}
        self.names = {w for name in names for w in name.split()}
        self.words |= self.names
        self.verbs = {
            t.lemma_.casefold()
            for t in doc
            if t.pos_ == "VERB" and t.lemma_.casefold() not in _GENERIC_VERBS
        }
        topical = set(question.without(names))  # the names asked about are no topic
        self.topical = topical
        self.stems = tuple(w[: max(4, len(w) - 2)] for w in topical if len(w) >= 5)
        #: The lemmas of the question's topic words: a span they govern answers them.
        self.topic = self.verbs | {
            t.lemma_.casefold() for t in doc if t.lower_ in topical and t.pos_ in ("NOUN", "VERB")
        }
        self.names_wanted = bool(self.words & _NAME_WORDS)
        #: "What book…", "Which show…": the question names the kind of thing it wants.
        wh = [i for i, w in enumerate(question.words) if w in ("what", "which")]
        after = question.words[wh[0] + 1] if wh and wh[0] + 1 < len(question.words) else ""
        self.kind_named = bool(after) and after not in STOP_WORDS

    def says(self, text: str) -> bool:
        """Whether the question already says one of the words of ``text``, or ``text`` is
        shouted chat ("WAIT", "NATARAJAN")."""
        words = _WORD.findall(text)
        if words and all(w.isupper() and len(w) > 3 for w in words):
            return True
        return any(normalize_name(w) in self.words for w in words)

    def says_topic(self, token: Token) -> bool:
        """Whether ``token`` is one of the question's topic words: by lemma, or by a stem-like
        prefix as search compares words ("graduation" says "graduate")."""
        if token.lemma_.casefold() in self.topic or token.lower_ in self.topical:
            return True
        return bool(self.stems) and len(token.text) >= 4 and token.lower_.startswith(self.stems)

    def asks_verb(self, token: Token) -> bool:
        """Whether ``token`` is a verb the question asks about (by lemma, or by its very word
        when the question's parse missed the verb: "What is Ray building …")."""
        if token.lemma_.casefold() in self.verbs:
            return True
        return token.pos_ == "VERB" and token.lower_ in self.topical

    def next_to(self, doc: Doc, start: int) -> bool:
        """Whether a topic word comes just before ``start``: "my dog Chutney"."""
        return any(t.lemma_.casefold() in self.topic for t in doc[max(0, start - 2) : start])

    def governs(self, token: Token) -> bool:
        """Whether one of the question's topic words governs ``token`` (within three steps):
        "Halifax" in "we flew into Halifax" for "Which city did they fly into?"."""
        for _ in range(3):
            if token.head.i == token.i:
                return False
            token = token.head
            if token.lemma_.casefold() in self.topic:
                return True
        return False


def _best(asked: _Asked, doc: Doc, where: Said) -> Span | None:
    if not _about(asked, doc, where.concerns):
        return None  # a value from a sentence about something else would be a confident error
    return max(_spans(asked, doc, where.day), key=lambda s: s.strength, default=None)


def _spans(asked: _Asked, doc: Doc, said: date | None) -> list[Span]:
    expects = asked.question.expects
    if expects is Expect.DATE:
        found = list(_dates(asked, doc, said))
    elif expects is Expect.PLACE:
        found = list(_entities(asked, doc, _PLACE_LABELS)) + list(_after_place_words(asked, doc))
    elif expects is Expect.PERSON:
        found = [
            *_entities(asked, doc, _PERSON_LABELS, _no_place),
            *_named_after_kin(asked, doc),
            *_doers(asked, doc),
        ]
    else:
        found = list(_things(asked, doc))
    return found


def _about(asked: _Asked, doc: Doc, concerns: bool) -> bool:
    """Whether the sentence is about what was asked: it says one of the question's topic words
    (by lemma: "taught" says "teach") and names an entity asked about or comes from a message
    that concerns one (any message, when the question names no one)."""
    if not any(asked.says_topic(t) for t in doc):
        return False
    return concerns or not asked.names or any(normalize_name(t.text) in asked.names for t in doc)


def _dates(asked: _Asked, doc: Doc, said: date | None) -> Iterator[Span]:
    if said is None:
        return
    any_phrase = False
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        found = resolve(ent.text, said, _tense(ent.root))
        rendered = date_phrase(found)
        if found is not None and rendered is not None:
            any_phrase = True
            governed = asked.governs(ent.root)
            strength = _DATE_STRENGTH.get(len(found), 0.6) * (1.0 if governed else 0.9)
            yield Span(rendered, strength, governed)
    if not any_phrase:  # "last Friday", "this morning": phrases the recogniser may miss
        found = resolve(doc.text, said, _tense(doc[:].root))
        rendered = date_phrase(found)
        if found is not None and rendered is not None:
            yield Span(rendered, _DATE_STRENGTH.get(len(found), 0.6) * 0.9)


def _tense(token: Token) -> Tense:
    """The tense of the clause ``token`` stands in, as the extractor reads it."""
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return clause_tense(verb, verb)


def _no_place(ent: DocSpan) -> bool:
    """A person the recogniser found that is not a place: "Durham" is no one, unless it does
    something ("Jordan watched Gus")."""
    return ent.root.dep_ in ("nsubj", "nsubjpass") or not is_known_place(ent.text)


def _doers(asked: _Asked, doc: Doc) -> Iterator[Span]:
    """Who does what the question asks about: the named subject of its verb ("craig lent me
    the first six", "one of the physios, Callum, runs a bouldering group")."""
    for token in doc:
        if not asked.asks_verb(token):
            continue
        for subject in (c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")):
            named = [subject] if subject.pos_ == "PROPN" else []
            named += [t for t in subject.subtree if t.dep_ == "appos" and t.pos_ == "PROPN"]
            for person in named[:1]:
                if not asked.says(person.text) and normalize_name(person.text) not in CHAT_WORDS:
                    name = person.text if not person.text.islower() else person.text.title()
                    yield Span(name, 0.9, True)


def _entities(
    asked: _Asked,
    doc: Doc,
    labels: dict[str, float],
    keep: Callable[[DocSpan], bool] = lambda _: True,
) -> Iterator[Span]:
    for ent in doc.ents:
        strength = labels.get(ent.label_)
        if strength is None or not keep(ent):
            continue
        text = _trimmed(ent)
        if text and not asked.says(text):
            near = ent.root.head.lower_ in _PLACE_PREPOSITIONS
            governed = asked.governs(ent.root)
            strength *= 1.0 if governed else 0.85
            yield Span(text, strength + (0.05 if near else 0.0), governed)


def _after_place_words(asked: _Asked, doc: Doc) -> Iterator[Span]:
    """A capitalised name the recogniser missed, after "in", "at", "to"…: "moved to Leith"."""
    for token in doc:
        if token.lower_ in _PLACE_PREPOSITIONS and token.i + 1 < len(doc):
            run = _capitalised_run(doc, token.i + 1)
            if run and not asked.says(run):
                yield Span(run, 0.55)


def _named_after_kin(asked: _Asked, doc: Doc) -> Iterator[Span]:
    """ "my husband Dev", "his girlfriend, Tamsin": a name that follows a word of kin."""
    for token in doc:
        if token.lower_ in KIN and token.i + 1 < len(doc):
            start = token.i + 1 + (doc[token.i + 1].text == ",")
            run = _capitalised_run(doc, start) if start < len(doc) else ""
            if run and not asked.says(run):
                yield Span(run, 0.8)


def _things(asked: _Asked, doc: Doc) -> Iterator[Span]:
    if asked.names_wanted:  # "What is the name of …": a name, near the word it names
        for ent in doc.ents:
            text = _trimmed(ent)
            if text and ent.label_ not in _NOT_ANSWERS and not asked.says(text):
                near = asked.governs(ent.root) or asked.next_to(doc, ent.start)
                yield Span(text, 0.85 if near else 0.5, near)
        for token in doc:
            named = token.lower_ in ("named", "called")
            if (named or token.lemma_.casefold() in asked.topic) and token.i + 1 < len(doc):
                run = _capitalised_run(doc, token.i + 1)  # "named Kiwi", "my dog Pimento"
                if run and not asked.says(run):
                    yield Span(run, 0.95 if named else 0.9, True)
        return
    for token in doc:
        if asked.asks_verb(token):
            for obj in _objects(token):
                text = _phrase(obj)
                if text and not asked.says(text):
                    yield Span(text, 0.9, True)
    if asked.kind_named:  # "What book…", "Which game…": a title
        for ent in doc.ents:
            strength, text = _TITLE_LABELS.get(ent.label_), _trimmed(ent)
            if strength is not None and text and not asked.says(text):
                yield Span(text, strength * 0.8)
    for token in doc:
        # "Gus is a tortoise", "I'm an ER nurse": what the subject is.
        if token.dep_ == "attr" and token.head.lemma_ == "be" and token.pos_ == "NOUN":
            text = _phrase(token)
            if text and not asked.says(text):
                yield Span(text, 0.6)


def _objects(verb: Token) -> Iterator[Token]:
    for child in verb.children:
        if child.dep_ in _OBJECTS:
            yield child
        if child.dep_ == "xcomp":  # "building Felix a cherry rocking cradle"
            yield from (c for c in child.children if c.dep_ in _OBJECTS)
    for child in verb.children:
        # "was promoted to head brewer", "was diagnosed with atrial fibrillation"
        if child.dep_ == "prep" and child.lower_ in ("to", "with", "as", "into"):
            yield from (c for c in child.children if c.dep_ == "pobj")


def _phrase(head: Token) -> str:
    """The noun phrase ``head`` heads, as written, without its determiner, possessor or
    trailing clauses."""
    if head.pos_ == "PRON" or head.lower_ in _PRONOUNS or head.ent_type_ in _NOT_ANSWERS:
        return ""
    left = [t for t in head.lefts if t.dep_ not in _DROP_EDGE and t.pos_ != "PRON"]
    start, end = min([head.i, *(t.left_edge.i for t in left)]), head.i + 1
    for t in head.rights:  # "Baldur's Gate 3": a number or compound right of the head
        if t.dep_ in ("compound", "nummod") and t.i == end:
            end += 1
    return _trimmed(head.doc[start:end])


def _trimmed(span: DocSpan) -> str:
    """A span as written ("Saint-Malo", "McDonald's"), without a leading determiner, possessor
    or chat word, or a trailing possessive; empty when that leaves nothing, or too much."""
    doc, start, end = span.doc, span.start, span.end
    while start < end and (
        doc[start].dep_ in _DROP_EDGE
        or doc[start].pos_ == "PRON"
        or normalize_name(doc[start].text) in CHAT_WORDS
    ):
        start += 1
    while end > start and (doc[end - 1].lower_ in _POSSESSIVE or doc[end - 1].is_punct):
        end -= 1
    if end - start > _MAX_WORDS:
        return ""
    text = doc[start:end].text
    return "" if normalize_name(text) in CHAT_WORDS else text


def _capitalised_run(doc: Doc, start: int) -> str:
    """The words from ``start`` on that begin with a capital, not counting the first of the
    sentence's chat words."""
    words = []
    for token in doc[start:]:
        if not token.text[:1].isupper() or normalize_name(token.text) in CHAT_WORDS:
            break
        if token.pos_ == "PRON" or token.lower_ in ("i", "the"):
            break
        words.append(token.text)
        if len(words) == _MAX_WORDS:
            break
    return " ".join(words)
