from __future__ import annotations

import io
import json
import logging

import pytest
import structlog

from app.auth import bearer_secret
from app.graph.tokens import Scope, hash_secret
from app.logging import bound, configure_logging


def test_scopes_are_ordered() -> None:
    assert Scope.ADMIN.allows(Scope.WRITE)
    assert Scope.ADMIN.allows(Scope.READ)
    assert Scope.WRITE.allows(Scope.READ)
    assert not Scope.WRITE.allows(Scope.ADMIN)
    assert not Scope.READ.allows(Scope.WRITE)


@pytest.mark.parametrize(
    ("header", "secret"),
    [
        ("Bearer lbr_abc", "lbr_abc"),
        ("bearer   lbr_abc  ", "lbr_abc"),
        ("Basic dXNlcg==", None),
        ("Bearer", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_secret(header: str | None, secret: str | None) -> None:
    assert bearer_secret(header) == secret


def test_hash_is_stable_and_not_the_secret() -> None:
    assert hash_secret("lbr_x") == hash_secret("lbr_x")
    assert "lbr_x" not in hash_secret("lbr_x")


def test_log_lines_are_json_with_bound_ids_and_no_secrets() -> None:
    out = io.StringIO()
    configure_logging("INFO", "json", stream=out)
    try:
        with bound(request_id="rid-1"):
            structlog.get_logger("t").info(
                "login", password="hunter2", headers={"authorization": "Bearer lbr_s3cret"}
            )
            logging.getLogger("stdlib").warning("raw Bearer lbr_leak in text")
        lines = [json.loads(x) for x in out.getvalue().strip().splitlines()]
    finally:
        configure_logging("INFO", "console")
    first, second = lines
    assert first["request_id"] == "rid-1"
    assert first["event"] == "login"
    assert first["password"] == "[redacted]"
    assert "lbr_s3cret" not in json.dumps(first)
    assert second["request_id"] == "rid-1"
    assert "lbr_leak" not in second["event"]
    assert "request_id" not in structlog.contextvars.get_contextvars()
