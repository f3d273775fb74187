"""Conversations and their messages: ingest (idempotent by content checksum) and reads."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import neo4j

from app.config import Settings
from app.domain.conversations import ConversationInput
from app.domain.models import WindowMessage
from app.errors import BadInput
from app.graph.cypher import query
from app.graph.jobs import Job, to_job


@dataclass(frozen=True)
class IngestLimits:
    max_messages: int
    max_message_chars: int
    max_total_chars: int

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestLimits:
        return cls(
            settings.max_messages_per_conversation,
            settings.max_message_chars,
            settings.max_conversation_chars,
        )


@dataclass(frozen=True)
class Ingested:
    conversation: dict[str, Any]
    job: Job | None
    created: bool

    @property
    def conversation_id(self) -> str:
        return str(self.conversation["id"])


def content_checksum(conversation: ConversationInput) -> str:
    """SHA-256 over the messages (speaker, text, timestamp), not the title or origin.

    The same content pasted twice, or exported twice under another title, is the same source.
    """
    return checksum_of(_rows(conversation))


def _rows(conversation: ConversationInput) -> list[list[Any]]:
    """[speaker, text, epoch ms or None, external id or None] per message."""
    return [
        [m.speaker, m.text, _epoch_ms(m.timestamp), m.external_id] for m in conversation.messages
    ]


def checksum_of(rows: list[list[Any]]) -> str:
    content = [row[:3] for row in rows]  # external ids do not make content different
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def conversation_id(checksum: str) -> str:
    return f"conv_{checksum[:24]}"


def message_id(conv_id: str, seq: int) -> str:
    return "msg_" + hashlib.sha256(f"{conv_id}:{seq}".encode()).hexdigest()[:24]


def check_limits(conversation: ConversationInput, limits: IngestLimits) -> None:
    """Refuse oversized input, naming the offending message."""
    if len(conversation.messages) > limits.max_messages:
        raise BadInput(
            f"a conversation may have at most {limits.max_messages} messages; "
            f"this one has {len(conversation.messages)}"
        )
    total = sum(len(m.text) for m in conversation.messages)
    if total > limits.max_total_chars:
        raise BadInput(
            f"a conversation may hold at most {limits.max_total_chars} characters of text; "
            f"this one has {total}"
        )
    for i, m in enumerate(conversation.messages):
        if len(m.text) > limits.max_message_chars:
            raise BadInput(
                f"messages[{i}].text has {len(m.text)} characters; "
                f"the limit is {limits.max_message_chars}",
                message_index=i,
            )


def _epoch_ms(ts: datetime | None) -> int | None:
    """Naive times (transcripts without a zone) are taken as UTC, so every stored timestamp is
    a zoned DateTime and they all compare and sort together."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return round(ts.timestamp() * 1000)


async def find_by_checksum(
    driver: neo4j.AsyncDriver, database: str, checksum: str
) -> Ingested | None:
    records, _, _ = await driver.execute_query(
        "MATCH (c:Conversation {checksum: $checksum}) "
        "OPTIONAL MATCH (c)-[:HAS_JOB]->(j:Job) "
        "WITH c, j ORDER BY j.created_at DESC "
        "RETURN c {.*} AS conversation, collect(j {.*})[0] AS job",
        checksum=checksum,
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    if not records:
        return None
    job = records[0]["job"]
    return Ingested(records[0]["conversation"], to_job(job) if job else None, created=False)


async def ingest(
    driver: neo4j.AsyncDriver,
    database: str,
    conversation: ConversationInput,
    *,
    limits: IngestLimits,
    extractor: str,
    correlation_id: str,
) -> Ingested:
    """Store the conversation, its messages (staged) and a pending job in one transaction.

    Content seen before creates nothing and returns the existing conversation and its latest
    job. The check happens inside the writing transaction; two concurrent ingests of the same
    content race on the checksum's unique constraint, and the loser reads the winner's result.
    The job is created as enqueued: the caller enqueues right after the commit and clears the
    mark if that fails, so the reconciler takes it at once.
    """
    check_limits(conversation, limits)
    rows = _rows(conversation)
    checksum = checksum_of(rows)
    conv_id = conversation_id(checksum)
    try:
        records, _, _ = await driver.execute_query(
            query("create_conversation"),
            conversation={
                "id": conv_id,
                "title": conversation.title,
                "origin": conversation.origin,
                "checksum": checksum,
            },
            job={
                "id": f"job_{uuid.uuid4().hex}",
                "correlation_id": correlation_id,
                "extractor": extractor,
            },
            message_count=len(rows),
            staged=json.dumps(rows, ensure_ascii=False, separators=(",", ":")),
            database_=database,
        )
    except neo4j.exceptions.ConstraintError:
        records = []
    if records:
        return Ingested(records[0]["conversation"], to_job(records[0]["job"]), created=True)
    existing = await find_by_checksum(driver, database, checksum)
    if existing is None:
        raise RuntimeError(f"conversation {conv_id} neither created nor found")
    return existing


async def store_staged_messages(driver: neo4j.AsyncDriver, database: str, conv_id: str) -> int:
    """Create the Message nodes of a staged conversation; 0 when they exist already."""
    records, _, _ = await driver.execute_query(
        "MATCH (:Conversation {id: $id})-[:HAS_STAGED]->(s:StagedMessages) RETURN s.messages AS m",
        id=conv_id,
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    if not records:
        return 0
    messages = [
        {
            "id": message_id(conv_id, seq),
            "seq": seq,
            "speaker": speaker,
            "text": text,
            "epoch_ms": epoch_ms,
            "external_id": external_id,
        }
        for seq, (speaker, text, epoch_ms, external_id) in enumerate(json.loads(records[0]["m"]))
    ]
    await driver.execute_query(
        query("store_messages"), conversation_id=conv_id, messages=messages, database_=database
    )
    return len(messages)


def _to_window_message(record: neo4j.Record) -> WindowMessage:
    ts = record["timestamp"]
    return WindowMessage(
        id=record["id"],
        seq=record["seq"],
        speaker=record["speaker"],
        text=record["text"],
        timestamp=ts.to_native() if ts is not None else None,
    )


async def messages_of(
    driver: neo4j.AsyncDriver, database: str, conv_id: str, *, without_embedding: bool = False
) -> list[WindowMessage]:
    """The conversation's messages in order (through the (conversation_id, seq) index)."""
    records, _, _ = await driver.execute_query(
        "MATCH (m:Message) WHERE m.conversation_id = $id AND m.seq >= 0 "
        + ("AND m.embedding IS NULL " if without_embedding else "")
        + "RETURN m.id AS id, m.seq AS seq, m.speaker AS speaker, m.text AS text, "
        "m.timestamp AS timestamp ORDER BY m.seq",
        id=conv_id,
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    return [_to_window_message(r) for r in records]
