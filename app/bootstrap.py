"""Steps shared by `librarian run`, the CLI and the test set-up: migrate, ensure the admin token."""

from __future__ import annotations

import os

import neo4j
import structlog

from app.config import Settings
from app.graph.migrations import Migration, load_migrations, migrate
from app.graph.tokens import Scope, TokenStore

log = structlog.get_logger(__name__)
ADMIN_TOKEN_NAME = "admin (make run)"  # noqa: S105 (a label, not a secret)


async def apply_migrations(driver: neo4j.AsyncDriver, settings: Settings) -> list[Migration]:
    migrations = load_migrations(params={"embedding_dim": settings.embedding_dim})
    return await migrate(driver, settings.neo4j_database, migrations)


async def ensure_admin_token(driver: neo4j.AsyncDriver, settings: Settings) -> bool:
    """Write an admin token to ``settings.admin_token_file`` unless the one there still works.

    Returns True when a new token was created.
    """
    store = TokenStore(driver, settings.neo4j_database)
    path = settings.admin_token_file
    if path.exists():
        existing = path.read_text(encoding="utf-8").strip()
        token = await store.verify(existing)
        if token is not None and token.scope is Scope.ADMIN:
            return False
        log.warning("admin_token.replaced", path=str(path), reason="not valid in this store")
    issued = await store.create(ADMIN_TOKEN_NAME, Scope.ADMIN)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(issued.secret + "\n")
    path.with_suffix(".tmp").replace(path)
    log.info("admin_token.created", path=str(path), token_id=issued.token.id)
    return True
