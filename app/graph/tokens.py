"""API tokens: stored as SHA-256 hashes on ``ApiToken`` nodes, shown in clear text once.

A token is ``lbr_`` followed by 32 random bytes (base64url), so a fast unsalted hash is enough:
there is no dictionary to attack, and the hash doubles as the unique lookup key.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import neo4j

from app.errors import BadInput, NotFound

TOKEN_PREFIX = "lbr_"  # noqa: S105 (a public prefix, not a secret)
_NAME_MAX = 100


class Scope(StrEnum):
    """Scopes are ordered: admin includes write, write includes read."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"

    def allows(self, needed: Scope) -> bool:
        order = list(Scope)
        return order.index(self) >= order.index(needed)


@dataclass(frozen=True)
class ApiToken:
    id: str
    name: str
    scope: Scope
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _to_token(node: dict[str, Any]) -> ApiToken:
    revoked = node.get("revoked_at")
    return ApiToken(
        id=node["id"],
        name=node["name"],
        scope=Scope(node["scope"]),
        created_at=node["created_at"].to_native(),
        revoked_at=revoked.to_native() if revoked is not None else None,
    )


class TokenStore:
    """Create, verify, list and revoke API tokens in Neo4j."""

    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def create(self, name: str, scope: Scope | str) -> IssuedToken:
        name = name.strip()
        if not name or len(name) > _NAME_MAX:
            raise BadInput(f"token name must be 1 to {_NAME_MAX} characters")
        try:
            scope = Scope(scope)
        except ValueError:
            allowed = ", ".join(s.value for s in Scope)
            raise BadInput(f"unknown scope {scope!r}; use one of {allowed}") from None
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        records, _, _ = await self._driver.execute_query(
            "CREATE (t:ApiToken {id: $id, name: $name, scope: $scope, hash: $hash, "
            "created_at: datetime()}) RETURN t {.*} AS t",
            id=uuid.uuid4().hex,
            name=name,
            scope=scope.value,
            hash=hash_secret(secret),
            database_=self._database,
        )
        return IssuedToken(token=_to_token(records[0]["t"]), secret=secret)

    async def verify(self, secret: str) -> ApiToken | None:
        """The active token for ``secret``, or None when it is unknown or revoked."""
        if not secret.startswith(TOKEN_PREFIX):
            return None
        records, _, _ = await self._driver.execute_query(
            "MATCH (t:ApiToken {hash: $hash}) WHERE t.revoked_at IS NULL RETURN t {.*} AS t",
            hash=hash_secret(secret),
            database_=self._database,
            routing_=neo4j.RoutingControl.READ,
        )
        return _to_token(records[0]["t"]) if records else None

    async def list_all(self) -> list[ApiToken]:
        records, _, _ = await self._driver.execute_query(
            "MATCH (t:ApiToken) RETURN t {.*} AS t ORDER BY t.created_at, t.id",
            database_=self._database,
            routing_=neo4j.RoutingControl.READ,
        )
        return [_to_token(r["t"]) for r in records]

    async def revoke(self, id_or_name: str) -> list[ApiToken]:
        """Revoke the token with this id, or every active token with this name.

        The node stays (revocation is recorded, never deleted) so the audit trail survives.
        """
        records, _, _ = await self._driver.execute_query(
            "MATCH (t:ApiToken) WHERE (t.id = $key OR t.name = $key) AND t.revoked_at IS NULL "
            "SET t.revoked_at = datetime() RETURN t {.*} AS t",
            key=id_or_name,
            database_=self._database,
        )
        if not records:
            raise NotFound(f"no active token with id or name {id_or_name!r}")
        return [_to_token(r["t"]) for r in records]
