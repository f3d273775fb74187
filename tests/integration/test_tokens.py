"""Tokens are stored hashed, shown once, and revocation keeps the record."""

from __future__ import annotations

import subprocess
import sys

import neo4j

from app.graph.tokens import Scope, TokenStore, hash_secret
from tests.conftest import REPO, Services


async def test_secret_is_stored_only_as_hash(tokens: TokenStore, graph: neo4j.AsyncDriver) -> None:
    issued = await tokens.create("ci", Scope.WRITE)
    records, _, _ = await graph.execute_query("MATCH (t:ApiToken) RETURN t {.*} AS t")
    stored = records[0]["t"]
    assert issued.secret not in stored.values()
    assert stored["hash"] == hash_secret(issued.secret)
    assert (await tokens.verify(issued.secret)) == issued.token


async def test_revoked_token_stops_verifying_but_is_kept(tokens: TokenStore) -> None:
    issued = await tokens.create("temp", Scope.READ)
    await tokens.revoke("temp")
    assert await tokens.verify(issued.secret) is None
    (kept,) = await tokens.list_all()
    assert kept.id == issued.token.id
    assert kept.revoked_at is not None


def _cli(services: Services, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=services.env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_cli_creates_lists_and_revokes(services: Services, tokens: TokenStore) -> None:
    created = _cli(services, "token", "create", "--name", "laptop", "--scope", "write")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip().splitlines()[-1]
    token = await tokens.verify(secret)
    assert token is not None
    assert (token.name, token.scope) == ("laptop", Scope.WRITE)

    listed = _cli(services, "token", "list")
    assert "laptop" in listed.stdout
    assert secret not in listed.stdout

    revoked = _cli(services, "token", "revoke", token.id)
    assert revoked.returncode == 0, revoked.stderr
    assert await tokens.verify(secret) is None

    again = _cli(services, "token", "revoke", token.id)
    assert again.returncode == 2
    assert "no active token" in again.stderr


def test_cli_bad_scope_and_unreachable_neo4j_fail_clearly(services: Services) -> None:
    bad = _cli(services, "token", "create", "--name", "x", "--scope", "root")
    assert bad.returncode == 2
    assert "invalid choice" in bad.stderr
    env = {**services.env(), "LIBRARIAN_NEO4J_PORT": "9"}
    down = subprocess.run(
        [sys.executable, "-m", "app.cli", "token", "list"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert down.returncode == 2
    assert "is the stack running" in down.stderr
