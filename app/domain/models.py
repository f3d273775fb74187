"""What an extractor sees and what it returns: mentions that cite the messages they came from."""

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


class RelationMention(BaseModel):
    source: str
    target: str
    label: str = Field(description="Raw relation label, e.g. 'works_at', 'sibling_of'.")
    confidence: float = Field(0.8, ge=0, le=1)
    message_ids: list[str] = Field(min_length=1)


class Extraction(BaseModel):
    entities: list[EntityMention] = Field(default_factory=list)
    facts: list[FactMention] = Field(default_factory=list)
    relations: list[RelationMention] = Field(default_factory=list)
