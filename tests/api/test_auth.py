"""Every GraphQL operation needs a valid token; scopes decide what it may do."""

from __future__ import annotations

import json

import pytest
import websockets

from app.graph.tokens import IssuedToken, Scope, TokenStore
from tests.api.conftest import Gql, codes

HEALTH = "{ health { neo4j { ok version } redis { ok } } }"
CREATE = """mutation($n: String!, $s: TokenScope!) {
  createApiToken(name: $n, scope: $s) { secret token { id scope } }
}"""


async def test_query_without_token_is_unauthenticated(gql: Gql) -> None:
    status, body = await gql(HEALTH)
    assert status == 401
    assert codes(body) == ["UNAUTHENTICATED"]
    assert "data" not in body or body["data"] is None


async def test_unknown_and_malformed_tokens_are_unauthenticated(gql: Gql) -> None:
    for token in ("lbr_not-a-real-token", "garbage", "lbr_"):
        status, body = await gql(HEALTH, token=token)
        assert (status, codes(body)) == (401, ["UNAUTHENTICATED"]), token


async def test_read_token_reads_health_with_neo4j_version(gql: Gql, tokens: TokenStore) -> None:
    reader = await tokens.create("reader", Scope.READ)
    status, body = await gql(HEALTH, token=reader.secret)
    assert status == 200, body
    health = body["data"]["health"]
    assert health["neo4j"]["ok"] is True
    assert health["neo4j"]["version"].startswith("5.26.")
    assert health["redis"]["ok"] is True


async def test_read_token_cannot_mutate(gql: Gql, tokens: TokenStore) -> None:
    reader = await tokens.create("reader", Scope.READ)
    _, body = await gql(CREATE, token=reader.secret, variables={"n": "x", "s": "READ"})
    assert codes(body) == ["FORBIDDEN"]
    assert [t.name for t in await tokens.list_all()] == ["reader"]


async def test_write_token_cannot_manage_tokens(gql: Gql, tokens: TokenStore) -> None:
    writer = await tokens.create("writer", Scope.WRITE)
    _, body = await gql(CREATE, token=writer.secret, variables={"n": "x", "s": "ADMIN"})
    assert codes(body) == ["FORBIDDEN"]
    _, body = await gql("{ apiTokens { id } }", token=writer.secret)
    assert codes(body) == ["FORBIDDEN"]


async def test_admin_creates_a_token_that_works_until_revoked(
    gql: Gql, admin_token: IssuedToken
) -> None:
    _, body = await gql(CREATE, token=admin_token.secret, variables={"n": "ci", "s": "READ"})
    created = body["data"]["createApiToken"]
    assert created["token"]["scope"] == "READ"
    assert created["secret"].startswith("lbr_")

    status, _ = await gql(HEALTH, token=created["secret"])
    assert status == 200

    _, body = await gql(
        "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
        token=admin_token.secret,
        variables={"id": created["token"]["id"]},
    )
    assert body["data"]["revokeApiToken"]["revokedAt"] is not None
    status, body = await gql(HEALTH, token=created["secret"])
    assert (status, codes(body)) == (401, ["UNAUTHENTICATED"])

    _, body = await gql("{ apiTokens { name revokedAt } }", token=admin_token.secret)
    listed = {t["name"]: t["revokedAt"] for t in body["data"]["apiTokens"]}
    assert listed["ci"] is not None, "a revoked token is kept, marked revoked"


async def test_bad_token_input_is_bad_input(gql: Gql, admin_token: IssuedToken) -> None:
    _, body = await gql(CREATE, token=admin_token.secret, variables={"n": " ", "s": "READ"})
    assert codes(body) == ["BAD_INPUT"]
    assert "name" in body["errors"][0]["message"]


async def test_open_endpoints_need_no_token(http, api_url: str) -> None:  # type: ignore[no-untyped-def]
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"neo4j": "ok", "redis": "ok"}
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def _ws_url(api_url: str) -> str:
    return api_url.replace("http://", "ws://") + "/graphql"


async def test_websocket_needs_token_in_connection_init(api_url: str) -> None:
    async with websockets.connect(_ws_url(api_url), subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_websocket_with_token_runs_operations(api_url: str, admin_token: IssuedToken) -> None:
    async with websockets.connect(_ws_url(api_url), subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(
            json.dumps(
                {
                    "type": "connection_init",
                    "payload": {"Authorization": f"Bearer {admin_token.secret}"},
                }
            )
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": HEALTH}}))
        message = json.loads(await ws.recv())
        assert message["type"] == "next"
        assert message["payload"]["data"]["health"]["neo4j"]["ok"] is True
        assert json.loads(await ws.recv()) == {"id": "1", "type": "complete"}
