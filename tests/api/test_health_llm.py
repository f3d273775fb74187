"""`health { llm }`: which LLM (if any) extracts and answers, and whether it answers."""

from __future__ import annotations

from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql

LLM = "{ health { llm { provider model ok latencyMs error extractor answerer } } }"


async def test_offline_the_llm_is_none_and_the_local_extractor_works(
    gql: Gql, admin_token: IssuedToken
) -> None:
    status, body = await gql(LLM, token=admin_token.secret)

    assert status == 200, body
    assert body["data"]["health"]["llm"] == {
        "provider": "none",
        "model": None,
        "ok": True,
        "latencyMs": None,
        "error": None,
        "extractor": "local",
        "answerer": "extractive",
    }
