"""Export and import carry time and history: dates, when each value was said, and which value
superseded which (ADR 0017)."""

from __future__ import annotations

import json
from pathlib import Path

import neo4j
from starlette.applications import Starlette

from app.graph.export import ExportKind, export_to_dir
from app.graph.importer import default_files, import_files
from app.graph.integrity import check
from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql
from tests.api.history_helpers import Said, person, write
from tests.api.test_history import RELATIONS, Y2023, Y2024, _facts, _values, denver, lyon


async def test_history_survives_export_and_import(
    gql: Gql,
    admin_token: IssuedToken,
    graph: neo4j.AsyncDriver,
    api_app: Starlette,
    tmp_path: Path,
) -> None:
    token = admin_token.secret
    mia = person("Mia Roth")
    await write(graph, api_app, denver())
    await write(graph, api_app, lyon(valid_from="2019", valid_to="2023-11"))
    await write(
        graph, api_app, Said("conv_r1", Y2023, relations=[("Mia Roth", "lives_in", "Lyon", {})])
    )
    await write(
        graph,
        api_app,
        Said(
            "conv_r2",
            Y2024,
            relations=[("Mia Roth", "lives_in", "Denver", {"event_date": "2024-02"})],
        ),
    )
    before, _ = await _facts(gql, token, mia, all=True)
    _, body = await gql(RELATIONS, token, {"id": mia, "all": True})
    relations_before = body["data"]["entity"]["relations"]

    counts = await export_to_dir(graph, "neo4j", tmp_path / "out")
    assert counts[ExportKind.FACTS] == 2
    rows = [json.loads(x) for x in (tmp_path / "out" / "facts.ndjson").read_text().splitlines()]
    by_value = {r["value"]: r for r in rows}
    assert by_value["Lyon"]["valid_from"] == "2019"
    assert by_value["Lyon"]["valid_to"] == "2023-11"
    assert by_value["Lyon"]["valid_to_source"] == "text"
    assert by_value["Lyon"]["superseded_by"] == by_value["Denver"]["id"]
    assert by_value["Denver"]["first_said"] == Y2024.isoformat()

    await graph.execute_query("MATCH (n) WHERE NOT n:Migration AND NOT n:ApiToken DETACH DELETE n")
    api_app.state.services.caches.clear_all("test wipe")
    await import_files(graph, "neo4j", default_files(tmp_path / "out"))
    api_app.state.services.caches.clear_all("test import")

    after, _ = await _facts(gql, token, mia, all=True)
    assert sorted(after, key=lambda f: f["id"]) == sorted(before, key=lambda f: f["id"])
    _, body = await gql(RELATIONS, token, {"id": mia, "all": True})
    assert body["data"]["entity"]["relations"] == relations_before
    assert await _values(gql, token, mia) == ["Denver"]
    assert await _values(gql, token, mia, asOf="2020") == ["Lyon"]
    assert await check(graph, "neo4j") == []

    await export_to_dir(graph, "neo4j", tmp_path / "again")
    for kind in (ExportKind.FACTS, ExportKind.RELATIONS):
        name = f"{kind.value}.ndjson"
        assert (tmp_path / "again" / name).read_text() == (tmp_path / "out" / name).read_text()
