"""Every GraphQL example in the README is valid against the schema the code builds."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import parse, validate

from app.api.schema import build_schema

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_graphql_examples_validate() -> None:
    schema = build_schema()._schema
    blocks = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    operations = [
        op
        for block in blocks
        for op in re.split(r"\n(?=(?:query|mutation|subscription) )", block.strip())
    ]
    assert len(operations) >= 10
    for op in operations:
        source = re.sub(r"#.*", "", op).replace("…", "x")  # comments; elided ids
        errors = validate(schema, parse(source))
        assert not errors, (op, [e.message for e in errors])
