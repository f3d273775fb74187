"""Export: REST streams and GraphQL pages give every row once; an export imports back whole."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest

from app.graph.export import COLUMNS, ExportKind
from app.graph.integrity import check
from app.graph.tokens import IssuedToken, Scope, TokenStore
from tests.api.conftest import Gql, codes
from tests.conftest import REPO, Services, Workers, wait_until

GOLDEN = REPO / "tests" / "golden" / "02_work_meeting.json"
INGEST = """
mutation($input: ConversationInput!) {
  ingestConversation(input: $input) { conversation { id } job { id } }
}"""
EXPORT = """
query($kind: ExportKind!, $format: ExportFormat!, $first: Int, $after: String) {
  export(kind: $kind, format: $format, first: $first, after: $after) {
    data endCursor hasNextPage count
  }
}"""

# What each kind holds in the graph, as Cypher returning the ids an export must contain.
GRAPH_IDS = {
    ExportKind.ENTITIES: "MATCH (n:Entity) WHERE NOT n:Merged RETURN n.id AS id",
    ExportKind.FACTS: "MATCH (f:Fact) RETURN f.id AS id",
    ExportKind.RELATIONS: "MATCH (:Entity)-[r]->(:Entity) WHERE r.id IS NOT NULL "
    "AND type(r) <> 'MERGED_INTO' RETURN r.id AS id",
    ExportKind.MESSAGES: "MATCH (m:Message) RETURN m.id AS id",
}


async def _graph_ids(driver: neo4j.AsyncDriver, kind: ExportKind) -> list[str]:
    records, _, _ = await driver.execute_query(GRAPH_IDS[kind])
    return [r["id"] for r in records]


async def _ingest_golden(gql: Gql, token: str, workers: Workers) -> None:
    """One golden conversation through the real pipeline, waited for until COMPLETE."""
    workers.start()
    conversation = json.loads(GOLDEN.read_text(encoding="utf-8"))["conversation"]
    _, body = await gql(INGEST, token=token, variables={"input": conversation})
    job_id = body["data"]["ingestConversation"]["job"]["id"]

    async def complete() -> bool:
        _, body = await gql(
            "query($id: ID!) { job(id: $id) { status } }", token=token, variables={"id": job_id}
        )
        status = body["data"]["job"]["status"]
        assert status != "FAILED", body
        return bool(status == "COMPLETE")

    await wait_until(complete, within=180, diagnose=workers.logs)


async def _seed(driver: neo4j.AsyncDriver) -> None:
    """A small graph built with Cypher: awkward text for CSV, several relations per entity (so
    relation pages split inside one entity's relationships) and one merged entity."""
    await driver.execute_query(
        """
        CREATE (c:Conversation:Source {id: 'conv_seed', title: 'Seed, "quoted"', origin: 'test',
                checksum: 'seed', message_count: 6, created_at: datetime()})
        WITH c
        UNWIND range(0, 5) AS i
        CREATE (m:Message {id: 'msg_seed_' + i, conversation_id: c.id, seq: i, speaker: 'Ana',
                text: 'line one, with "quotes"\nline two ' + i, timestamp: datetime()})
        CREATE (c)-[:HAS_MESSAGE]->(m)
        WITH c, collect(m) AS ms
        UNWIND range(0, 4) AS i
        WITH ms[i] AS a, ms[i + 1] AS b
        CREATE (a)-[:NEXT]->(b)
        """
    )
    await driver.execute_query(
        """
        UNWIND range(0, 6) AS i
        CREATE (e:Entity:Person {id: 'ent_seed_' + i, type: 'person', name: 'Person, ' + i,
                normalized_name: 'person ' + i, aliases: ['P|' + i, 'x, "y"'],
                created_at: datetime(), updated_at: datetime(), first_source_id: 'conv_seed'})
        WITH e, i
        MATCH (m:Message {id: 'msg_seed_' + (i % 6)})
        CREATE (e)-[:MENTIONED_IN]->(m)
        WITH e, i, m
        UNWIND range(0, 2) AS j
        CREATE (e)-[:HAS_FACT]->(f:Fact {id: 'fact_seed_' + i + '_' + j, field: 'note',
                raw_field: 'Note', value: 'v, "' + j + '"\nnext', confidence: 0.5,
                entity_id: e.id, job_id: 'job_seed', extractor: 'local',
                created_at: datetime()})-[:FROM]->(m)
        """
    )
    await driver.execute_query(
        """
        MATCH (a:Entity) WHERE a.id STARTS WITH 'ent_seed_'
        MATCH (b:Entity) WHERE b.id STARTS WITH 'ent_seed_' AND b.id > a.id
          AND b.id <= 'ent_seed_' + (toInteger(substring(a.id, 9)) + 3)
        CREATE (a)-[:KNOWS {id: 'rel_' + a.id + '_' + b.id, label: 'knows', raw_label: 'knows',
                confidence: 0.7, evidence: ['msg_seed_0', 'msg_seed_1'], first_seen: datetime(),
                last_seen: datetime(), job_id: 'job_seed', extractor: 'local'}]->(b)
        """
    )
    await driver.execute_query(
        """
        MATCH (s:Entity {id: 'ent_seed_0'})
        CREATE (:Entity:Merged {id: 'ent_seed_merged', type: 'person', name: 'Gone'})
               -[:MERGED_INTO {merge_id: 'merge_seed'}]->(s)
        """
    )


def _ndjson(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


async def _rest(http: httpx.AsyncClient, token: str, kind: str, fmt: str) -> httpx.Response:
    return await http.get(
        f"/export/{kind}", params={"format": fmt}, headers={"Authorization": f"Bearer {token}"}
    )


async def test_rest_export_of_an_ingested_conversation_matches_the_graph(
    gql: Gql,
    http: httpx.AsyncClient,
    admin_token: IssuedToken,
    graph: neo4j.AsyncDriver,
    workers: Workers,
) -> None:
    await _ingest_golden(gql, admin_token.secret, workers)
    await _seed(graph)
    reader = await TokenStore(graph, "neo4j").create("reader", Scope.READ)

    for kind in ExportKind:
        expected = await _graph_ids(graph, kind)
        assert expected, f"the graph has {kind.value}"
        assert len(expected) == len(set(expected))

        resp = await _rest(http, reader.secret, kind.value, "json")
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("application/x-ndjson")
        assert resp.headers["content-disposition"] == f'attachment; filename="{kind.value}.ndjson"'
        rows = _ndjson(resp.text)
        assert sorted(r["id"] for r in rows) == sorted(expected)
        assert all(list(r) == list(COLUMNS[kind]) for r in rows)

        resp = await _rest(http, reader.secret, kind.value, "csv")
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/csv")
        assert resp.headers["content-disposition"] == f'attachment; filename="{kind.value}.csv"'
        header, *lines = _csv(resp.text)
        assert header == list(COLUMNS[kind])
        id_at = header.index("id")
        assert sorted(line[id_at] for line in lines) == sorted(expected)
        by_id = {r["id"]: r for r in rows}
        for line in lines:
            as_json = by_id[line[id_at]]
            for column, cell in zip(header, line, strict=True):
                value = as_json[column]
                if isinstance(value, list):
                    assert json.loads(cell) == value
                else:
                    assert cell == ("" if value is None else str(value))

    facts = {r["id"]: r for r in _ndjson((await _rest(http, reader.secret, "facts", "json")).text)}
    assert facts["fact_seed_2_1"]["value"] == 'v, "1"\nnext'
    assert facts["fact_seed_2_1"]["entity_id"] == "ent_seed_2"
    assert facts["fact_seed_2_1"]["message_ids"] == ["msg_seed_2"]
    assert all(f["message_ids"] for f in facts.values()), "every fact carries its citations"
    entities = _ndjson((await _rest(http, reader.secret, "entities", "json")).text)
    assert "ent_seed_merged" not in {e["id"] for e in entities}, "merged entities are left out"
    messages = _ndjson((await _rest(http, reader.secret, "messages", "json")).text)
    golden_titles = {m["conversation_title"] for m in messages}
    assert json.loads(GOLDEN.read_text())["conversation"]["title"] in golden_titles


async def test_export_refuses_what_it_cannot_serve(
    http: httpx.AsyncClient, gql: Gql, admin_token: IssuedToken
) -> None:
    resp = await http.get("/export/facts", params={"format": "json"})
    assert resp.status_code == 401
    assert codes(resp.json()) == ["UNAUTHENTICATED"]

    resp = await _rest(http, admin_token.secret, "tokens", "json")
    assert resp.status_code == 404
    assert codes(resp.json()) == ["NOT_FOUND"]

    resp = await _rest(http, admin_token.secret, "facts", "xml")
    assert resp.status_code == 400
    assert codes(resp.json()) == ["BAD_INPUT"]

    variables = {"kind": "FACTS", "format": "JSON", "first": 10, "after": "not-a-cursor"}
    _, body = await gql(EXPORT, token=admin_token.secret, variables=variables)
    assert codes(body) == ["BAD_INPUT"]
    _, body = await gql(EXPORT, token=admin_token.secret, variables={**variables, "after": None})
    assert body["data"]["export"] == {
        "data": "",
        "endCursor": None,
        "hasNextPage": False,
        "count": 0,
    }
    _, body = await gql(
        EXPORT, token=admin_token.secret, variables={**variables, "after": None, "first": 0}
    )
    assert codes(body) == ["BAD_INPUT"]
    _, body = await gql(EXPORT, variables={**variables, "after": None})
    assert codes(body) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("fmt", ["JSON", "CSV"])
async def test_graphql_pages_return_every_row_exactly_once(
    gql: Gql, http: httpx.AsyncClient, admin_token: IssuedToken, graph: neo4j.AsyncDriver, fmt: str
) -> None:
    await _seed(graph)
    for kind in ExportKind:
        seen: list[str] = []
        text = ""
        after = None
        pages = 0
        while True:
            _, body = await gql(
                EXPORT,
                token=admin_token.secret,
                variables={"kind": kind.name, "format": fmt, "first": 4, "after": after},
            )
            page = body["data"]["export"]
            pages += 1
            text += page["data"]
            if fmt == "JSON":
                ids = [row["id"] for row in _ndjson(page["data"])]
            else:
                lines = _csv(page["data"])
                if after is None:
                    assert lines.pop(0) == list(COLUMNS[kind]), "the header opens page one"
                assert all(line != list(COLUMNS[kind]) for line in lines), "and only page one"
                ids = [line[COLUMNS[kind].index("id")] for line in lines]
            assert len(ids) == page["count"] <= 4
            seen += ids
            if not page["hasNextPage"]:
                break
            after = page["endCursor"]
        expected = await _graph_ids(graph, kind)
        assert sorted(seen) == sorted(expected), kind
        assert len(seen) == len(set(seen)), f"{kind.value}: no row twice"
        assert pages > 1, f"{kind.value} spans several pages"
        rest = await _rest(http, admin_token.secret, kind.value, fmt.lower())
        assert text == rest.text, "the pages put together are the REST file"


def _librarian(services: Services, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=services.env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )


async def _snapshot(driver: neo4j.AsyncDriver) -> dict[str, Any]:
    """What a round trip must keep: ids per kind, labels, relation types, citations, chains."""
    snap: dict[str, Any] = {k.value: sorted(await _graph_ids(driver, k)) for k in ExportKind}
    for name, cypher in {
        "labels": "MATCH (n:Entity) WHERE NOT n:Merged RETURN n.id AS k, labels(n) AS v",
        "types": "MATCH (a:Entity)-[r]->(b:Entity) WHERE r.id IS NOT NULL "
        "RETURN r.id AS k, [type(r), a.id, b.id, r.evidence] AS v",
        "cited": "MATCH (e:Entity)-[:HAS_FACT]->(f:Fact)-[:FROM]->(m:Message) "
        "RETURN f.id + '>' + m.id AS k, e.id AS v",
        "next": "MATCH (a:Message)-[:NEXT]->(b:Message) RETURN a.id AS k, b.id AS v",
        "mentions": "MATCH (e:Entity)-[:MENTIONED_IN]->(m:Message) RETURN e.id + '>' + m.id AS k, "
        "true AS v",
        "conversations": "MATCH (c:Conversation) RETURN c.id AS k, "
        "[c.title, c.checksum, c.message_count] AS v",
    }.items():
        records, _, _ = await driver.execute_query(cypher)
        snap[name] = {r["k"]: (sorted(r["v"]) if name == "labels" else r["v"]) for r in records}
    return snap


async def test_export_then_import_into_an_empty_graph_round_trips(
    gql: Gql,
    http: httpx.AsyncClient,
    admin_token: IssuedToken,
    graph: neo4j.AsyncDriver,
    workers: Workers,
    services: Services,
    tmp_path: Path,
) -> None:
    await _ingest_golden(gql, admin_token.secret, workers)
    await _seed(graph)
    await graph.execute_query("MATCH (n:Entity {id: 'ent_seed_merged'}) DETACH DELETE n")
    before = await _snapshot(graph)
    assert all(before[k] for k in ("types", "cited", "next", "mentions"))

    downloads = tmp_path / "rest"
    downloads.mkdir()
    for kind in ExportKind:
        resp = await _rest(http, admin_token.secret, kind.value, "json")
        (downloads / f"{kind.value}.ndjson").write_text(resp.text, encoding="utf-8")
    cli = _librarian(services, "export", str(tmp_path / "cli"))
    assert cli.returncode == 0, cli.stderr
    for kind in ExportKind:
        name = f"{kind.value}.ndjson"
        assert (tmp_path / "cli" / name).read_text() == (downloads / name).read_text()

    # An empty graph, as after a restore onto a fresh store (tokens kept to read it back).
    await graph.execute_query("MATCH (n) WHERE NOT n:Migration AND NOT n:ApiToken DETACH DELETE n")
    loaded = _librarian(services, "import", str(downloads))
    assert loaded.returncode == 0, loaded.stderr
    assert "skipped" not in loaded.stdout

    after = await _snapshot(graph)
    assert after == before
    assert await check(graph, "neo4j") == []
    for kind in ExportKind:
        resp = await _rest(http, admin_token.secret, kind.value, "json")
        assert resp.text == (downloads / f"{kind.value}.ndjson").read_text(), (
            f"{kind.value}: exporting the imported graph gives the same file"
        )

    again = _librarian(services, "import", str(downloads))
    assert again.returncode == 0, again.stderr
    assert await _snapshot(graph) == before, "importing twice changes nothing"


async def test_import_stops_at_a_bad_line_before_writing(
    graph: neo4j.AsyncDriver, services: Services, tmp_path: Path
) -> None:
    good = {c: None for c in COLUMNS[ExportKind.ENTITIES]}
    good.update(id="ent_a", type="person", name="Ana", aliases=[], message_ids=[])
    entities = tmp_path / "entities.ndjson"
    entities.write_text(json.dumps(good) + "\n", encoding="utf-8")
    facts = tmp_path / "facts.ndjson"
    facts.write_text(
        json.dumps({"id": "fact_a", "entity_id": "ent_a", "field": "job", "value": "nurse"})
        + "\n{not json\n",
        encoding="utf-8",
    )
    result = _librarian(services, "import", "--entities", str(entities), "--facts", str(facts))
    assert result.returncode == 2
    assert f"{facts}:2" in result.stderr

    entities.write_text(json.dumps({**good, "type": "message"}) + "\n", encoding="utf-8")
    result = _librarian(services, "import", str(tmp_path))
    assert result.returncode == 2
    assert f"{entities}:1" in result.stderr, "a system label is never imported as a type"

    records, _, _ = await graph.execute_query(
        "MATCH (n) WHERE NOT n:Migration RETURN count(n) AS n"
    )
    assert records[0]["n"] == 0, "nothing was written"
