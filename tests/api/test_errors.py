"""Errors carry a stable extensions.code and a request id; limits are enforced."""

from __future__ import annotations

import httpx

from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql, codes


async def test_syntax_error_is_bad_input(gql: Gql, admin_token: IssuedToken) -> None:
    _, body = await gql("{ health { ", token=admin_token.secret)
    assert codes(body) == ["BAD_INPUT"]


async def test_unknown_field_is_bad_input(gql: Gql, admin_token: IssuedToken) -> None:
    _, body = await gql("{ nope }", token=admin_token.secret)
    assert codes(body) == ["BAD_INPUT"]
    assert "nope" in body["errors"][0]["message"]


async def test_alias_limit(gql: Gql, admin_token: IssuedToken) -> None:
    many = " ".join(f"a{i}: health {{ redis {{ ok }} }}" for i in range(31))
    _, body = await gql("{ " + many + " }", token=admin_token.secret)
    assert codes(body) == ["BAD_INPUT"]
    assert "alias" in body["errors"][0]["message"].lower()


async def test_token_limit(gql: Gql, admin_token: IssuedToken) -> None:
    huge = "{ " + " ".join("__typename" for _ in range(5000)) + " }"
    _, body = await gql(huge, token=admin_token.secret)
    assert codes(body) == ["BAD_INPUT"]
    assert "token" in body["errors"][0]["message"].lower()


async def test_request_id_is_echoed_and_put_on_errors(
    http: httpx.AsyncClient, admin_token: IssuedToken
) -> None:
    resp = await http.post(
        "/graphql",
        json={"query": "{ nope }"},
        headers={"Authorization": f"Bearer {admin_token.secret}", "X-Request-ID": "req-12345678"},
    )
    assert resp.headers["x-request-id"] == "req-12345678"
    assert resp.json()["errors"][0]["extensions"]["requestId"] == "req-12345678"
    fresh = await http.get("/healthz")
    assert len(fresh.headers["x-request-id"]) == 32
