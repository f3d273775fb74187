"""Entity resolution across conversations, with real workers racing each other."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import neo4j

from app.domain.corroboration import is_full_name
from app.domain.normalize import normalize_name
from app.extract.local.lexicon import ASSISTANT_SPEAKERS, USER_SPEAKERS
from app.graph.integrity import check
from app.graph.tokens import IssuedToken
from tests.api.conftest import Gql
from tests.conftest import Workers, wait_until

GOLDEN = sorted((Path(__file__).resolve().parents[1] / "golden").glob("[0-9]*.json"))
INGEST = """
mutation($input: ConversationInput!) {
  ingestConversation(input: $input) { conversation { id } job { id } }
}"""
JOBS_DONE = "MATCH (j:Job) WHERE j.status IN ['complete', 'failed'] RETURN count(j) AS n"


def _copy(conversation: dict[str, Any]) -> dict[str, Any]:
    """The same conversation as another source: a later export with one more message."""
    first = conversation["messages"][0]
    extra = {"speaker": first["speaker"], "text": "Thanks everyone, talk soon."}
    if first.get("timestamp"):
        extra["timestamp"] = conversation["messages"][-1].get("timestamp")
    return {**conversation, "title": f"{conversation['title']} (copy)",
            "messages": [*conversation["messages"], extra]}  # fmt: skip


async def _ingest_all(gql: Gql, token: str, conversations: list[dict[str, Any]]) -> list[str]:
    results = await asyncio.gather(
        *(gql(INGEST, token=token, variables={"input": c}) for c in conversations)
    )
    ids = []
    for status, body in results:
        assert status == 200, body
        assert "errors" not in body, body
        ids.append(body["data"]["ingestConversation"]["conversation"]["id"])
    return ids


async def _wait_jobs(graph: neo4j.AsyncDriver, n: int, workers: Workers, within: float) -> None:
    async def done() -> bool:
        records, _, _ = await graph.execute_query(JOBS_DONE)
        return bool(records[0]["n"] >= n)

    await wait_until(done, within=within, interval=0.5, diagnose=workers.logs)
    records, _, _ = await graph.execute_query(
        "MATCH (j:Job) WHERE j.status <> 'complete' RETURN j.id AS id, j.error_message AS e"
    )
    assert not records, [dict(r) for r in records]


async def test_golden_twice_in_parallel_leaves_no_duplicates_and_one_person_per_speaker(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, workers: Workers
) -> None:
    conversations = [json.loads(p.read_text())["conversation"] for p in GOLDEN]
    # Two workers of two threads each: up to four jobs resolve and write at once.
    workers.start()
    workers.start()
    await workers.wait_alive()
    batch = [c for original in conversations for c in (original, _copy(original))]
    conv_ids = await _ingest_all(gql, admin_token.secret, batch)
    assert len(set(conv_ids)) == len(batch)
    await _wait_jobs(graph, len(batch), workers, within=600)

    # No two active entities of one type answer to the same name.
    records, _, _ = await graph.execute_query(
        "MATCH (e:Entity) WHERE NOT e:Merged "
        "UNWIND [e.normalized_name] + coalesce(e.aliases, []) AS name "
        "RETURN e.type AS type, e.id AS id, e.name AS label, collect(name) AS names"
    )
    owners: dict[tuple[str, str], set[str]] = {}
    for r in records:
        for name in {normalize_name(n) for n in r["names"]} - {""}:
            owners.setdefault((r["type"], name), set()).add(r["label"])
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    # A one-word alias can honestly belong to two people ("Ana" for two Anas); a full name not.
    assert not {k: v for k, v in shared.items() if " " in k[1]}, shared

    # Each human speaker of each conversation is exactly one Person entity: of the people
    # the conversation mentions, exactly one answers to the speaker's name.
    for conv_id, conversation in zip(conv_ids, batch, strict=True):
        records, _, _ = await graph.execute_query(
            "MATCH (:Conversation {id: $conv})-[:HAS_MESSAGE]->(:Message)<-[:MENTIONED_IN]-(e:Person) "
            "WHERE NOT e:Merged "
            "RETURN DISTINCT e.name AS name, [e.name] + coalesce(e.aliases, []) AS names",
            conv=conv_id,
        )
        people = {r["name"]: {normalize_name(n) for n in r["names"]} for r in records}
        speakers = {
            m["speaker"]
            for m in conversation["messages"]
            # An assistant is no person; "user" is a role, not a name to look up.
            if normalize_name(m["speaker"]) not in ASSISTANT_SPEAKERS | USER_SPEAKERS
        }
        for speaker in speakers:
            matches = [name for name, names in people.items() if normalize_name(speaker) in names]
            assert len(matches) == 1, (conversation["title"], speaker, matches)

    # Both copies of a conversation resolved to the same entities, except people: a one-word
    # name never joins across sources (ADR 0015), so the copy's "Ana" is its own entity and
    # listed as possibly the same; a full name joins through the co-speakers both share.
    for original_id, copy_id, conversation in zip(
        conv_ids[::2], conv_ids[1::2], batch[::2], strict=True
    ):
        first, copied = await _entities_of(graph, original_id), await _entities_of(graph, copy_id)
        humans = (
            {normalize_name(m["speaker"]) for m in conversation["messages"]}
            - ASSISTANT_SPEAKERS
            - USER_SPEAKERS
        )
        for entity_id, (etype, name) in first.items():
            if entity_id in copied:
                continue
            assert etype == "person", (conversation["title"], name)
            assert not is_full_name(normalize_name(name)) or len(humans) < 2, name
            twins = [i for i, (t, n) in copied.items() if (t, n) == (etype, name)]
            assert len(twins) == 1, (conversation["title"], name, twins)
            records, _, _ = await graph.execute_query(
                "MATCH (:Entity {id: $a})<-[:POSSIBLY_SAME]-(:PossibleMatch)"
                "-[:POSSIBLY_SAME]->(:Entity {id: $b}) RETURN count(*) AS n",
                a=entity_id,
                b=twins[0],
            )
            assert records[0]["n"] == 1, (conversation["title"], name)
    assert await check(graph, "neo4j") == []


async def _entities_of(graph: neo4j.AsyncDriver, conversation: str) -> dict[str, tuple[str, str]]:
    records, _, _ = await graph.execute_query(
        "MATCH (:Conversation {id: $c})-[:HAS_MESSAGE]->()<-[:MENTIONED_IN]-(e:Entity) "
        "RETURN DISTINCT e.id AS id, e.type AS type, e.name AS name",
        c=conversation,
    )
    return {r["id"]: (r["type"], r["name"]) for r in records}


def _chat(title: str, lines: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "title": title,
        "origin": "test",
        "messages": [{"speaker": s, "text": t} for s, t in lines],
    }


async def test_a_misspelled_name_in_a_later_conversation_joins_the_entity_with_a_record(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, worker: object, workers: Workers
) -> None:
    first = _chat(
        "intro",
        [
            ("Sam", "Katherine Moss joined Norvale Logistics last month."),
            ("Lee", "Katherine Moss is a data engineer there."),
        ],
    )
    second = _chat(
        "later",
        [
            ("Sam", "Katharine Moss says the Norvale Logistics Ltd office moved to Porto."),
            ("Lee", "Good for Katharine Moss."),
        ],
    )
    await _ingest_all(gql, admin_token.secret, [first])
    await _wait_jobs(graph, 1, workers, within=120)
    await _ingest_all(gql, admin_token.secret, [second])
    await _wait_jobs(graph, 2, workers, within=120)

    records, _, _ = await graph.execute_query(
        "MATCH (e:Person) WHERE e.normalized_name STARTS WITH 'kath' "
        "RETURN e.name AS name, e.aliases AS aliases"
    )
    assert [(r["name"], r["aliases"]) for r in records] == [("Katherine Moss", ["Katharine Moss"])]
    records, _, _ = await graph.execute_query(
        "MATCH (e:Organization) WHERE e.normalized_name STARTS WITH 'norvale' RETURN e.name AS n"
    )
    assert [r["n"] for r in records] == ["Norvale Logistics"]
    records, _, _ = await graph.execute_query(
        "MATCH (r:Resolution {mention: 'Katharine Moss'})-[:RESOLVED_TO]->(e:Entity) "
        "RETURN r.outcome AS outcome, r.rule AS rule, r.score AS score, e.name AS name, "
        "r.features AS features"
    )
    assert len(records) == 1
    decision = records[0]
    assert decision["outcome"] == "matched"
    assert decision["rule"] == "fuzzy"
    assert decision["name"] == "Katherine Moss"
    assert decision["score"] >= 0.86
    assert json.loads(decision["features"])["string"] > 0.8
    assert await check(graph, "neo4j") == []


async def test_a_different_person_with_a_similar_name_stays_apart(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, worker: object, workers: Workers
) -> None:
    await _ingest_all(
        gql,
        admin_token.secret,
        [_chat("one", [("Sam", "Robert Ng works at Orbital Games.")])],
    )
    await _wait_jobs(graph, 1, workers, within=120)
    await _ingest_all(
        gql,
        admin_token.secret,
        [_chat("two", [("Sam", "Roberta Ng works at Orbital Games too.")])],
    )
    await _wait_jobs(graph, 2, workers, within=120)
    records, _, _ = await graph.execute_query(
        "MATCH (e:Person) WHERE e.normalized_name ENDS WITH ' ng' RETURN e.name AS n ORDER BY n"
    )
    assert [r["n"] for r in records] == ["Robert Ng", "Roberta Ng"]
    records, _, _ = await graph.execute_query(
        "MATCH (r:Resolution {mention: 'Roberta Ng'}) RETURN r.outcome AS o, r.candidate_name AS c"
    )
    assert [(r["o"], r["c"]) for r in records] == [("new", "Robert Ng")]


VARIANTS = [
    ("Katherine Moss", "Katharine Moss"),
    ("Rafael Mendes", "Raphael Mendes"),
    ("Sofia Ferreira", "Sophia Ferreira"),
    ("Elizabeth Grant", "Elisabeth Grant"),
]


async def test_spelling_variants_ingested_at_the_same_moment_become_one_entity(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, workers: Workers
) -> None:
    """Without the resolve-and-write lock both jobs see an empty graph and both create."""
    workers.start()
    workers.start()
    await workers.wait_alive()
    batch = [
        _chat(f"{i}-{side}", [("Sam", f"{name} moved to Porto last year, said {name}.")])
        for i, pair in enumerate(VARIANTS)
        for side, name in enumerate(pair)
    ]
    await _ingest_all(gql, admin_token.secret, batch)
    await _wait_jobs(graph, len(batch), workers, within=300)
    for first, second in VARIANTS:
        records, _, _ = await graph.execute_query(
            "MATCH (e:Person) WHERE NOT e:Merged AND "
            "any(n IN [e.name] + e.aliases WHERE n IN [$a, $b]) "
            "RETURN e.name AS name, e.aliases AS aliases",
            a=first,
            b=second,
        )
        assert len(records) == 1, [dict(r) for r in records]
        assert {records[0]["name"], *records[0]["aliases"]} >= {first, second}


async def test_names_in_other_scripts_resolve_across_conversations(
    gql: Gql, admin_token: IssuedToken, graph: neo4j.AsyncDriver, worker: object, workers: Workers
) -> None:
    chats = [
        _chat("ru", [("Иван Петров", "Hello from Porto!"), ("李小龙", "Hi Иван Петров.")]),
        _chat("zh", [("李小龙", "I moved to Lyon."), ("Иван Петров", "Congratulations!")]),
    ]
    await _ingest_all(gql, admin_token.secret, chats[:1])
    await _wait_jobs(graph, 1, workers, within=120)
    await _ingest_all(gql, admin_token.secret, chats[1:])
    await _wait_jobs(graph, 2, workers, within=120)  # every job COMPLETE
    records, _, _ = await graph.execute_query(
        "MATCH (e:Person) WHERE e.name IN ['Иван Петров', '李小龙'] "
        "RETURN e.name AS name, COUNT { (e)-[:MENTIONED_IN]->() } AS mentions ORDER BY name"
    )
    assert [r["name"] for r in records] == ["Иван Петров", "李小龙"]
    assert all(r["mentions"] >= 2 for r in records)
