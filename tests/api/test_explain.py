"""explain(id): the messages, jobs, decisions and merges behind a fact or relation."""

from __future__ import annotations

import neo4j

from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql, codes
from tests.api.test_resolution import _chat, _ingest_all, _wait_jobs
from tests.conftest import Workers

EXPLAIN = """
query($id: ID!) {
  explain(id: $id) {
    fact { id field value entity { id name } }
    relation { id label source { name } target { name } }
    messages { id speaker text seq conversation { id title } }
    messageCount
    extractor
    producedBy { id status }
    jobs { id }
    decisions { entityId mention outcome rule score candidateName features { name value } jobId }
    merges { id sourceId targetId status }
  }
}"""


async def test_explain_a_fact_and_a_relation(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, worker: object, workers: Workers
) -> None:
    first = _chat(
        "team news",
        [
            ("Sam", "Katherine Moss joined Norvale Logistics last month."),
            ("Lee", "Katherine Moss is a data engineer, she lives in Porto."),
        ],
    )
    second = _chat("later", [("Sam", "Katharine Moss works at Norvale Logistics now.")])
    [first_id] = await _ingest_all(gql, admin_token.secret, [first])
    await _wait_jobs(graph, 1, workers, within=120)
    [second_id] = await _ingest_all(gql, admin_token.secret, [second])
    await _wait_jobs(graph, 2, workers, within=120)

    records, _, _ = await graph.execute_query(
        "MATCH (e:Person {name: 'Katherine Moss'})-[:HAS_FACT]->(f:Fact)-[:FROM]->(m:Message) "
        "RETURN f.id AS id, collect(m.id) AS messages LIMIT 1"
    )
    assert records, "the extractor found no fact about Katherine Moss"
    fact_id, cited = records[0]["id"], set(records[0]["messages"])

    status, body = await gql(EXPLAIN, token=admin_token.secret, variables={"id": fact_id})
    assert status == 200
    assert "errors" not in body, body
    got = body["data"]["explain"]
    assert got["fact"]["entity"]["name"] == "Katherine Moss"
    assert {m["id"] for m in got["messages"]} == cited
    assert got["messageCount"] == len(cited)
    for message in got["messages"]:
        assert message["conversation"]["id"] == first_id
        assert message["conversation"]["title"] == "team news"
        assert message["speaker"] in {"Sam", "Lee"}
        assert message["text"]
    assert got["extractor"] == "local"
    assert got["producedBy"]["status"] == "COMPLETE"
    decisions = [d for d in got["decisions"] if d["mention"] == "Katherine Moss"]
    assert [d["outcome"] for d in decisions] == ["new"]
    assert decisions[0]["jobId"] == got["producedBy"]["id"]

    # The relation from the later conversation names the fuzzy match that put it there.
    records, _, _ = await graph.execute_query(
        "MATCH (:Conversation {id: $c})-[:HAS_MESSAGE]->(m:Message) "
        "MATCH (e:Person {name: 'Katherine Moss'})-[r]->(:Entity) WHERE m.id IN r.evidence "
        "RETURN r.id AS id LIMIT 1",
        c=second_id,
    )
    assert records, "the extractor found no relation in the later conversation"
    status, body = await gql(EXPLAIN, token=admin_token.secret, variables={"id": records[0]["id"]})
    assert "errors" not in body, body
    got = body["data"]["explain"]
    assert got["relation"]["source"]["name"] == "Katherine Moss"
    assert second_id in {m["conversation"]["id"] for m in got["messages"]}
    fuzzy = [d for d in got["decisions"] if d["mention"] == "Katharine Moss"]
    assert len(fuzzy) == 1
    assert fuzzy[0]["outcome"] == "matched"
    assert fuzzy[0]["candidateName"] == "Katherine Moss"
    assert {f["name"] for f in fuzzy[0]["features"]} >= {"string", "embedding_cosine"}


async def test_explain_refuses_what_it_cannot_explain(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver
) -> None:
    _, body = await gql(EXPLAIN, token=admin_token.secret, variables={"id": "ent_123"})
    assert codes(body) == ["BAD_INPUT"]
    _, body = await gql(EXPLAIN, token=admin_token.secret, variables={"id": "fact_nope"})
    assert codes(body) == ["NOT_FOUND"]
    _, body = await gql(EXPLAIN, variables={"id": "fact_nope"})
    assert codes(body) == ["UNAUTHENTICATED"]
