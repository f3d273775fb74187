"""`librarian eval knowledge` on the real pipeline, Neo4j and Redis: the knowledge set's tuned
and blind splits hold their floors, and with an LLM configured (a fake vendor on loopback,
answering recorded grades) the answers are the LLM's and every one is graded.

The blind split is read here only to gate: the assertions print its aggregate figures, never
its names, questions or answers (tests/knowledge/README.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

import neo4j
import pytest
import redis

import tests.llm_servers as llm_servers
from app.config import Settings
from app.eval.knowledge import KnowledgeReport
from app.eval.knowledge_graph import knowledge_of
from app.eval.knowledge_run import run_knowledge_eval
from app.eval.knowledge_set import KnowledgeFile, load_dir, load_split
from tests.conftest import Services
from tests.llm_servers import FakeOpenAI

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "knowledge_mini"

#: What each split must keep: today's figures less a small margin. Raise them as the extractor,
#: the resolver and the answerer improve (the issue's targets: fact coverage >= 0.40, answer F1
#: >= 0.30, type precision >= 0.90, resolution precision 1.0 and recall >= 0.9).
FLOORS: Final = {
    # measured 2026-12-08, session 4 (ADR 0022: life events as chat tells them, answers that
    # lean on a question, fact answers with a lower bar and a relative check, present-tense
    # dates ahead): 0.405, 0.391, 0.540, 0.833, 0.865, 1.000 (7/7 pairs), 1.000 (7/7)
    "tuned": {
        "fact_coverage": 0.39,
        "answer_f1": 0.37,
        "cites_gold": 0.52,
        "entities_found": 0.81,
        "type_precision": 0.84,
        "resolution_precision": 1.0,  # no two different people fused: the bar
        "resolution_recall": 0.85,  # one pair of seven may be lost, not more
    },
    # measured the same day: 0.367, 0.299, 0.494, 0.857, 0.700, 1.000 (1/1), 0.333 (1/3)
    "blind": {
        "fact_coverage": 0.35,
        "answer_f1": 0.28,
        "cites_gold": 0.47,
        "entities_found": 0.83,
        "type_precision": 0.67,
        "resolution_precision": 1.0,
        "resolution_recall": 0.33,
    },
}


async def _fresh(driver: neo4j.AsyncDriver, settings: Settings) -> None:
    await driver.execute_query("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
    redis.Redis.from_url(settings.redis_url).flushdb()


def _offline(services: Services) -> Settings:
    return services.settings.model_copy(
        update={"extractor": "local", "answerer": "extractive", "llm_provider": "none"}
    )


def _aggregate(report: KnowledgeReport) -> dict[str, float]:
    figures: dict[str, Any] = report.figures()
    every = figures["kinds"]["all"]
    return {
        "fact_coverage": every["fact_coverage"],
        "answer_f1": every["answer_f1"],
        "cites_gold": every["cites_gold"],
        "entities_found": figures["entities"]["found"] / max(1, figures["entities"]["gold"]),
        "type_precision": figures["entities"]["type_precision"],
        "resolution_precision": figures["resolution"]["precision"],
        "resolution_recall": figures["resolution"]["recall"],
    }


@pytest.mark.parametrize("split", ["tuned", "blind"])
async def test_the_knowledge_split_holds_its_floors(
    split: str, services: Services, driver: neo4j.AsyncDriver
) -> None:
    settings = _offline(services)
    await _fresh(driver, settings)
    files = load_split(split)
    run = await run_knowledge_eval(settings, files)
    report = run.report
    assert run.processed == len(files)
    assert len(report.results) == sum(len(f.questions) for f in files)
    assert report.answerers() == {"extractive": len(report.results)}
    figures = _aggregate(report)
    low = {k: (v, FLOORS[split][k]) for k, v in figures.items() if v < FLOORS[split][k]}
    assert low == {}, f"{split} below its floors (figure, floor): {low}; all figures: {figures}"


async def test_a_fact_date_answers_a_when_question_written_as_people_write_dates(
    services: Services, driver: neo4j.AsyncDriver
) -> None:
    await _fresh(driver, services.settings)
    await driver.execute_query(
        "CREATE (e:Entity:Person {id: 'e1', name: 'Jonah', type: 'person'})"
        "-[:HAS_FACT]->(:Fact {id: 'f1', field: 'event', value: 'got married',"
        " event_date: '2024-03-09'}), "
        "(e)-[:HAS_FACT]->(:Fact {id: 'f2', field: 'lives_in', value: 'Denver',"
        " valid_from: '2024-01'}), "
        "(e)-[:SIBLING_OF {id: 'r1', valid_from: '2019'}]->(:Entity {id: 'e2', name: 'Priya'})"
    )
    known = (await knowledge_of(driver, "neo4j", ["e1"]))["e1"]
    assert sorted(known.facts) == ["Denver", "got married"]
    assert known.relations == ["Priya"]
    assert sorted(known.dates) == ["2019", "9 March 2024", "January 2024"]
    assert "9 March 2024" not in known.texts(dates=False)


# --- with an LLM: the vendor is faked, its grades recorded ------------------------------------

#: The grade the fake vendor gives each question of the mini set (9: an invalid reply, always).
RECORDED_GRADES: Final = {
    "What is the name of Maya's parrot?": 5,
    "Where does Jonah live?": 4,
    "Where does Maya work?": 3,
    "What is Maya's job?": 2,
    "Who is Jonah's sister?": 1,
    "Who did Jonah marry?": 5,
    "When did Jonah get married?": 4,
    "When did Jonah finish reading Dune?": 3,
    "In which city does Maya's brother live?": 2,
    "In which city does Jonah's sister live?": 1,
    "What is Maya's role after her promotion?": 5,
    "Which city is Maya moving to?": 5,
    "When is Maya moving to Chicago?": 1,
    "Who from Elena's team is in Chicago?": 1,
    "Who taught Maya's parrot a new word?": 9,
}
_QUESTION = re.compile(r"<question>(.*?)</question>", re.DOTALL)


def _recorded_reply(user: str) -> dict[str, Any]:
    match = _QUESTION.search(user)
    assert match is not None, "the fake vendor got a call that is no grading"
    return {"grade": RECORDED_GRADES[match.group(1)], "reason": "recorded"}


async def test_with_an_llm_its_answers_are_graded_and_the_share_of_4_or_5_is_reported(
    services: Services, driver: neo4j.AsyncDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(llm_servers, "extraction_for", _recorded_reply)
    files: list[KnowledgeFile] = load_dir(MINI)
    with FakeOpenAI(key="sk-test-grader-0123456789", model="gpt-4.1-mini").running() as fake:
        settings = services.settings.model_copy(
            update={**fake.settings_update(), "extractor": "local"}
        )
        await _fresh(driver, settings)
        run = await run_knowledge_eval(settings, files)
    report = run.report
    assert run.grader == "openai/gpt-4.1-mini"
    assert report.answerers() == {"openai": 15}
    kinds = report.figures()["kinds"]
    # By hand from RECORDED_GRADES: what 2/3, where 2/3, who 1/3, when 1/3, multi 0/3.
    assert {k: v["graded_good"] for k, v in kinds.items()} == {
        "what": round(2 / 3, 4),
        "where": round(2 / 3, 4),
        "who": round(1 / 3, 4),
        "when": round(1 / 3, 4),
        "multi": 0.0,
        "all": 0.4,
    }
    # The invalid reply was re-asked, then left ungraded and counted, not taken as a grade.
    (ungraded,) = report.ungraded()
    assert ungraded.question == "Who taught Maya's parrot a new word?"
    assert ungraded.graded is not None
    assert "InvalidOutput" in (ungraded.graded.error or "")
    grades = fake.of_kind("extract")
    assert len(grades) > 15
    # Each grading call carries the gold answer and the LLM's own answer, as data in tags.
    answers = {x.reply for x in fake.of_kind("answer")}
    kiwi = next(x for x in grades if "<question>What is the name of Maya" in str(x.body))
    prompt = str(kiwi.body)
    assert "<gold_answer>Kiwi</gold_answer>" in prompt
    assert any(a and a.split("[")[0].strip() in prompt for a in answers)
    assert "graded 4-5" in report.table(names=True)
