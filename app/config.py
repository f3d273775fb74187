"""One configuration object for every process (API, worker, CLI), read from ``LIBRARIAN_*``."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
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
    llm_provider: Literal["auto", "none", "anthropic", "openai"] = Field(
        "auto",
        description="The LLM behind extraction and answers. auto: openai when "
        "LIBRARIAN_LLM_BASE_URL is set; else by LIBRARIAN_LLM_API_KEY (anthropic for an sk-ant- "
        "key, else openai); else anthropic when ANTHROPIC_API_KEY is set, openai when "
        "OPENAI_API_KEY is; else none (offline).",
    )
    llm_model: str | None = Field(
        None, description="Unset: claude-sonnet-4-6 (anthropic) or gpt-4.1-mini (openai)."
    )
    llm_api_key: SecretStr | None = Field(
        None,
        description="Unset: ANTHROPIC_API_KEY or OPENAI_API_KEY, by provider, but never sent "
        "to a custom LIBRARIAN_LLM_BASE_URL (a local server needs none).",
    )
    llm_base_url: str | None = Field(
        None,
        description="An OpenAI-compatible endpoint (Azure, Ollama http://127.0.0.1:11434/v1, "
        "vLLM, LM Studio); or another Anthropic endpoint.",
    )
    llm_requests_per_minute: int = Field(
        0, ge=0, description="Client-side limit shared by every process through Redis; 0: none."
    )
    llm_tokens_per_minute: int = Field(
        0, ge=0, description="Client-side limit shared by every process through Redis; 0: none."
    )
    llm_prices: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="US dollars per million tokens by model, over the built-in table: "
        '{"my-model": {"input": 1.0, "output": 2.0, "cache_read": 0.1}}.',
    )
    llm_timeout_seconds: float = Field(120.0, gt=0, description="One LLM request's timeout.")
    llm_unavailable_retry_seconds: float = Field(
        60.0,
        gt=0,
        description="While the LLM is unreachable, an extraction job waits this long (doubling, "
        "up to 15 minutes) before it tries again; these waits do not use up its attempts.",
    )
    anthropic_api_key: SecretStr | None = Field(None, validation_alias="ANTHROPIC_API_KEY")
    openai_api_key: SecretStr | None = Field(None, validation_alias="OPENAI_API_KEY")
    anthropic_model: str | None = Field(None, description="Old name of LIBRARIAN_LLM_MODEL.")
    extractor: Literal["auto", "local", "llm", "anthropic"] = Field(
        "auto",
        description="auto: the LLM when one is configured, else local. anthropic: the old "
        "name of llm.",
    )
    answerer: Literal["auto", "extractive", "llm", "anthropic"] = Field(
        "auto",
        description="Who writes ask's answers. auto: the LLM when one is configured, else "
        "extractive (quotes the best messages, offline).",
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

    @field_validator(
        "llm_model", "llm_api_key", "llm_base_url", "anthropic_api_key", "openai_api_key",
        "anthropic_model", mode="before",
    )  # fmt: skip
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``KEY=`` (as docker-compose passes an unset variable) means unset, not an empty key."""
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def llm_kind(self) -> str:
        """``none``, ``anthropic`` or ``openai``."""
        if self.llm_provider != "auto":
            return self.llm_provider
        if self.llm_base_url:
            return "openai"  # a self-hosted or third-party endpoint speaks the OpenAI API
        if self.llm_api_key:
            key = self.llm_api_key.get_secret_value()
            return "anthropic" if key.startswith("sk-ant-") else "openai"
        if self.anthropic_api_key:
            return "anthropic"
        if self.openai_api_key:
            return "openai"
        return "none"

    @property
    def llm_key(self) -> SecretStr | None:
        """LIBRARIAN_LLM_API_KEY, else the vendor's own variable, but only for the vendor's own
        host: a vendor's secret is never sent to a custom LIBRARIAN_LLM_BASE_URL."""
        if self.llm_api_key is not None:
            return self.llm_api_key
        if self.llm_base_url:
            return None
        kind = self.llm_kind
        return self.anthropic_api_key if kind == "anthropic" else self.openai_api_key

    @property
    def extractor_kind(self) -> str:
        """``local`` or ``llm``."""
        if self.extractor == "local":
            return "local"
        if self.extractor in ("llm", "anthropic"):
            return "llm"
        return "llm" if self.llm_kind != "none" else "local"

    @property
    def extractor_name(self) -> str:
        """What a Job records as its extractor: ``local``, ``anthropic`` or ``openai``."""
        return "local" if self.extractor_kind == "local" else self.llm_kind

    @property
    def answerer_name(self) -> str:
        """Who answers: ``extractive``, ``anthropic`` or ``openai``."""
        return "extractive" if self.answerer_kind == "extractive" else self.llm_kind

    @property
    def answerer_kind(self) -> str:
        """``extractive`` or ``llm``."""
        if self.answerer == "extractive":
            return "extractive"
        if self.answerer in ("llm", "anthropic"):
            return "llm"
        return "llm" if self.llm_kind != "none" else "extractive"

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
