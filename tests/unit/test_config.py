from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app.config import Settings


def test_env_prefix_and_derived_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIBRARIAN_NEO4J_PORT", "17687")
    monkeypatch.setenv("LIBRARIAN_REDIS_PORT", "16379")
    settings = Settings()
    assert settings.neo4j_uri == "bolt://127.0.0.1:17687"
    assert settings.redis_url == "redis://127.0.0.1:16379/0"


def test_generated_neo4j_password_is_stable_and_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = settings.neo4j_password_value()
    assert len(first) >= 24
    assert Settings(data_dir=tmp_path).neo4j_password_value() == first
    secret_file = tmp_path / "secrets" / "neo4j_password"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600


def test_explicit_password_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIBRARIAN_NEO4J_PASSWORD", "from-env")
    assert Settings(data_dir=tmp_path).neo4j_password_value() == "from-env"
    assert not (tmp_path / "secrets").exists()


def test_bad_port_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIBRARIAN_API_PORT", "70000")
    with pytest.raises(ValueError, match="api_port"):
        Settings()


def test_the_llm_follows_the_keys_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "LIBRARIAN_LLM_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    offline = Settings(_env_file=None, llm_base_url="")
    assert (offline.llm_kind, offline.extractor_name, offline.answerer_name) == (
        "none",
        "local",
        "extractive",
    )
    claude = Settings(_env_file=None, anthropic_api_key="sk-ant-x")
    assert (claude.llm_kind, claude.extractor_name, claude.answerer_name) == (
        "anthropic",
        "anthropic",
        "anthropic",
    )
    ollama = Settings(_env_file=None, llm_base_url="http://127.0.0.1:11434/v1")
    assert (ollama.llm_kind, ollama.llm_key) == ("openai", None)
    forced = Settings(_env_file=None, anthropic_api_key="sk-ant-x", llm_provider="none")
    assert (forced.extractor_name, forced.answerer_name) == ("local", "extractive")
    local_only = Settings(_env_file=None, openai_api_key="sk-x", extractor="local")
    assert (local_only.extractor_name, local_only.answerer_name) == ("local", "openai")


def test_an_empty_key_is_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # docker-compose passes an unset variable as an empty string.
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "LIBRARIAN_LLM_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "")
    monkeypatch.setenv("LIBRARIAN_LLM_BASE_URL", " ")
    settings = Settings(_env_file=None)
    assert settings.anthropic_api_key is None
    assert settings.llm_kind == "none"


def test_a_vendor_key_is_never_sent_to_a_custom_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "LIBRARIAN_LLM_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    ollama = Settings(
        _env_file=None,
        anthropic_api_key="sk-ant-real",
        openai_api_key="sk-real",
        llm_base_url="http://127.0.0.1:11434/v1",
    )
    assert (ollama.llm_kind, ollama.llm_key) == ("openai", None)
    proxied = Settings(_env_file=None, llm_base_url="http://proxy.local/v1", llm_api_key="sk-p")
    assert proxied.llm_key is not None
    assert proxied.llm_key.get_secret_value() == "sk-p"


def test_librarian_llm_api_key_alone_picks_its_vendor(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "LIBRARIAN_LLM_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    assert Settings(_env_file=None, llm_api_key="sk-ant-abc").llm_kind == "anthropic"
    assert Settings(_env_file=None, llm_api_key="sk-proj-abc").llm_kind == "openai"
    # The old extractor value means "the LLM", not "Anthropic whatever is configured".
    old = Settings(_env_file=None, openai_api_key="sk-x", extractor="anthropic")
    assert (old.llm_kind, old.extractor_name) == ("openai", "openai")
