"""API token management over GraphQL (admin scope)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from app.api.context import Context
from app.errors import Forbidden
from app.graph.tokens import ApiToken as StoredToken
from app.graph.tokens import Scope


@strawberry.enum(name="TokenScope")
class TokenScopeEnum(Enum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


@strawberry.type(name="ApiToken")
class ApiTokenType:
    id: strawberry.ID
    name: str
    scope: TokenScopeEnum
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def from_stored(cls, token: StoredToken) -> ApiTokenType:
        return cls(
            id=strawberry.ID(token.id),
            name=token.name,
            scope=TokenScopeEnum(token.scope.value),
            created_at=token.created_at,
            revoked_at=token.revoked_at,
        )


@strawberry.type
class CreatedApiToken:
    token: ApiTokenType
    secret: str = strawberry.field(description="Shown once; only its hash is stored.")


def require_scope(ctx: Context, needed: Scope) -> None:
    if ctx.principal is None or not ctx.principal.scope.allows(needed):
        raise Forbidden(f"This field needs the {needed.value} scope.")


async def list_tokens(ctx: Context) -> list[ApiTokenType]:
    require_scope(ctx, Scope.ADMIN)
    return [ApiTokenType.from_stored(t) for t in await ctx.services.tokens.store.list_all()]


async def create_token(ctx: Context, name: str, scope: TokenScopeEnum) -> CreatedApiToken:
    require_scope(ctx, Scope.ADMIN)
    issued = await ctx.services.tokens.store.create(name, Scope(scope.value))
    return CreatedApiToken(token=ApiTokenType.from_stored(issued.token), secret=issued.secret)


async def revoke_token(ctx: Context, id: strawberry.ID) -> ApiTokenType:
    require_scope(ctx, Scope.ADMIN)
    revoked = await ctx.services.tokens.store.revoke(str(id))
    for token in revoked:
        ctx.services.tokens.forget(token.id)
    return ApiTokenType.from_stored(revoked[0])
