from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import websockets
from websockets.typing import Subprotocol

Gql = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]


@pytest.fixture
def gql(http: httpx.AsyncClient) -> Gql:
    """POST a GraphQL operation; returns (HTTP status, JSON body)."""

    async def call(
        query: str, token: str | None = None, variables: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        resp = await http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        return resp.status_code, resp.json()

    return call


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def subscribe(
    api_url: str, token: str, query: str, variables: dict[str, Any]
) -> list[dict[str, Any]]:
    """The payload of each ``next`` of one subscription over graphql-transport-ws, up to
    ``complete`` (60 s at most between two messages)."""
    url = api_url.replace("http://", "ws://") + "/graphql"
    payloads: list[dict[str, Any]] = []
    async with websockets.connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": query, "variables": variables}
        await ws.send(json.dumps({"id": "a", "type": "subscribe", "payload": payload}))
        while True:
            async with asyncio.timeout(60):
                message = json.loads(await ws.recv())
            if message["type"] == "complete":
                return payloads
            assert message["type"] == "next", message
            payloads.append(message["payload"])
