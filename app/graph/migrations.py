"""Numbered ``cypher/migrations/NNN_name.cypher`` files, applied in order and once each.

Each applied file is recorded as ``(:Migration {version, name, checksum, applied_at})``. Every
statement is idempotent (``IF NOT EXISTS``), so two processes migrating at once do no harm; an
applied file whose text later changed is refused, because the graph no longer matches it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import neo4j
import structlog

from app.errors import MigrationError

log = structlog.get_logger(__name__)

CYPHER_DIR = Path(__file__).resolve().parents[2] / "cypher"
MIGRATIONS_DIR = CYPHER_DIR / "migrations"
_FILE_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.cypher$")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    checksum: str


def load_migrations(
    directory: Path = MIGRATIONS_DIR, params: dict[str, int] | None = None
) -> list[Migration]:
    """Read the migration files in version order, filling ``{{name}}`` placeholders.

    Placeholders take integers only (index dimensions and the like), because Neo4j does not
    accept parameters inside schema commands and nothing else may be spliced into Cypher.
    """
    params = params or {}
    migrations: list[Migration] = []
    for path in sorted(directory.glob("*.cypher")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"migration file name must look like 001_name.cypher: {path}")
        text = path.read_text(encoding="utf-8")

        def fill(m: re.Match[str], path: Path = path) -> str:
            key = m.group(1)
            if key not in params:
                raise MigrationError(f"{path.name}: no value for placeholder {{{{{key}}}}}")
            return str(int(params[key]))

        filled = _PLACEHOLDER.sub(fill, text)
        migrations.append(
            Migration(
                version=int(match.group(1)),
                name=match.group(2),
                statements=split_statements(filled),
                checksum=hashlib.sha256(filled.encode()).hexdigest(),
            )
        )
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migration files share a version number in {directory}")
    return migrations


def split_statements(text: str) -> tuple[str, ...]:
    """Split on ``;`` at the end of a line; ``//`` comment lines are dropped."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return tuple(part.strip() for part in re.split(r";\s*$", body, flags=re.M) if part.strip())


async def applied_migrations(driver: neo4j.AsyncDriver, database: str) -> dict[int, str]:
    """Version → checksum of every migration recorded in the graph."""
    records, _, _ = await driver.execute_query(
        "MATCH (m:Migration) RETURN m.version AS version, m.checksum AS checksum",
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    return {r["version"]: r["checksum"] for r in records}


async def migrate(
    driver: neo4j.AsyncDriver, database: str, migrations: list[Migration]
) -> list[Migration]:
    """Apply what is not applied yet; returns the migrations applied by this call."""
    done = await applied_migrations(driver, database)
    for migration in migrations:
        recorded = done.get(migration.version)
        if recorded is not None and recorded != migration.checksum:
            raise MigrationError(
                f"migration {migration.version:03d}_{migration.name} was changed after it was "
                "applied; add a new migration instead of editing an applied one"
            )
    applied: list[Migration] = []
    for migration in migrations:
        if migration.version in done:
            continue
        for statement in migration.statements:
            try:
                await driver.execute_query(statement, database_=database)
            except neo4j.exceptions.Neo4jError as exc:
                raise MigrationError(
                    f"migration {migration.version:03d}_{migration.name} failed: {exc.message}"
                ) from exc
        await driver.execute_query(
            "MERGE (m:Migration {version: $version}) "
            "ON CREATE SET m.name = $name, m.checksum = $checksum, m.applied_at = datetime()",
            version=migration.version,
            name=migration.name,
            checksum=migration.checksum,
            database_=database,
        )
        log.info("migration.applied", version=migration.version, name=migration.name)
        applied.append(migration)
    return applied
