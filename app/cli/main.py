"""The ``librarian`` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import neo4j

from app.config import Settings, get_settings
from app.errors import LibrarianError
from app.graph.driver import create_driver
from app.graph.tokens import Scope, TokenStore
from app.localstack import LocalServiceError
from app.logging import configure_logging

T = TypeVar("T")
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def _with_driver(settings: Settings, work: Callable[..., Awaitable[T]]) -> T:
    async def main() -> T:
        driver = create_driver(settings)
        try:
            return await work(driver)
        finally:
            await driver.close()

    return asyncio.run(main())


def cmd_run(settings: Settings, _: argparse.Namespace) -> int:
    from app.stack import run_stack

    return run_stack(settings)


def cmd_setup(settings: Settings, _: argparse.Namespace) -> int:
    from app.localstack import ensure_redis_installed, install_neo4j
    from app.localstack.neo4j_install import DEFAULT_CACHE_DIR

    neo4j_dir = install_neo4j(DEFAULT_CACHE_DIR)
    redis_server = ensure_redis_installed()
    print(f"neo4j  {neo4j_dir}")
    print(f"redis  {redis_server}")
    return 0


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    from app.bootstrap import apply_migrations

    applied = _with_driver(settings, lambda d: apply_migrations(d, settings))
    for m in applied:
        print(f"applied {m.version:03d}_{m.name}")
    if not applied:
        print("nothing to apply")
    return 0


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from app.cli.ingest import ingest_paths

    return ingest_paths(settings, [Path(p) for p in args.paths], wait=not args.no_wait)


def cmd_eval_extraction(settings: Settings, args: argparse.Namespace) -> int:
    from app.eval.extraction import GOLDEN_DIR, evaluate
    from app.extract.factory import create_extractor

    extractor = create_extractor(settings.model_copy(update={"extractor": args.extractor}))
    report = evaluate(extractor, Path(args.golden) if args.golden else GOLDEN_DIR)
    print(f"extractor: {extractor.name}; golden files: {len(report.per_file)}")
    if args.per_file:
        for name, (ents, facts, rels) in report.per_file.items():
            print(
                f"  {name:<32} entities F1 {ents.f1:.2f}  facts F1 {facts.f1:.2f}  "
                f"relations F1 {rels.f1:.2f}"
            )
    print(report.table())
    return 0


def cmd_eval_resolution(settings: Settings, args: argparse.Namespace) -> int:
    from app.embed import create_embedder
    from app.eval.resolution import RESOLUTION_SET, evaluate

    path = Path(args.set) if args.set else RESOLUTION_SET
    embedder = create_embedder(settings.embedder, settings.embedding_dim, settings.embed_threads)
    report = evaluate(embedder, path)
    print(f"resolution set: {path.name}; embedder: {settings.embedder}")
    print(report.table())
    if args.errors:
        for o in report.errors():
            d = o.decision
            print(
                f"  {o.name!r} ({o.type}): expected {o.expected}, got {o.got} "
                f"[{d.outcome}, {d.rule}, score {d.score:.3f}, best {d.candidate_name!r}] {o.why}"
            )
    return 0


def cmd_eval_search(settings: Settings, args: argparse.Namespace) -> int:
    from app.localstack.scratch import scratch_stack
    from app.logging import configure_logging

    configure_logging("WARNING", settings.log_format)  # the pipeline's INFO lines are noise here
    base = settings.model_copy(update={"extractor": "local"})
    with scratch_stack(base) as scratch:
        return asyncio.run(_eval_search(scratch, args))


async def _eval_search(settings: Settings, args: argparse.Namespace) -> int:
    import time

    import redis.asyncio

    from app.api.context import Db, query_embedder
    from app.ask.extractive import ExtractiveAnswerer
    from app.bootstrap import apply_migrations
    from app.embed import create_embedder
    from app.eval.golden_graph import ingest_golden
    from app.eval.search import SEARCH_SET, evaluate, evaluate_ask, load_search_set
    from app.extract.factory import create_extractor
    from app.search.engine import Searcher

    driver = create_driver(settings)
    client = redis.asyncio.Redis.from_url(settings.redis_url)
    try:
        await apply_migrations(driver, settings)
        embedder = create_embedder(settings.embedder, settings.embedding_dim, threads=None)
        began = time.perf_counter()
        count = await ingest_golden(settings, driver, client, embedder, create_extractor(settings))
        print(f"golden conversations processed: {count} in {time.perf_counter() - began:.1f} s")
        path = Path(args.set) if args.set else SEARCH_SET
        search_set = load_search_set(path)
        queries = query_embedder(settings)  # as the API embeds queries
        report = await evaluate(
            Db(driver, settings.neo4j_database),
            Searcher(queries, cache_seconds=0),
            search_set.questions,
        )
        print(f"search set: {path.name}; questions: {len(search_set.questions)}")
        print(report.table())
        if args.misses:
            for method, ids in report.misses.items():
                print(f"  no answer in the first 10, {method}: {', '.join(ids) or 'none'}")
        asked = await evaluate_ask(
            Db(driver, settings.neo4j_database),
            Searcher(queries, cache_seconds=0),
            ExtractiveAnswerer(embedder),
            search_set,
        )
        print("\nask, offline (extractive) answerer:")
        print(asked.table())
        if args.misses:
            print(f"  answers citing no answering message: {', '.join(asked.wrong) or 'none'}")
        return 0
    finally:
        await client.aclose()
        await driver.close()


def cmd_eval_knowledge(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from app.eval.knowledge_run import run_knowledge_eval
    from app.eval.knowledge_set import is_blind, load_dir, load_split
    from app.localstack.scratch import scratch_stack

    blind = args.split != "tuned" if args.dir is None else is_blind(Path(args.dir))
    if args.misses and blind:
        print(
            "librarian: --misses lists questions and answers, so only for the tuned split: "
            "the blind split is held out (tests/knowledge/README.md)",
            file=sys.stderr,
        )
        return 2
    files = load_dir(Path(args.dir)) if args.dir else load_split(args.split)
    configure_logging("WARNING", settings.log_format)  # the pipeline's INFO lines are noise here
    base = (
        settings
        if args.extractor is None
        else settings.model_copy(update={"extractor": args.extractor})
    )
    with scratch_stack(base) as scratch:
        run = asyncio.run(run_knowledge_eval(scratch, files))
    report = run.report
    print(
        f"knowledge split: {args.dir or args.split}; files: {report.files}; "
        f"extractor: {run.extractor}; answerer: {run.answerer}; grader: {run.grader or 'none'}"
    )
    print(f"conversations processed: {run.processed} in {run.ingest_seconds:.1f} s")
    print(report.table(names=not blind))
    if args.misses:
        print("\nquestions no fact or relation of their entity answers:")
        print(report.misses())
        print("\nanswers:")
        print(report.answers())
    if args.json:
        Path(args.json).write_text(json.dumps(report.figures(), indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


def cmd_token_create(settings: Settings, args: argparse.Namespace) -> int:
    issued = _with_driver(
        settings, lambda d: TokenStore(d, settings.neo4j_database).create(args.name, args.scope)
    )
    print(f"created token {issued.token.id} ({issued.token.name}, scope {issued.token.scope})")
    print("secret (shown once; store it now):", file=sys.stderr)
    print(issued.secret)
    return 0


def cmd_token_revoke(settings: Settings, args: argparse.Namespace) -> int:
    revoked = _with_driver(
        settings, lambda d: TokenStore(d, settings.neo4j_database).revoke(args.token)
    )
    for token in revoked:
        print(f"revoked token {token.id} ({token.name})")
    return 0


def cmd_token_list(settings: Settings, _: argparse.Namespace) -> int:
    tokens = _with_driver(settings, lambda d: TokenStore(d, settings.neo4j_database).list_all())
    for t in tokens:
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        print(f"{t.id}  {t.scope:<5}  {state:<22}  {t.name}")
    return 0


def cmd_check(settings: Settings, _: argparse.Namespace) -> int:
    from app.graph.integrity import check

    problems = _with_driver(settings, lambda d: check(d, settings.neo4j_database))
    for p in problems:
        print(f"{p.name}: {p.count} {p.description} (e.g. {', '.join(p.sample)})")
    if problems:
        return 1
    print("the graph is consistent")
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from app.graph.export import export_to_dir

    out = Path(args.dir)
    counts = _with_driver(settings, lambda d: export_to_dir(d, settings.neo4j_database, out))
    for kind, n in counts.items():
        print(f"{n:>9} {kind.value:<9} -> {out / f'{kind.value}.ndjson'}")
    return 0


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from app.graph.export import ExportKind
    from app.graph.importer import default_files, import_files

    files = default_files(Path(args.dir)) if args.dir else {}
    for kind in ExportKind:
        if (given := getattr(args, kind.value)) is not None:
            files[kind] = Path(given)
    if not files:
        print(
            "librarian: nothing to import (give DIR or --messages/--entities/...)", file=sys.stderr
        )
        return 2
    for path in files.values():
        if not path.is_file():
            print(f"librarian: {path}: no such file", file=sys.stderr)
            return 2
    report = _with_driver(settings, lambda d: import_files(d, settings.neo4j_database, files))
    for loaded in report:
        note = f" ({loaded.skipped} skipped: what they refer to is missing)"
        print(f"{loaded.written:>9} {loaded.kind.value}{note if loaded.skipped else ''}")
    return 0


def cmd_schema(_: Settings, args: argparse.Namespace) -> int:
    from app.api.schema import build_schema

    sdl = build_schema().as_str() + "\n"
    if args.check:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != sdl:
            print(f"{SCHEMA_FILE.name} is out of date: run `librarian schema`", file=sys.stderr)
            return 1
        print(f"{SCHEMA_FILE.name} is up to date")
        return 0
    SCHEMA_FILE.write_text(sdl, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="librarian", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="start Neo4j, Redis, a worker and the API").set_defaults(
        func=cmd_run
    )
    sub.add_parser("setup", help="install Neo4j (Maven) and redis-server (apt) once").set_defaults(
        func=cmd_setup
    )
    sub.add_parser("check", help="check the graph's integrity rules").set_defaults(func=cmd_check)
    sub.add_parser("migrate", help="apply pending Cypher migrations").set_defaults(func=cmd_migrate)
    ingest = sub.add_parser(
        "ingest", help="ingest conversation files (JSON, ChatGPT/Claude exports, transcripts)"
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--no-wait", action="store_true", help="queue and return at once")
    ingest.set_defaults(func=cmd_ingest)
    evaluation = sub.add_parser("eval", help="measure quality on the labelled sets")
    eval_sub = evaluation.add_subparsers(dest="eval_command", required=True)
    extraction = eval_sub.add_parser("extraction", help="P/R/F1 of entities, facts, relations")
    extraction.add_argument("--extractor", choices=["local", "llm"], default="local")
    extraction.add_argument("--golden", help="directory of golden files (default tests/golden)")
    extraction.add_argument("--per-file", action="store_true")
    extraction.set_defaults(func=cmd_eval_extraction)
    resolution = eval_sub.add_parser("resolution", help="P/R/F1 of entity resolution")
    resolution.add_argument("--set", help="labelled cases (default tests/golden/resolution.json)")
    resolution.add_argument("--errors", action="store_true", help="list every wrong decision")
    resolution.set_defaults(func=cmd_eval_resolution)
    search = eval_sub.add_parser(
        "search",
        help="recall@5/10 and MRR of fulltext, vector and hybrid search (throwaway graph)",
    )
    search.add_argument("--set", help="questions (default tests/golden/search.json)")
    search.add_argument("--misses", action="store_true", help="list questions missed at 10")
    search.set_defaults(func=cmd_eval_search)
    knowledge = eval_sub.add_parser(
        "knowledge",
        help="fact coverage, answer F1 and resolution on the long conversations (throwaway graph)",
    )
    knowledge.add_argument("--split", choices=["tuned", "blind", "all"], default="tuned")
    knowledge.add_argument("--dir", help="a directory of knowledge files instead of a split")
    knowledge.add_argument(
        "--extractor", choices=["local", "llm"], help="override LIBRARIAN_EXTRACTOR for this run"
    )
    knowledge.add_argument(
        "--misses", action="store_true", help="list questions no fact answers (tuned only)"
    )
    knowledge.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    knowledge.set_defaults(func=cmd_eval_knowledge)
    export = sub.add_parser("export", help="write messages, entities, facts, relations as NDJSON")
    export.add_argument("dir", metavar="DIR", help="created if missing; files are overwritten")
    export.set_defaults(func=cmd_export)
    load = sub.add_parser("import", help="load an export (NDJSON) into the graph, MERGE by id")
    load.add_argument("dir", metavar="DIR", nargs="?", help="a directory of <kind>.ndjson files")
    for kind in ("messages", "entities", "facts", "relations"):
        load.add_argument(f"--{kind}", metavar="FILE", help=f"the {kind} file (overrides DIR's)")
    load.set_defaults(func=cmd_import)
    schema = sub.add_parser("schema", help="export the GraphQL SDL to schema.graphql")
    schema.add_argument("--check", action="store_true", help="fail if schema.graphql drifted")
    schema.set_defaults(func=cmd_schema)

    token = sub.add_parser("token", help="manage API tokens").add_subparsers(
        dest="token_command", required=True
    )
    create = token.add_parser("create", help="create a token and print its secret once")
    create.add_argument("--name", required=True)
    create.add_argument("--scope", choices=[s.value for s in Scope], default=Scope.READ.value)
    create.set_defaults(func=cmd_token_create)
    revoke = token.add_parser("revoke", help="revoke a token by id, or all tokens of a name")
    revoke.add_argument("token", help="token id or name")
    revoke.set_defaults(func=cmd_token_revoke)
    token.add_parser("list", help="list tokens (never their secrets)").set_defaults(
        func=cmd_token_list
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level, "console" if sys.stderr.isatty() else "json")
    try:
        code: int = args.func(settings, args)
    except (LibrarianError, LocalServiceError) as exc:
        print(f"librarian: {exc}", file=sys.stderr)
        return 2
    except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.AuthError) as exc:
        print(
            f"librarian: Neo4j at {settings.neo4j_uri} refused or did not answer ({exc}); "
            "is the stack running (`make run`)?",
            file=sys.stderr,
        )
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
