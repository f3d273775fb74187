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
