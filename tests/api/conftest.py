from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

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
