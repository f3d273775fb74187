"""ask: retrieve with hybrid search, number the best messages, stream the answerer's words.

The passages are the messages behind the best search hits (a fact brings the message it
comes from), at most ``MAX_PASSAGES``, numbered from 1 in rank order; citations in the answer
refer to those numbers and come back as the messages themselves. The answerer also gets the
graph (:class:`GraphKnowledge`, under the same filters) to answer from facts; when it cites
messages of its own (``Answer.sources``), the citations are those.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import structlog

from app.ask.base import Answer, Answerer, EntityHint, Passage, Token
from app.ask.knowledge import GraphKnowledge
from app.errors import BadInput
from app.graph import browse
from app.graph.browse import Reader
from app.graph.search import Filters
from app.search.engine import (
    ALL_KINDS,
    RankedMessage,
    Searcher,
    SearchKind,
    SearchRequest,
    SearchResult,
    ranked_messages,
)
from app.search.text import snippet

__all__ = ["MAX_PASSAGES", "Asked", "Citation", "ask"]

log = structlog.get_logger(__name__)

#: The most messages any answerer reads (``Answerer.passages`` says how many each does).
MAX_PASSAGES: Final = 16
#: A passage is the part of its message around the best match, at most this long: it bounds
#: what an answerer reads (an LLM's input tokens; the extractive answerer's embeddings).
PASSAGE_CHARS: Final = 1_500
_MAX_ENTITY_HINTS: Final = 5
_SEARCH_DEPTH: Final = 20


@dataclass(frozen=True)
class Citation:
    number: int
    message: dict[str, Any]  # app.graph.browse.MESSAGE's shape
    conversation: dict[str, Any] | None


@dataclass(frozen=True)
class Asked:
    """The last event: the whole answer and the messages it cites, in citation order."""

    answer: Answer
    citations: list[Citation]


async def ask(
    reader: Reader,
    searcher: Searcher,
    answerer: Answerer,
    question: str,
    filters: Filters | None = None,
) -> AsyncIterator[Token | Asked]:
    question = " ".join(question.split())
    if not question:
        raise BadInput("the question is empty")
    result = await searcher.search(
        reader,
        SearchRequest(question, ALL_KINDS, filters=filters or Filters()),
        limit=_SEARCH_DEPTH,
    )
    ranked = ranked_messages(result)[: min(MAX_PASSAGES, answerer.passages)]
    passages = [
        Passage(
            number=n,
            message_id=m.message["id"],
            conversation_id=m.message["conversation_id"],
            conversation_title=(m.conversation or {}).get("title") or "a conversation",
            speaker=m.message["speaker"],
            timestamp=_datetime(m.message.get("timestamp")),
            text=snippet(m.message["text"], result.terms, width=PASSAGE_CHARS).text,
            score=m.score,
        )
        for n, m in enumerate(ranked, 1)
    ]
    by_number = {n: (m.message, m.conversation) for n, m in enumerate(ranked, 1)}
    knowledge = GraphKnowledge(reader, filters)
    events = answerer.answer(question, passages, _entity_hints(result), knowledge=knowledge)
    async for event in events:
        if isinstance(event, Token):
            yield event
            continue
        if event.sources is not None:
            by_number = await _rows(reader, event.sources, {m.message["id"]: m for m in ranked})
        citations = [Citation(n, *by_number[n]) for n in event.cited if n in by_number]
        log.info(
            "ask.answered",
            answerer=event.answerer,
            method=event.method.value,
            found=event.found,
            passages=len(passages),
            cited=len(citations),
            llm_calls=event.usage.llm_calls,
            cost_usd=event.usage.cost_usd,
        )
        yield Asked(event, citations)


async def _rows(
    reader: Reader, sources: tuple[Passage, ...], found: dict[str, RankedMessage]
) -> dict[int, tuple[dict[str, Any], dict[str, Any] | None]]:
    """The message and conversation rows of an answerer's own passages, by number: from the
    search results where they are there, else read (one statement per kind)."""
    missing = [p.message_id for p in sources if p.message_id not in found]
    messages = (
        {m["id"]: m for m in await browse.by_id(reader, "Message", missing) if m is not None}
        if missing
        else {}
    )
    conversation_ids = list({m["conversation_id"] for m in messages.values()})
    conversations = (
        {
            c["id"]: c
            for c in await browse.by_id(reader, "Conversation", conversation_ids)
            if c is not None
        }
        if conversation_ids
        else {}
    )
    rows: dict[int, tuple[dict[str, Any], dict[str, Any] | None]] = {}
    for p in sources:
        if p.message_id in found:
            hit = found[p.message_id]
            rows[p.number] = (hit.message, hit.conversation)
        elif p.message_id in messages:
            message = messages[p.message_id]
            rows[p.number] = (message, conversations.get(message["conversation_id"]))
    return rows


def _entity_hints(result: SearchResult) -> list[EntityHint]:
    hints: dict[str, EntityHint] = {}
    for hit in result.hits:
        if hit.entity is not None and hit.kind in (SearchKind.ENTITY, SearchKind.FACT):
            hints.setdefault(hit.entity["id"], EntityHint(hit.entity["name"], hit.entity["type"]))
    return list(hints.values())[:_MAX_ENTITY_HINTS]


def _datetime(epoch_ms: int | None) -> datetime | None:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC) if epoch_ms is not None else None
