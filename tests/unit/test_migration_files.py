from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import MigrationError
from app.graph.migrations import load_migrations, split_statements


def test_shipped_migrations_load_in_order_with_dimension_filled() -> None:
    migrations = load_migrations(params={"embedding_dim": 384})
    versions = [m.version for m in migrations]
    assert versions == sorted(versions)
    assert versions[0] == 1
    text = "\n".join(s for m in migrations for s in m.statements)
    assert "{{" not in text
    assert "`vector.dimensions`: 384" in text


def test_split_drops_comments_and_keeps_multiline_statements() -> None:
    text = "// a comment\nCREATE INDEX a IF NOT EXISTS\nFOR (n:A) ON (n.x);\n\nRETURN 1;\n"
    assert split_statements(text) == (
        "CREATE INDEX a IF NOT EXISTS\nFOR (n:A) ON (n.x)",
        "RETURN 1",
    )


def test_missing_placeholder_value_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "001_x.cypher").write_text("RETURN {{dim}};")
    with pytest.raises(MigrationError, match="dim"):
        load_migrations(tmp_path, params={})


def test_bad_file_name_and_duplicate_versions_are_errors(tmp_path: Path) -> None:
    (tmp_path / "1_x.cypher").write_text("RETURN 1;")
    with pytest.raises(MigrationError, match="001_name"):
        load_migrations(tmp_path)
    (tmp_path / "1_x.cypher").unlink()
    (tmp_path / "001_a.cypher").write_text("RETURN 1;")
    (tmp_path / "001_b.cypher").write_text("RETURN 2;")
    with pytest.raises(MigrationError, match="share a version"):
        load_migrations(tmp_path)
