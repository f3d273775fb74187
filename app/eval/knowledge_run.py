"""One run of the knowledge evaluation against a Neo4j and Redis: migrate, ingest the files
through the real pipeline, then score with the answerer the API would use (and, with an LLM
configured, its grades). ``librarian eval knowledge`` runs it on a scratch stack; the tests
run it on theirs."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import redis.asyncio

from app.api.context import Db, query_embedder
from app.ask.base import Answerer
from app.ask.extractive import ExtractiveAnswerer
from app.bootstrap import apply_migrations
from app.config import Settings
from app.embed import create_embedder
from app.errors import Unavailable
from app.eval.knowledge import KnowledgeReport, evaluate
from app.eval.knowledge_graph import ingest_files
from app.eval.knowledge_set import KnowledgeFile
from app.extract.factory import create_extractor
from app.graph.driver import create_driver
from app.llm.base import LLM
from app.llm.factory import create_llm
from app.search.engine import Searcher

__all__ = ["KnowledgeRun", "run_knowledge_eval"]


@dataclass(frozen=True)
class KnowledgeRun:
    report: KnowledgeReport
    extractor: str
    answerer: str
    grader: str | None  # "provider/model", None offline
    processed: int  # conversations run through the pipeline (those already there are not)
    ingest_seconds: float


async def run_knowledge_eval(settings: Settings, files: Sequence[KnowledgeFile]) -> KnowledgeRun:
    """Ingest ``files`` into the graph ``settings`` points at and score it. The extractor and
    answerer follow the settings; an LLM, when configured, also grades every answer."""
    driver = create_driver(settings)
    client = redis.asyncio.Redis.from_url(settings.redis_url)
    try:
        await apply_migrations(driver, settings)
        embedder = create_embedder(settings.embedder, settings.embedding_dim, threads=None)
        extractor = create_extractor(settings)
        began = time.perf_counter()
        processed = await ingest_files(settings, driver, client, embedder, extractor, files)
        ingest_seconds = time.perf_counter() - began
        llm = create_llm(settings) if settings.llm_kind != "none" else None
        answerer = _answerer(settings, ExtractiveAnswerer(embedder), llm)
        report = await evaluate(
            driver,
            settings.neo4j_database,
            files,
            reader=Db(driver, settings.neo4j_database),
            searcher=Searcher(query_embedder(settings), cache_seconds=0),
            answerer=answerer,
            grader=llm,
        )
        return KnowledgeRun(
            report=report,
            extractor=extractor.name,
            answerer=answerer.name,
            grader=f"{llm.provider}/{llm.model}" if llm else None,
            processed=processed,
            ingest_seconds=ingest_seconds,
        )
    finally:
        await client.aclose()
        await driver.close()


def _answerer(settings: Settings, offline: Answerer, llm: LLM | None) -> Answerer:
    """As the API composes it (``app.api.context.Services.answerer``): the LLM, falling back
    to the offline answerer while it cannot be reached; the report counts who answered."""
    if settings.answerer_kind != "llm":
        return offline
    if llm is None:
        raise Unavailable("LIBRARIAN_ANSWERER=llm needs LIBRARIAN_LLM_PROVIDER and its key")
    from app.ask.fallback import FallbackAnswerer
    from app.ask.llm import LLMAnswerer

    return FallbackAnswerer(LLMAnswerer(llm), offline)
