"""What an ingested conversation looks like, whatever format it came from."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class MessageInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    speaker: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1)
    timestamp: datetime | None = None
    external_id: str | None = Field(None, max_length=200)


class ConversationInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=500)
    origin: str = Field("api", max_length=100, description="Where it came from: api, chatgpt, …")
    messages: list[MessageInput] = Field(min_length=1)
