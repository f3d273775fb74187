"""The LLM the settings name, built once per process; None when Librarian runs offline."""

from __future__ import annotations

import redis

from app.config import Settings
from app.errors import LibrarianError
from app.llm.base import LLM
from app.llm.pricing import Prices, prices_for
from app.llm.ratelimit import NoLimit, RateLimiter, RedisRateLimiter

__all__ = ["DEFAULT_MODELS", "LLMNotConfigured", "create_llm", "model_name"]

DEFAULT_MODELS = {"anthropic": "claude-sonnet-4-6", "openai": "gpt-4.1-mini"}


class LLMNotConfigured(LibrarianError):
    code = "LLM_AUTH"


def model_name(settings: Settings) -> str:
    kind = settings.llm_kind
    legacy = settings.anthropic_model if kind == "anthropic" else None
    return settings.llm_model or legacy or DEFAULT_MODELS.get(kind, "")


def create_llm(settings: Settings, *, limiter: RateLimiter | None = None) -> LLM | None:
    """Anthropic or an OpenAI-compatible endpoint, as configured; None for ``none``."""
    kind = settings.llm_kind
    if kind == "none":
        return None
    model = model_name(settings)
    key = settings.llm_key
    overrides = {name: Prices(**table) for name, table in settings.llm_prices.items()}
    prices = prices_for(model, overrides)
    limiter = limiter or _limiter(settings, kind, model)
    timeout = settings.llm_timeout_seconds
    if kind == "anthropic":
        if key is None:
            raise LLMNotConfigured(
                "the anthropic provider needs LIBRARIAN_LLM_API_KEY (or ANTHROPIC_API_KEY when "
                "no LIBRARIAN_LLM_BASE_URL is set)"
            )
        from app.llm.anthropic import AnthropicLLM

        return AnthropicLLM(
            model=model,
            api_key=key.get_secret_value(),
            base_url=settings.llm_base_url,
            prices=prices,
            limiter=limiter,
            timeout_s=timeout,
            stream_timeout_s=timeout,
        )
    if kind == "openai":
        from app.llm.openai import OpenAILLM

        # A local server (Ollama, vLLM, LM Studio) takes any key; OpenAI and Azure need one.
        if key is None and settings.llm_base_url is None:
            raise LLMNotConfigured(
                "the openai provider needs LIBRARIAN_LLM_API_KEY or OPENAI_API_KEY, or "
                "LIBRARIAN_LLM_BASE_URL for a local server"
            )
        return OpenAILLM(
            model=model,
            api_key=key.get_secret_value() if key else "not-needed",
            base_url=settings.llm_base_url,
            prices=prices,
            limiter=limiter,
            timeout_s=timeout,
        )
    raise ValueError(f"unknown LLM provider {kind!r}; use none, anthropic or openai")


def _limiter(settings: Settings, kind: str, model: str) -> RateLimiter:
    rpm, tpm = settings.llm_requests_per_minute, settings.llm_tokens_per_minute
    if not rpm and not tpm:
        return NoLimit()
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=3)
    return RedisRateLimiter(client, f"{kind}:{model}", rpm=rpm, tpm=tpm)
