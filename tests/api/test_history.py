"""Time and history over GraphQL: a move supersedes the old place, reads take asOf and
includeHistory, ingestion order does not matter, merges recompute history, explain shows both
sides (ADR 0017)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import neo4j
from starlette.applications import Starlette

from app.graph.integrity import check
from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql, codes
from tests.api.history_helpers import Said, person, write

FACTS = """query($id: ID!, $asOf: String, $all: Boolean! = false) { entity(id: $id) {
  facts(asOf: $asOf, includeHistory: $all, first: 50) { totalCount edges { node {
    id field value validFrom validTo eventDate saidFirst saidLast current
    supersededBy { value } supersedes { value }
  } } }
} }"""
RELATIONS = """query($id: ID!, $asOf: String, $all: Boolean! = false) { entity(id: $id) {
  relations(asOf: $asOf, includeHistory: $all, direction: OUT) { totalCount edges { node {
    id label validFrom validTo current target { name }
    supersededBy { target { name } } supersedes { target { name } }
  } } }
} }"""
EXPLAIN = """query($id: ID!) { explain(id: $id) {
  fact { value }
  supersededBy { fact { value } messages { id timestamp } }
  supersedes { fact { value } messages { id timestamp } }
} }"""
MERGE = "mutation($s: ID!, $t: ID!) { mergeEntities(sourceId: $s, targetId: $t) { id } }"
UNDO = "mutation($m: ID!) { undoMerge(mergeId: $m) { status } }"

Y2023 = datetime(2023, 4, 10, 9, 0, tzinfo=UTC)
Y2024 = datetime(2024, 2, 20, 9, 0, tzinfo=UTC)


def lyon(**times: str) -> Said:
    return Said("conv_2023", Y2023, facts=[("Mia Roth", "lives_in", "Lyon", times)])


def denver(**times: str) -> Said:
    return Said("conv_2024", Y2024, facts=[("Mia Roth", "lives_in", "Denver", times)])


async def _facts(
    gql: Gql, token: str, entity: str, **variables: Any
) -> tuple[list[dict[str, Any]], int]:
    _, body = await gql(FACTS, token, {"id": entity, **variables})
    assert "errors" not in body, body
    facts = body["data"]["entity"]["facts"]
    return [e["node"] for e in facts["edges"]], facts["totalCount"]


async def _values(gql: Gql, token: str, entity: str, **variables: Any) -> list[str]:
    facts, count = await _facts(gql, token, entity, **variables)
    assert count == len(facts)
    return sorted(f["value"] for f in facts if f["field"] == "lives_in")


async def test_a_move_supersedes_the_old_place_and_reads_take_as_of(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, api_app: Starlette
) -> None:
    token = admin_token.secret
    mia = person("Mia Roth")
    await write(graph, api_app, lyon())
    assert await _values(gql, token, mia) == ["Lyon"]
    await write(graph, api_app, denver())

    assert await _values(gql, token, mia) == ["Denver"], "the old place is no longer current"
    assert await _values(gql, token, mia, asOf="2023-06") == ["Lyon"]
    assert await _values(gql, token, mia, asOf="2024-06") == ["Denver"]
    assert await _values(gql, token, mia, asOf="2022") == [], "nothing was known to hold then"
    assert await _values(gql, token, mia, all=True) == ["Denver", "Lyon"]

    facts, _ = await _facts(gql, token, mia, all=True)
    by_value = {f["value"]: f for f in facts}
    old, new = by_value["Lyon"], by_value["Denver"]
    assert old["supersededBy"] == {"value": "Denver"}
    assert old["supersedes"] is None
    assert new["supersedes"] == {"value": "Lyon"}
    assert new["supersededBy"] is None
    assert (old["current"], new["current"]) == (False, True)
    assert old["validTo"] == "2024-02-20", "held until the newer value was first said"
    assert new["validTo"] is None
    assert old["saidFirst"] == old["saidLast"] == Y2023.isoformat()
    assert new["saidFirst"] == Y2024.isoformat()

    # explain of either side shows the other, with its messages.
    _, body = await gql(EXPLAIN, token, {"id": old["id"]})
    explained = body["data"]["explain"]
    assert explained["supersededBy"]["fact"] == {"value": "Denver"}
    assert [m["timestamp"] for m in explained["supersededBy"]["messages"]] == [Y2024.isoformat()]
    assert explained["supersedes"] is None
    _, body = await gql(EXPLAIN, token, {"id": new["id"]})
    assert body["data"]["explain"]["supersedes"]["fact"] == {"value": "Lyon"}
    assert await check(graph, "neo4j") == []


async def test_an_older_conversation_ingested_later_still_comes_first(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, api_app: Starlette
) -> None:
    token = admin_token.secret
    mia = person("Mia Roth")
    await write(graph, api_app, denver())
    await write(graph, api_app, lyon())

    assert await _values(gql, token, mia) == ["Denver"]
    assert await _values(gql, token, mia, asOf="2023-06") == ["Lyon"]
    # A third value said in between lands between them.
    await write(
        graph,
        api_app,
        Said("conv_mid", datetime(2023, 9, 1, tzinfo=UTC), [("Mia Roth", "lives_in", "Oslo", {})]),
    )
    facts, _ = await _facts(gql, token, mia, all=True)
    chain = {f["value"]: (f["supersededBy"] or {}).get("value") for f in facts}
    assert chain == {"Lyon": "Oslo", "Oslo": "Denver", "Denver": None}
    assert await _values(gql, token, mia, asOf="2023-10") == ["Oslo"]
    assert await check(graph, "neo4j") == []


async def test_stated_dates_order_values_and_a_stated_end_is_kept(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, api_app: Starlette
) -> None:
    token = admin_token.secret
    mia = person("Mia Roth")
    # Said in 2024 of the past: "I lived in Lyon from 2019 to March 2021", and in 2023 that
    # she has been in Denver since 2021-05.
    await write(graph, api_app, denver(valid_from="2021-05"))
    await write(
        graph,
        api_app,
        Said(
            "conv_late",
            datetime(2024, 8, 1, tzinfo=UTC),
            [("Mia Roth", "lives_in", "Lyon", {"valid_from": "2019", "valid_to": "2021-03"})],
        ),
    )
    facts, _ = await _facts(gql, token, mia, all=True)
    by_value = {f["value"]: f for f in facts}
    assert by_value["Lyon"]["supersededBy"] == {"value": "Denver"}
    assert by_value["Lyon"]["validTo"] == "2021-03", "a stated end is never overwritten"
    assert by_value["Lyon"]["validFrom"] == "2019"
    assert await _values(gql, token, mia, asOf="2020-07") == ["Lyon"]
    assert await _values(gql, token, mia, asOf="2021-04") == []
    assert await _values(gql, token, mia, asOf="2021-05") == ["Denver"]
    assert await _values(gql, token, mia) == ["Denver"]


async def test_malformed_dates_are_dropped_and_a_malformed_as_of_is_bad_input(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, api_app: Starlette
) -> None:
    token = admin_token.secret
    mia = person("Mia Roth")
    await write(
        graph,
        api_app,
        Said(
            "conv_bad",
            Y2023,
            [
                (
                    "Mia Roth",
                    "hobby",
                    "chess",
                    {"valid_from": "last summer", "event_date": "2023-02-30"},
                )
            ],
        ),
    )
    (fact,), _ = await _facts(gql, token, mia)
    assert (fact["value"], fact["validFrom"], fact["eventDate"]) == ("chess", None, None)
    for bad in ("2024-13", "June 2024", "2024-02-30", ""):
        _, body = await gql(FACTS, token, {"id": mia, "asOf": bad})
        assert codes(body) == ["BAD_INPUT"], (bad, body)
        _, body = await gql(RELATIONS, token, {"id": mia, "asOf": bad})
        assert codes(body) == ["BAD_INPUT"], (bad, body)


async def test_single_valued_relations_keep_history(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, api_app: Starlette
) -> None:
    token = admin_token.secret
    mia = person("Mia Roth")
    await write(
        graph, api_app, Said("conv_r2", Y2024, relations=[("Mia Roth", "lives_in", "Denver", {})])
    )
    await write(
        graph, api_app, Said("conv_r1", Y2023, relations=[("Mia Roth", "lives_in", "Lyon", {})])
    )
    # Not single-valued: both stay current.
    await write(
        graph, api_app, Said("conv_r3", Y2023, relations=[("Mia Roth", "visited", "Rome", {})])
    )
    await write(
        graph, api_app, Said("conv_r4", Y2024, relations=[("Mia Roth", "visited", "Oslo", {})])
    )

    async def targets(**variables: Any) -> list[str]:
        _, body = await gql(RELATIONS, token, {"id": mia, **variables})
        assert "errors" not in body, body
        rels = body["data"]["entity"]["relations"]
        assert rels["totalCount"] == len(rels["edges"])
        return sorted(e["node"]["target"]["name"] for e in rels["edges"])

    assert await targets() == ["Denver", "Oslo", "Rome"]
    assert await targets(asOf="2023-06") == ["Lyon", "Rome"]
    assert await targets(all=True) == ["Denver", "Lyon", "Oslo", "Rome"]
    _, body = await gql(RELATIONS, token, {"id": mia, "all": True})
    by_target = {
        e["node"]["target"]["name"]: e["node"] for e in body["data"]["entity"]["relations"]["edges"]
    }
    assert by_target["Lyon"]["supersededBy"] == {"target": {"name": "Denver"}}
    assert by_target["Lyon"]["validTo"] == "2024-02-20"
    assert by_target["Denver"]["supersedes"] == {"target": {"name": "Lyon"}}
    assert by_target["Rome"]["supersededBy"] is None
    assert by_target["Rome"]["current"]
    assert await check(graph, "neo4j") == []


async def test_merging_two_entities_recomputes_history_and_undo_restores_it(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, api_app: Starlette
) -> None:
    token = admin_token.secret
    await write(graph, api_app, lyon())
    await write(
        graph,
        api_app,
        Said("conv_other", Y2024, [("M. Roth", "lives_in", "Denver", {})]),
    )
    mia, other = person("Mia Roth"), person("M. Roth")
    assert await _values(gql, token, mia) == ["Lyon"]
    assert await _values(gql, token, other) == ["Denver"]

    _, body = await gql(MERGE, token, {"s": other, "t": mia})
    assert "errors" not in body, body
    merge_id = body["data"]["mergeEntities"]["id"]
    api_app.state.services.caches.clear_all("test merge")
    assert await _values(gql, token, mia) == ["Denver"]
    assert await _values(gql, token, mia, asOf="2023-06") == ["Lyon"]
    assert await check(graph, "neo4j") == []

    _, body = await gql(UNDO, token, {"m": merge_id})
    assert "errors" not in body, body
    api_app.state.services.caches.clear_all("test undo")
    assert await _values(gql, token, mia) == ["Lyon"]
    assert await _values(gql, token, other) == ["Denver"]
    facts, _ = await _facts(gql, token, mia, all=True)
    assert [(f["value"], f["validTo"], f["supersededBy"]) for f in facts] == [("Lyon", None, None)]
    assert await check(graph, "neo4j") == []
