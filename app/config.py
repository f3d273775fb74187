"""One configuration object for every process (API, worker, CLI), read from ``LIBRARIAN_*``."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings; every field can be set as ``LIBRARIAN_<FIELD>`` in the environment or ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix="LIBRARIAN_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(Path("var"), description="Local stores, logs and secrets.")

    api_host: str = "127.0.0.1"
    api_port: int = Field(8000, ge=1, le=65535)

    neo4j_host: str = "127.0.0.1"
    neo4j_port: int = Field(7687, ge=1, le=65535)
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = Field(
        None, description="Unset: a random one is created once under data_dir/secrets."
    )
    neo4j_database: str = "neo4j"
    neo4j_heap_mb: int = Field(512, ge=128)
    neo4j_pagecache_mb: int = Field(256, ge=16)

    redis_host: str = "127.0.0.1"
    redis_port: int = Field(6379, ge=1, le=65535)
    redis_db: int = Field(0, ge=0)

    embedding_dim: int = Field(384, ge=2, le=4096)
    embedder: Literal["local", "hashing"] = Field(
        "local", description="local: the pretrained model; hashing: a fast stub for tests only."
    )
    embed_threads: int = Field(
        1,
        ge=0,
        description="onnxruntime threads per embedding call (0: one per core). One is fastest "
        "when the worker runs jobs in parallel threads.",
    )
    query_int8: bool = Field(
        True,
        description="Embed search queries with an int8 copy of the local model, built once "
        "under data_dir/models: about 3x faster; stored vectors always come from the full model.",
    )
    extractor: Literal["auto", "local", "anthropic"] = Field(
        "auto", description="auto: anthropic when ANTHROPIC_API_KEY is set, else local."
    )
    anthropic_api_key: SecretStr | None = Field(None, validation_alias="ANTHROPIC_API_KEY")
    anthropic_model: str | None = Field(None, description="Unset: the extractor's default.")
    answerer: Literal["auto", "extractive", "anthropic"] = Field(
        "auto",
        description="Who writes ask's answers. auto: anthropic when ANTHROPIC_API_KEY is "
        "set, else extractive (quotes the best messages, offline).",
    )
    search_cache_seconds: float = Field(
        30.0, ge=0, description="How long a search result is reused (s); 0: never. Writes clear it."
    )

    max_messages_per_conversation: int = Field(20_000, ge=1)
    max_message_chars: int = Field(50_000, ge=1)
    max_conversation_chars: int = Field(5_000_000, ge=1)
    extract_window: int = Field(30, ge=1, description="Messages per extraction call.")
    extract_context: int = Field(3, ge=0, description="Earlier messages shown as context.")
    job_lease_seconds: float = Field(60.0, gt=0)
    job_max_attempts: int = Field(4, ge=1)
    job_retry_backoff_seconds: float = Field(2.0, ge=0)
    job_time_limit_seconds: int = Field(3600, ge=1)
    reconcile_every_seconds: float = Field(10.0, gt=0)
    resolve_lock_ttl_seconds: float = Field(
        15.0, gt=0, description="Expiry of the resolve-and-write lock (renewed while held)."
    )
    resolve_lock_wait_seconds: float = Field(
        300.0, gt=0, description="How long a job waits for the resolve-and-write lock."
    )
    resolve_threshold: float = Field(
        0.86, gt=0, le=1, description="Score a candidate needs to be the same entity."
    )
    reconcile_pending_grace_seconds: float = Field(
        300.0, ge=0, description="A pending job enqueued longer ago than this is enqueued again."
    )

    graphql_max_depth: int = Field(12, ge=1)
    graphql_max_aliases: int = Field(30, ge=1)
    graphql_max_tokens: int = Field(4000, ge=10)

    token_cache_seconds: float = Field(
        5.0, ge=0, description="How long a verified API token is trusted without a lookup (s)."
    )
    worker_heartbeat_seconds: float = Field(5.0, gt=0)
    worker_stale_after_seconds: float = Field(30.0, gt=0)

    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"

    @property
    def extractor_kind(self) -> str:
        if self.extractor != "auto":
            return self.extractor
        return "anthropic" if self.anthropic_api_key else "local"

    @property
    def answerer_kind(self) -> str:
        if self.answerer != "auto":
            return self.answerer
        return "anthropic" if self.anthropic_api_key else "extractive"

    @property
    def neo4j_uri(self) -> str:
        return f"bolt://{self.neo4j_host}:{self.neo4j_port}"

    @property
    def redis_url(self) -> str:
        return f"redis://{self.redis_host}:{self.redis_port}/{self.redis_db}"

    @property
    def admin_token_file(self) -> Path:
        return self.data_dir / "admin.token"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "log"

    def neo4j_password_value(self) -> str:
        """The configured Neo4j password, or the one generated for this data dir on first use."""
        if self.neo4j_password is not None:
            return self.neo4j_password.get_secret_value()
        return read_or_create_secret(self.data_dir / "secrets" / "neo4j_password")


def read_or_create_secret(path: Path) -> str:
    """Return the secret stored at ``path``, creating it (mode 0600) the first time."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(24)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(value + "\n", encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
