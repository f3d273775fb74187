"""search and ask over the golden conversations, processed by the real pipeline into the real
graph once for this module (no test here wipes it)."""

from __future__ import annotations

import asyncio
import base64
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import neo4j
import pytest
import redis
import redis.asyncio
import websockets
from starlette.applications import Starlette

from app.api.context import Db, query_embedder
from app.ask.base import Token
from app.ask.llm import LLMAnswerer
from app.ask.service import Asked, ask
from app.embed import Embedder, create_embedder
from app.eval.golden_graph import ingest_golden
from app.eval.search import evaluate, golden_message_ids, load_search_set
from app.extract.factory import create_extractor
from app.graph.tokens import Scope, TokenStore
from app.llm.anthropic import AnthropicLLM
from app.search.engine import Searcher, SearchKind, SearchMode, SearchRequest
from tests.api.conftest import Gql, codes, subscribe
from tests.conftest import Services
from tests.unit.test_ask_claude import FakeAnthropic, stream_of

SEARCH = """query($q: String!, $kinds: [SearchKind!], $first: Int, $after: String,
                 $filters: SearchFilters, $mode: SearchMode! = HYBRID) {
  search(query: $q, kinds: $kinds, first: $first, after: $after, filters: $filters, mode: $mode) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      kind score matchedBy similarity
      snippet { text parts { text highlighted } }
      message { id externalId speaker timestamp text conversation { id title } }
      entity { id name type }
      fact { id field value }
    } }
  }
}"""


@dataclass(frozen=True)
class Golden:
    token: str
    messages: dict[str, list[str]]  # golden file stem → message ids in order
    titles: dict[str, str]  # conversation id → title
    embedder: Embedder  # what search embeds queries with, as the API does (query_embedder)

    def message(self, stem: str, index: int) -> str:
        return self.messages[stem][index]


@pytest.fixture(scope="module")
async def golden(services: Services, driver: neo4j.AsyncDriver, api_app: Starlette) -> Golden:
    settings = services.settings.model_copy(update={"extractor": "local"})
    await driver.execute_query("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
    redis.Redis.from_url(settings.redis_url).flushdb()
    embedder = create_embedder("local")
    client = redis.asyncio.Redis.from_url(settings.redis_url)
    try:
        processed = await ingest_golden(
            settings, driver, client, embedder, create_extractor(settings)
        )
    finally:
        await client.aclose()
    assert processed == 15
    api_app.state.services.caches.clear_all("golden graph loaded")
    issued = await TokenStore(driver, settings.neo4j_database).create("search", Scope.READ)
    records, _, _ = await driver.execute_query(
        "MATCH (c:Conversation) RETURN c.id AS id, c.title AS t"
    )
    return Golden(
        token=issued.secret,
        messages=golden_message_ids(),
        titles={r["id"]: r["t"] for r in records},
        embedder=query_embedder(settings),
    )


async def _search(gql: Gql, golden: Golden, query: str, **variables: Any) -> dict[str, Any]:
    _, body = await gql(SEARCH, token=golden.token, variables={"q": query, **variables})
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["search"]
    return result


def _nodes(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["node"] for e in result["edges"]]


# --- quality ----------------------------------------------------------------------------------


async def test_hybrid_beats_fulltext_and_vector_alone_on_the_golden_questions(
    golden: Golden, services: Services, driver: neo4j.AsyncDriver
) -> None:
    questions = load_search_set().questions
    assert len(questions) >= 40
    report = await evaluate(
        Db(driver, services.settings.neo4j_database),
        Searcher(golden.embedder, cache_seconds=0),
        questions,
    )
    hybrid, fulltext, vector = (report.scores[m] for m in ("hybrid", "fulltext", "vector"))
    for metric in ("recall_at_5", "recall_at_10", "mrr"):
        best_single = max(getattr(fulltext, metric), getattr(vector, metric))
        assert getattr(hybrid, metric) >= best_single, (metric, report.table())
    assert hybrid.recall_at_10 > max(fulltext.recall_at_10, vector.recall_at_10), report.table()


# --- search over GraphQL -----------------------------------------------------------------------


async def test_a_message_hit_has_its_conversation_speaker_and_a_highlighted_snippet(
    gql: Gql, golden: Golden
) -> None:
    result = await _search(gql, golden, "Marlow & Finch pilot", kinds=["MESSAGE"], first=5)
    hits = _nodes(result)
    assert hits
    assert all(h["kind"] == "MESSAGE" for h in hits)
    top = hits[0]
    assert "pilot" in top["message"]["text"].lower()
    assert top["message"]["conversation"]["title"].startswith("Halden Analytics")
    assert top["message"]["id"] in golden.messages["02_work_meeting"]
    highlighted = [p["text"].lower() for p in top["snippet"]["parts"] if p["highlighted"]]
    assert "pilot" in highlighted
    assert "".join(p["text"] for p in top["snippet"]["parts"]) == top["snippet"]["text"]
    assert set(top["matchedBy"]) <= {"FULLTEXT", "VECTOR", "GRAPH"}
    assert top["matchedBy"]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


async def test_an_entity_query_finds_the_entity_and_its_facts_with_their_messages(
    gql: Gql, golden: Golden
) -> None:
    entities = _nodes(await _search(gql, golden, "Daniel Okafor", kinds=["ENTITY"], first=3))
    assert entities[0]["entity"]["name"] == "Daniel Okafor"
    assert entities[0]["entity"]["type"] == "person"

    facts = _nodes(await _search(gql, golden, "Priya Raman manager", kinds=["FACT"], first=10))
    assert facts
    assert all(f["kind"] == "FACT" and f["fact"]["value"] for f in facts)
    for hit in facts:  # a fact hit shows who it is about and the message it comes from
        assert hit["entity"]["name"]
        assert hit["message"]["id"] in {m for ids in golden.messages.values() for m in ids}


async def test_a_misspelt_name_still_finds_the_entity(gql: Gql, golden: Golden) -> None:
    hits = _nodes(await _search(gql, golden, "Okafro", kinds=["ENTITY"], first=3))
    assert "Daniel Okafor" in [h["entity"]["name"] for h in hits]


async def test_a_paraphrase_without_shared_words_is_found_by_meaning(
    gql: Gql, golden: Golden
) -> None:
    query = "medicine for high blood pressure was changed"
    fulltext = _nodes(await _search(gql, golden, query, kinds=["MESSAGE"], mode="FULLTEXT"))
    hybrid = _nodes(await _search(gql, golden, query, kinds=["MESSAGE"]))
    wanted = set(golden.messages["05_doctor_followup"])
    assert any(h["message"]["id"] in wanted for h in hybrid[:5])
    assert any("VECTOR" in h["matchedBy"] for h in hybrid[:5])
    assert len(hybrid) >= len(fulltext)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "the and of",  # stop words only: searched as they are
        "AND OR NOT",
        '"unbalanced quote',
        "title:atlas* OR ~fuzzy^3 [1 TO 5] {x} \\ / && || !",
        "🙂🙃",
        "名前 ü ß",
        "x" * 1000,
        " ".join(f"word{i}x" for i in range(120)),  # many terms: the first 32 are searched
    ],
)
async def test_empty_odd_and_huge_queries_never_fail(gql: Gql, golden: Golden, query: str) -> None:
    result = await _search(gql, golden, query, first=5)
    assert result["totalCount"] >= len(result["edges"])
    if not query.strip():
        assert result["edges"] == []
        assert result["totalCount"] == 0


async def test_a_query_over_the_limit_is_bad_input(gql: Gql, golden: Golden) -> None:
    _, body = await gql(SEARCH, token=golden.token, variables={"q": "x" * 1001})
    assert codes(body) == ["BAD_INPUT"]
    assert "1000" in body["errors"][0]["message"]


async def test_filters_narrow_every_hit(gql: Gql, golden: Golden) -> None:
    meeting = "02_work_meeting"
    conv_id = next(c for c, t in golden.titles.items() if t.startswith("Halden Analytics"))
    result = await _search(
        gql, golden, "deadline", kinds=["MESSAGE", "FACT"], filters={"conversationId": conv_id}
    )
    hits = _nodes(result)
    assert hits
    assert all(h["message"]["id"] in golden.messages[meeting] for h in hits)

    by_speaker = _nodes(await _search(gql, golden, "Atlas", filters={"speaker": "Jonas Weber"}))
    assert by_speaker
    assert {h["message"]["speaker"] for h in by_speaker if h["kind"] == "MESSAGE"} == {
        "Jonas Weber"
    }

    window = {"since": "2024-09-12T09:02:00Z", "until": "2024-09-12T09:04:00Z"}
    timed = _nodes(await _search(gql, golden, "Atlas deadline", kinds=["MESSAGE"], filters=window))
    assert timed
    assert all("2024-09-12T09:02" <= h["message"]["timestamp"] < "2024-09-12T09:04" for h in timed)

    people = _nodes(
        await _search(gql, golden, "Priya", kinds=["ENTITY"], filters={"entityType": "person"})
    )
    assert "Priya Raman" in [h["entity"]["name"] for h in people]
    assert all(h["entity"]["type"] == "person" for h in people)
    places = _nodes(
        await _search(gql, golden, "Priya", kinds=["ENTITY"], filters={"entityType": "place"})
    )
    assert "Priya Raman" not in [h["entity"]["name"] for h in places]

    _, body = await gql(
        SEARCH,
        token=golden.token,
        variables={"q": "atlas", "filters": {"since": "2024-09-12T09:02:00"}},
    )
    assert codes(body) == ["BAD_INPUT"]  # a time without a zone is ambiguous


async def test_pages_continue_the_ranking_and_cursors_are_checked(
    gql: Gql, golden: Golden, api_app: Starlette
) -> None:
    query = "wedding venue budget"

    def ids(nodes: Sequence[dict[str, Any]]) -> list[str]:
        return [n[n["kind"].lower()]["id"] for n in nodes]

    whole = await _search(gql, golden, query, first=30)
    assert whole["totalCount"] > 30
    paged: list[dict[str, Any]] = []
    after = None
    for _ in range(3):
        api_app.state.services.caches.clear_all(
            "each page ranks afresh"
        )  # pages agree without the cache, too
        page = await _search(gql, golden, query, first=10, after=after)
        paged += _nodes(page)
        assert page["pageInfo"]["hasNextPage"]
        after = page["pageInfo"]["endCursor"]
    assert ids(paged) == ids(_nodes(whole))
    assert len(set(ids(paged))) == 30

    forged = base64.urlsafe_b64encode(b'["search",-5]').decode().rstrip("=")
    bad_pages = [{"after": "not-a-cursor"}, {"after": forged}, {"first": 101}, {"first": -1}]
    bad_pages += [{"filters": {"speaker": " "}}, {"first": 10, "after": _cursor(95)}]
    for bad in bad_pages:
        _, body = await gql(SEARCH, token=golden.token, variables={"q": "atlas", **bad})
        assert codes(body) == ["BAD_INPUT"], bad


def _cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f'["search",{position}]'.encode()).decode().rstrip("=")


async def test_search_needs_a_token(http: httpx.AsyncClient, golden: Golden) -> None:
    resp = await http.post("/graphql", json={"query": '{ search(query: "atlas") { totalCount } }'})
    assert resp.status_code == 401


# --- the engine's edges ---------------------------------------------------------------------


class _BrokenEmbedder:
    """An embedder whose model returns nothing rankable (all zeros, or NaN)."""

    name = "broken"
    dim = 384

    def __init__(self, value: float) -> None:
        self.value = value

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [[self.value] * self.dim for _ in texts]


@pytest.mark.parametrize("value", [0.0, math.nan, math.inf])
async def test_an_unusable_query_vector_leaves_fulltext_working(
    golden: Golden, services: Services, driver: neo4j.AsyncDriver, value: float
) -> None:
    searcher = Searcher(_BrokenEmbedder(value), cache_seconds=0)
    result = await searcher.search(
        Db(driver, services.settings.neo4j_database),
        SearchRequest("ramipril", frozenset({SearchKind.MESSAGE}), SearchMode.HYBRID),
    )
    assert result.hits
    assert all(h.cosine is None for h in result.hits)
    assert "ramipril" in result.hits[0].snippet.text.lower()


# --- ask ---------------------------------------------------------------------------------------

ASK = """subscription($q: String!) { ask(question: $q) {
  __typename
  ... on AskToken { text }
  ... on AskAnswer { text found answerer method basis followUps
    citations { number message { id speaker text timestamp conversation { id title } } } }
} }"""


async def _ask(api_url: str, token: str, question: str) -> list[dict[str, Any]]:
    payloads = await subscribe(api_url, token, ASK, {"q": question})
    return [p["data"]["ask"] for p in payloads]


async def test_ask_streams_tokens_then_an_answer_citing_golden_messages(
    api_url: str, golden: Golden
) -> None:
    events = await _ask(api_url, golden.token, "What is the new deadline for Atlas?")
    tokens = [e["text"] for e in events if e["__typename"] == "AskToken"]
    answer = events[-1]
    assert answer["__typename"] == "AskAnswer"
    # The answer arrives in pieces, a word each.
    assert tokens == re.findall(r"\S+\s*", answer["text"])
    assert len(tokens) >= 2
    assert answer["found"]
    assert answer["answerer"] == "extractive"
    # The golden set's answer: the deadline as first set (message 1) and as moved (message 3).
    answering = {golden.message("02_work_meeting", i) for i in (1, 3)}
    assert answering & {c["message"]["id"] for c in answer["citations"]}
    said = f"{answer['text']} {answer['basis'] or ''}"
    assert "deadline" in said or "November 15" in said
    every_message = {m for ids in golden.messages.values() for m in ids}
    # Numbered in order of appearance; a quoted sentence names its speaker (its conversation's
    # title is the citation's: issue 14 made answers short).
    assert [c["number"] for c in answer["citations"]] == [1]
    for citation in answer["citations"]:
        assert f"[{citation['number']}]" in answer["text"]
        message = citation["message"]
        assert message["id"] in every_message
        if answer["method"] == "PASSAGE":
            assert message["speaker"] in said
    assert 2 <= len(answer["followUps"]) <= 3


async def test_ask_says_plainly_when_nothing_answers(api_url: str, golden: Golden) -> None:
    events = await _ask(api_url, golden.token, "What is the airspeed of an unladen swallow?")
    answer = events[-1]
    assert answer["found"] is False
    assert answer["method"] == "NONE"
    assert answer["citations"] == []
    assert "nothing" in answer["text"].lower()


async def test_an_empty_question_is_bad_input(api_url: str, golden: Golden) -> None:
    url = api_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {golden.token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": ASK, "variables": {"q": "   "}}
        await ws.send(json.dumps({"id": "a", "type": "subscribe", "payload": payload}))
        async with asyncio.timeout(30):
            message = json.loads(await ws.recv())
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["BAD_INPUT"]


async def test_claude_answers_from_the_retrieved_golden_messages_and_cites_them(
    golden: Golden, services: Services, driver: neo4j.AsyncDriver
) -> None:
    """The Claude path end to end over the real graph; only Anthropic's reply is recorded."""
    api = FakeAnthropic().stream(
        stream_of(
            [
                "The Atlas deadline was October 31 [1",
                "]; it moved to November 15 [2]",
                ".\n\n<follow_ups>\nWho agreed to the new date?\nIs the pilot affected?\n",
                "</follow_ups>",
            ]
        )
    )
    events = [
        event
        async for event in ask(
            Db(driver, services.settings.neo4j_database),
            Searcher(golden.embedder, cache_seconds=0),
            LLMAnswerer(AnthropicLLM(async_client=api.client())),
            "What is the new deadline for Atlas?",
        )
    ]
    *tokens, last = events
    assert isinstance(last, Asked)
    assert all(isinstance(t, Token) for t in tokens)
    assert "".join(t.text for t in tokens if isinstance(t, Token)) == last.answer.text
    assert last.answer.follow_ups == ["Who agreed to the new date?", "Is the pilot affected?"]
    every_message = {m for ids in golden.messages.values() for m in ids}
    assert [c.number for c in last.citations] == [1, 2]
    assert all(c.message["id"] in every_message for c in last.citations)
    # What Claude was shown: the question and the very messages the citations point to.
    prompt = json.dumps(api.body(0)["messages"])
    assert "What is the new deadline for Atlas?" in prompt
    for citation in last.citations:
        assert json.dumps(citation.message["text"])[1:-1][:60] in prompt
