"""What an extractor sees and what it returns: mentions that cite the messages they came from.

Dates in mentions are partial ISO dates whose length is their precision: ``2024`` (year),
``2024-03`` (month) or ``2024-03-09`` (day), resolved against the timestamp of the message that
says them ("yesterday" in a message of 10 March 2024 is ``2024-03-09``).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class WindowMessage(BaseModel):
    """A stored message, as an extractor sees it."""

    model_config = ConfigDict(frozen=True)

    id: str
    seq: int
    speaker: str
    text: str
    timestamp: datetime | None = None


class EntityMention(BaseModel):
    key: str = Field(description="Local handle inside one extraction, e.g. 'e1'.")
    name: str
    type: str = Field(description="Raw entity type, e.g. 'person', 'organization'.")
    aliases: list[str] = Field(default_factory=list)
    message_ids: list[str] = Field(min_length=1)


class FactMention(BaseModel):
    entity: str = Field(description="The key of the entity the fact is about.")
    field: str = Field(description="Raw field label, e.g. 'occupation'.")
    value: str
    confidence: float = Field(0.8, ge=0, le=1)
    message_ids: list[str] = Field(min_length=1)
    valid_from: str | None = Field(
        None,
        description="When it starts to hold in the world, as the text says: a partial ISO date.",
    )
    valid_to: str | None = Field(None, description="When it stops holding: a partial ISO date.")
    event_date: str | None = Field(None, description="When it happened, for an event.")


class RelationMention(BaseModel):
    source: str
    target: str
    label: str = Field(description="Raw relation label, e.g. 'works_at', 'sibling_of'.")
    confidence: float = Field(0.8, ge=0, le=1)
    message_ids: list[str] = Field(min_length=1)
    valid_from: str | None = Field(
        None,
        description="When it starts to hold in the world, as the text says: a partial ISO date.",
    )
    valid_to: str | None = Field(None, description="When it stops holding: a partial ISO date.")
    event_date: str | None = Field(None, description="When it happened, for an event.")


class Extraction(BaseModel):
    entities: list[EntityMention] = Field(default_factory=list)
    facts: list[FactMention] = Field(default_factory=list)
    relations: list[RelationMention] = Field(default_factory=list)
