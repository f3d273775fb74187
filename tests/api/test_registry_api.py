"""schemaRegistry and label overrides over GraphQL: re-labelling, exact undo, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import neo4j
import pytest
from starlette.applications import Starlette

from app.graph.integrity import check
from app.graph.knowledge import KnowledgeStore
from app.graph.merges import MergeStore
from app.graph.registry import LabelRegistry
from app.graph.tokens import IssuedToken, Scope, TokenStore
from app.nlp import label_lemmas
from tests.api.conftest import Gql, codes
from tests.conftest import Workers, wait_until

REGISTRY = """
query ($kind: LabelKind) {
  schemaRegistry(kind: $kind) { kind label usage matchedBy aliases { label usage matchedBy } }
}"""
ALIAS = """
mutation ($kind: LabelKind!, $label: String!, $canonical: String!) {
  makeLabelAlias(kind: $kind, label: $label, canonical: $canonical) {
    id kind label fromCanonical toCanonical status relabelled
  }
}"""
CANONICAL = """
mutation ($kind: LabelKind!, $label: String!) {
  makeLabelCanonical(kind: $kind, label: $label) {
    id label fromCanonical toCanonical status relabelled
  }
}"""
UNDO = "mutation ($id: ID!) { undoLabelChange(id: $id) { id status undoneAt } }"


@pytest.fixture(autouse=True)
def fresh_cache(api_app: Starlette) -> Iterator[None]:
    """The API's overview cache outlives a test's graph; start each test without it."""
    api_app.state.services.caches.registry_overview.clear()
    yield
    api_app.state.services.caches.registry_overview.clear()


async def seed(graph: neo4j.AsyncDriver) -> None:
    """Labels through the stabiliser, data through the pipeline's own write."""
    reg = LabelRegistry(graph, "neo4j")
    await reg.stabilize("field", {"occupation", "job", "profession"}, lemmatize=label_lemmas)
    await reg.stabilize("relation", {"works_at", "employed_by"}, lemmatize=label_lemmas)
    await reg.stabilize(
        "entity_type", {"person", "organization", "organisation"}, lemmatize=label_lemmas
    )
    await graph.execute_query(
        "CREATE (:Conversation:Source {id: 'c1'})-[:HAS_MESSAGE]->(:Message {id: 'm1'})"
    )

    def entity(eid: str, name: str, etype: str, label: str) -> dict[str, Any]:
        return {
            "id": eid,
            "name": name,
            "normalized_name": name.lower(),
            "type": etype,
            "label": label,
            "aliases": [],
            "message_ids": ["m1"],
        }

    def fact(fid: str, eid: str, field: str, raw: str, value: str) -> dict[str, Any]:
        return {
            "id": fid,
            "entity_id": eid,
            "field": field,
            "raw_field": raw,
            "value": value,
            "confidence": 0.9,
            "message_ids": ["m1"],
        }

    def relation(rid: str, source: str, target: str, label: str, raw: str) -> dict[str, Any]:
        return {
            "id": rid,
            "source_id": source,
            "target_id": target,
            "type": label.upper(),
            "label": label,
            "raw_label": raw,
            "confidence": 0.7,
            "message_ids": ["m1"],
        }

    await KnowledgeStore(graph, "neo4j").write(
        source_id="c1",
        job_id="j1",
        extractor="test",
        entities=[
            entity("e1", "Ana", "person", "Person"),
            entity("e2", "Ben", "person", "Person"),
            entity("e3", "Acme", "organization", "Organization"),
            entity("e4", "Globex", "organisation", "Organisation"),
            entity("e5", "Globex Ltd", "organisation", "Organisation"),
        ],
        facts=[
            fact("f1", "e1", "job", "Job", "nurse"),
            fact("f2", "e2", "job", "job", "pilot"),
            fact("f3", "e1", "occupation", "occupation", "carer"),
            fact("f4", "e2", "profession", "Profession", "aviator"),
        ],
        relations=[
            relation("r1", "e1", "e3", "works_at", "works at"),
            relation("r2", "e2", "e4", "employed_by", "employed by"),
            relation("r3", "e1", "e4", "employed_by", "Employed By"),
        ],
    )
    # e5 was merged into e4 (ADR 0008): no type label, :Merged, the type kept as a property.
    await MergeStore(graph, "neo4j").merge("e5", "e4")


async def snapshot(graph: neo4j.AsyncDriver) -> dict[str, Any]:
    """Everything a label change may touch, in a comparable form."""
    facts, _, _ = await graph.execute_query(
        "MATCH (f:Fact) RETURN f.id AS id, f.field AS field, f.raw_field AS raw ORDER BY id"
    )
    rels, _, _ = await graph.execute_query(
        "MATCH (a:Entity)-[r]->(b:Entity) WHERE r.id IS NOT NULL "
        "RETURN a.id AS a, type(r) AS type, properties(r) AS props, b.id AS b ORDER BY r.id"
    )
    entities, _, _ = await graph.execute_query(
        "MATCH (e:Entity) RETURN e.id AS id, e.type AS type, labels(e) AS labels ORDER BY id"
    )
    labels, _, _ = await graph.execute_query(
        "MATCH (s:SchemaLabel) RETURN s.id AS id, s.status AS status, s.matched_by AS by, "
        "[(s)-[:CANONICAL]->(c) | c.label] AS canonical ORDER BY id"
    )
    return {
        "facts": [dict(r) for r in facts],
        "relations": [dict(r) for r in rels],
        "entities": [{**dict(r), "labels": sorted(r["labels"])} for r in entities],
        "labels": [dict(r) for r in labels],
    }


def by_label(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["label"]: e for e in body["data"]["schemaRegistry"]}


async def test_registry_lists_canonical_labels_with_aliases_and_usage(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken, tokens: TokenStore
) -> None:
    await seed(graph)
    await LabelRegistry(graph, "neo4j").stabilize("relation", {"worked_at"}, lemmatize=label_lemmas)
    reader = await tokens.create("reader", Scope.READ)
    status, body = await gql(REGISTRY, reader.secret, {"kind": "RELATION"})
    assert status == 200, body
    assert body["data"]["schemaRegistry"] == [
        {"kind": "RELATION", "label": "employed_by", "usage": 2, "matchedBy": "NEW", "aliases": []},
        {
            "kind": "RELATION",
            "label": "works_at",
            "usage": 1,
            "matchedBy": "NEW",
            "aliases": [{"label": "worked_at", "usage": 0, "matchedBy": "LEMMA"}],
        },
    ]
    _, everything = await gql(REGISTRY, reader.secret)
    types = {e["label"]: e["usage"] for e in everything["data"]["schemaRegistry"]}
    # Only active entities count: the merged Globex Ltd is no longer an organisation.
    assert types["organisation"] == 1
    assert types["person"] == 2
    assert types["occupation"] == 1


async def test_alias_relabels_facts_and_undo_restores_them(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    await seed(graph)
    await gql(REGISTRY, admin_token.secret, {"kind": "FIELD"})  # fills the cache
    before = await snapshot(graph)
    status, body = await gql(
        ALIAS, admin_token.secret, {"kind": "FIELD", "label": "job", "canonical": "occupation"}
    )
    assert status == 200, body
    change = body["data"]["makeLabelAlias"]
    assert change["fromCanonical"] == "job"
    assert (change["toCanonical"], change["status"], change["relabelled"]) == (
        "occupation",
        "ACTIVE",
        2,
    )
    records, _, _ = await graph.execute_query(
        "MATCH (f:Fact) WHERE f.id IN ['f1', 'f2'] RETURN f.field AS field, f.raw_field AS raw "
        "ORDER BY f.id"
    )
    assert [(r["field"], r["raw"]) for r in records] == [
        ("occupation", "Job"),
        ("occupation", "job"),
    ]
    _, listed = await gql(REGISTRY, admin_token.secret, {"kind": "FIELD"})
    fields = by_label(listed)
    assert "job" not in fields  # the cached overview was dropped by the mutation
    assert fields["occupation"]["usage"] == 3
    assert fields["occupation"]["aliases"] == [{"label": "job", "usage": 0, "matchedBy": "MANUAL"}]
    assert await check(graph, "neo4j") == []

    status, body = await gql(UNDO, admin_token.secret, {"id": change["id"]})
    assert status == 200, body
    assert body["data"]["undoLabelChange"]["status"] == "UNDONE"
    assert await snapshot(graph) == before
    _, again = await gql(UNDO, admin_token.secret, {"id": change["id"]})
    assert codes(again) == ["BAD_INPUT"]


async def test_alias_retypes_relationships_keeping_id_and_properties(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    await seed(graph)
    before = await snapshot(graph)
    status, body = await gql(
        ALIAS,
        admin_token.secret,
        {"kind": "RELATION", "label": "employed_by", "canonical": "works_at"},
    )
    assert status == 200, body
    assert body["data"]["makeLabelAlias"]["relabelled"] == 2
    after = await snapshot(graph)
    assert [(r["props"]["id"], r["type"]) for r in after["relations"]] == [
        ("r1", "WORKS_AT"),
        ("r2", "WORKS_AT"),
        ("r3", "WORKS_AT"),
    ]
    old = {r["props"]["id"]: r for r in before["relations"]}
    history = {"superseded_by", "supersedes", "valid_to", "valid_to_source"}
    for rel in after["relations"]:
        was = old[rel["props"]["id"]]
        assert (rel["a"], rel["b"]) == (was["a"], was["b"])
        kept = {k: v for k, v in rel["props"].items() if k not in history}
        assert {**kept, "label": was["props"]["label"]} == was["props"]
        assert rel["props"]["label"] == "works_at"
    # e1 now has two works_at, a single-valued label: one supersedes the other (ADR 0017), so
    # check finds no entity with two current employers.
    of_e1 = {r["props"]["id"]: r["props"] for r in after["relations"] if r["a"] == "e1"}
    assert sorted(str(p.get("superseded_by")) for p in of_e1.values()) == ["None", "r3"]
    assert await check(graph, "neo4j") == []

    await gql(UNDO, admin_token.secret, {"id": body["data"]["makeLabelAlias"]["id"]})
    assert await snapshot(graph) == before


async def test_entity_type_alias_moves_active_labels_and_merged_properties(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    await seed(graph)
    before = await snapshot(graph)
    _, body = await gql(
        ALIAS,
        admin_token.secret,
        {"kind": "ENTITY_TYPE", "label": "organisation", "canonical": "organization"},
    )
    assert body["data"]["makeLabelAlias"]["relabelled"] == 2, body
    entities = {e["id"]: e for e in (await snapshot(graph))["entities"]}
    assert entities["e4"]["labels"] == ["Entity", "Organization"]
    assert entities["e4"]["type"] == "organization"
    assert entities["e5"]["labels"] == ["Entity", "Merged"]  # merged: the property only
    assert entities["e5"]["type"] == "organization"
    await gql(UNDO, admin_token.secret, {"id": body["data"]["makeLabelAlias"]["id"]})
    assert await snapshot(graph) == before


async def test_aliases_of_an_aliased_label_move_so_there_are_never_chains(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    await seed(graph)
    before = await snapshot(graph)
    _, first = await gql(
        ALIAS, admin_token.secret, {"kind": "FIELD", "label": "job", "canonical": "profession"}
    )
    _, second = await gql(
        ALIAS,
        admin_token.secret,
        {"kind": "FIELD", "label": "profession", "canonical": "occupation"},
    )
    assert second["data"]["makeLabelAlias"]["relabelled"] == 3, second
    _, listed = await gql(REGISTRY, admin_token.secret, {"kind": "FIELD"})
    assert sorted(a["label"] for a in by_label(listed)["occupation"]["aliases"]) == [
        "job",
        "profession",
    ]
    assert await check(graph, "neo4j") == []

    # Aliasing to an alias is refused, as is the earlier change's undo while the later stands.
    _, refused = await gql(
        ALIAS, admin_token.secret, {"kind": "FIELD", "label": "occupation", "canonical": "job"}
    )
    assert codes(refused) == ["BAD_INPUT"]
    assert "alias of 'occupation'" in refused["errors"][0]["message"]
    _, conflict = await gql(UNDO, admin_token.secret, {"id": first["data"]["makeLabelAlias"]["id"]})
    assert codes(conflict) == ["CONFLICT"]
    assert second["data"]["makeLabelAlias"]["id"] in conflict["errors"][0]["message"]

    await gql(UNDO, admin_token.secret, {"id": second["data"]["makeLabelAlias"]["id"]})
    _, undone = await gql(UNDO, admin_token.secret, {"id": first["data"]["makeLabelAlias"]["id"]})
    assert undone["data"]["undoLabelChange"]["status"] == "UNDONE", undone
    assert await snapshot(graph) == before
    assert await check(graph, "neo4j") == []


async def test_make_canonical_moves_back_what_was_extracted_under_the_alias(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken
) -> None:
    await seed(graph)
    await gql(
        ALIAS,
        admin_token.secret,
        {"kind": "RELATION", "label": "employed_by", "canonical": "works_at"},
    )
    status, body = await gql(
        CANONICAL, admin_token.secret, {"kind": "RELATION", "label": "employed_by"}
    )
    assert status == 200, body
    change = body["data"]["makeLabelCanonical"]
    assert (change["fromCanonical"], change["toCanonical"], change["relabelled"]) == (
        "works_at",
        "employed_by",
        2,
    )
    types = {r["props"]["id"]: r["type"] for r in (await snapshot(graph))["relations"]}
    assert types == {"r1": "WORKS_AT", "r2": "EMPLOYED_BY", "r3": "EMPLOYED_BY"}
    _, listed = await gql(REGISTRY, admin_token.secret, {"kind": "RELATION"})
    assert by_label(listed)["employed_by"]["matchedBy"] == "MANUAL"
    _, again = await gql(CANONICAL, admin_token.secret, {"kind": "RELATION", "label": "works_at"})
    assert codes(again) == ["BAD_INPUT"]

    await gql(UNDO, admin_token.secret, {"id": change["id"]})
    types = {r["props"]["id"]: r["type"] for r in (await snapshot(graph))["relations"]}
    assert set(types.values()) == {"WORKS_AT"}
    assert await check(graph, "neo4j") == []


@pytest.mark.parametrize(
    ("label", "canonical", "code"),
    [
        ("job", "job", "BAD_INPUT"),
        ("job", "nonexistent", "NOT_FOUND"),
        ("nonexistent", "job", "NOT_FOUND"),
    ],
)
async def test_bad_overrides_are_refused_with_a_code(
    graph: neo4j.AsyncDriver,
    gql: Gql,
    admin_token: IssuedToken,
    label: str,
    canonical: str,
    code: str,
) -> None:
    await seed(graph)
    before = await snapshot(graph)
    _, body = await gql(
        ALIAS, admin_token.secret, {"kind": "FIELD", "label": label, "canonical": canonical}
    )
    assert codes(body) == [code]
    assert await snapshot(graph) == before


async def test_reserved_labels_unknown_changes_and_read_tokens_are_refused(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken, tokens: TokenStore
) -> None:
    await seed(graph)
    _, reserved = await gql(
        ALIAS,
        admin_token.secret,
        {"kind": "RELATION", "label": "works_at", "canonical": "merged_into"},
    )
    assert codes(reserved) == ["BAD_INPUT"]
    _, unknown = await gql(UNDO, admin_token.secret, {"id": "lch_nope"})
    assert codes(unknown) == ["NOT_FOUND"]
    reader = await tokens.create("reader", Scope.READ)
    _, forbidden = await gql(
        ALIAS, reader.secret, {"kind": "FIELD", "label": "job", "canonical": "occupation"}
    )
    assert codes(forbidden) == ["FORBIDDEN"]


INGEST = """
mutation($input: ConversationInput!) {
  ingestConversation(input: $input) { job { id } }
}"""
JOB = "query($id: ID!) { job(id: $id) { status errorMessage } }"


async def test_a_processed_conversation_fills_the_registry_with_counted_usage(
    graph: neo4j.AsyncDriver, gql: Gql, admin_token: IssuedToken, workers: Workers
) -> None:
    workers.start()
    messages = [
        {"speaker": "Ana Costa", "text": "I work as a nurse and I live in Porto."},
        {"speaker": "Ben Okafor", "text": "Ana Costa works at Acme Corp with me."},
        {"speaker": "Ana Costa", "text": "I'm allergic to peanuts, remember that."},
    ]
    _, body = await gql(
        INGEST,
        admin_token.secret,
        {"input": {"title": "registry", "origin": "test", "messages": messages}},
    )
    job_id = body["data"]["ingestConversation"]["job"]["id"]

    async def done() -> bool:
        _, job = await gql(JOB, admin_token.secret, {"id": job_id})
        return job["data"]["job"]["status"] in ("COMPLETE", "FAILED")

    await wait_until(done, within=120, diagnose=workers.logs)
    _, job = await gql(JOB, admin_token.secret, {"id": job_id})
    assert job["data"]["job"]["status"] == "COMPLETE", job
    _, listed = await gql(REGISTRY, admin_token.secret)
    usage = {(e["kind"], e["label"]): e["usage"] for e in listed["data"]["schemaRegistry"]}
    facts, _, _ = await graph.execute_query("MATCH (f:Fact) RETURN f.field AS label, count(*) AS n")
    entities, _, _ = await graph.execute_query(
        "MATCH (e:Entity) WHERE NOT e:Merged RETURN e.type AS label, count(*) AS n"
    )
    assert facts
    assert entities
    for r in facts:
        assert usage[("FIELD", r["label"])] == r["n"]
    for r in entities:
        assert usage[("ENTITY_TYPE", r["label"])] == r["n"]
    records, _, _ = await graph.execute_query(
        "MATCH (s:SchemaLabel) WHERE s.lemma IS NULL OR s.matched_by IS NULL RETURN count(s) AS n"
    )
    assert records[0]["n"] == 0  # every label went through stabilisation
