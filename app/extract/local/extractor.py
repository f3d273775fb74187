"""The offline default extractor: spaCy's parse and recogniser plus rules for what conversations
carry.

Pipeline, per window: ``en_core_web_sm``'s tagger, parser, lemmatiser and recogniser over the
whole window in one ``nlp.pipe`` batch (:func:`app.nlp.parse`); then, message by message:

- the template rules: every recognised name a slot in a sentence template, rewritten for kinship
  ("my sister Ana"), pronouns and chat shorthand, then the statement patterns (facts, roles,
  relations, events, contact details);
- the statements of the dependency parse (:mod:`.clauses`): subject, verb, object and
  prepositional object, with their dates resolved against the message time (:mod:`.when`);
- what people are and who is whose (:mod:`.descriptions`).

At the end of the window the gazetteer retypes what the recogniser alone typed
(:mod:`.gazetteer`), a speaker's short names and misspellings join the speaker, and speakers are
related ``talks_with`` (:mod:`.speakers`). Everything cites the window message it came from;
context messages are read only for the names of people, so that a "she" at the top of a window
can be resolved. ADR 0018.

Speakers: every named speaker is a person. AI assistants ("assistant", "ChatGPT", "Claude", ...)
are not entities, and what they say in the first person is ignored. An anonymous human ("user")
becomes a person only once something is said about them; the entity takes the name they give
("I'm Inês") and is called "User" only if they never give one, so that a single-user library
still gathers its owner's facts in one place.

Confidences are per rule: a first-person statement 0.9 (0.8 from the parse), a third-person one
0.8, one reached through a pronoun 0.7, kinship 0.9, contact details 0.95, weaker patterns
0.6-0.75.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.models import WindowMessage
from app.extract.base import ExtractResult
from app.extract.local.builder import Builder
from app.extract.local.clauses import read_clauses
from app.extract.local.descriptions import read_descriptions
from app.extract.local.gazetteer import retype_by_gazetteer
from app.extract.local.milestones import read_milestones
from app.extract.local.pets import name_pets
from app.extract.local.reader import WindowReader
from app.extract.local.replies import read_replies
from app.extract.local.speakers import link_addressed_names, link_short_names, talks_with
from app.extract.local.statements import apply_rules
from app.nlp import NerSpan, ner_spans, parse

__all__ = ["LocalExtractor"]


class LocalExtractor:
    """Implements :class:`~app.extract.base.Extractor` without any network access.

    Stateless between calls and safe to share between threads (the spaCy model is loaded once
    per process, on first use, and runs one batch at a time).
    """

    name = "local"

    def extract(
        self, window: Sequence[WindowMessage], *, context: Sequence[WindowMessage] = ()
    ) -> ExtractResult:
        builder = Builder()
        texts = [m.text for m in window]
        docs = parse(texts) if any(t.strip() for t in texts) else None
        people: list[str] | None = None

        def context_people() -> list[str]:
            nonlocal people
            if people is None:
                people = [
                    s.text
                    for doc in ner_spans([m.text for m in context])
                    for s in doc
                    if s.label == "PERSON"
                ]
            return people

        reader = WindowReader(builder, window, context_people=context_people)
        if docs is None:
            return ExtractResult(builder.build())
        for message, doc in zip(window, docs, strict=True):
            spans = [NerSpan(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
            reader.read(message, spans, apply_rules)
            read_clauses(reader, message, doc)
            read_descriptions(reader, message, doc)
            read_milestones(reader, message, doc)
            name_pets(reader, message)
        read_replies(reader, window, docs)
        retype_by_gazetteer(builder)
        link_short_names(builder, reader.speakers)
        link_addressed_names(builder, window, reader.speakers, docs)
        talks_with(builder, window, reader.speakers)
        return ExtractResult(builder.build())
