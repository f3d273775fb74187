"""Read many rows as one record: the async driver's cost is per record, not per value.

Measured on this machine (bench/browse_bench.py): a page of 51 entity maps took p50 10.4 ms as
51 records and 3.3 ms as one record holding a list of 51 maps; Neo4j itself spent 1-2 ms on
either. ``collected`` rewrites a statement's final ``RETURN a, b AS c ORDER BY … LIMIT …`` into
``WITH … RETURN collect({a: a, c: c}) AS rows``, and ``read_rows`` unpacks it.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

import neo4j
import structlog

_TAIL = re.compile(r"\s(ORDER BY|SKIP|LIMIT)\s")
_ALIAS = re.compile(r"^(?:.*\s+AS\s+)?([A-Za-z_][A-Za-z0-9_]*)$", re.S)
ROWS = "__rows"
#: Seconds to wait (uniformly drawn) before the one retry of a read.
RETRY_PAUSE_S: Final = (0.1, 0.3)

log = structlog.get_logger(__name__)


def _top_level_commas(text: str) -> list[str]:
    parts, depth, start, quote = [], 0, 0, ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


@lru_cache(maxsize=512)
def collected(cypher: str) -> str | None:
    """The statement returning its rows as one list, or None when its shape is not plain
    (the caller then reads it as it is)."""
    head, sep, tail = cypher.rpartition("RETURN ")
    if not sep or tail.count("}") > tail.count("{"):
        return None  # the last RETURN closes a subquery: not the statement's own
    distinct = tail.startswith("DISTINCT ")
    body = tail[len("DISTINCT ") :] if distinct else tail
    match = _TAIL.search(body)
    items, rest = (body[: match.start()], body[match.start() :]) if match else (body, "")
    aliases = []
    for item in _top_level_commas(items):
        found = _ALIAS.match(item)
        if found is None:
            return None
        aliases.append(found.group(1))
    if len(set(aliases)) != len(aliases):
        return None
    projection = ", ".join(f"{a}: {a}" for a in aliases)
    with_ = "WITH DISTINCT " if distinct else "WITH "
    return f"{head}{with_}{items}{rest} RETURN collect({{{projection}}}) AS {ROWS}"


async def read_rows(
    driver: neo4j.AsyncDriver, database: str, cypher: str, params: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """The rows of a read statement, fetched as one record when its shape allows.

    It runs as an auto-commit transaction: one round trip (RUN and PULL pipelined), where a
    managed transaction adds BEGIN and COMMIT. On this machine that is 2.4 against 4.6 ms p50
    (6.8 against 15.1 ms p95) for ``RETURN 1``, paid by every read of every request. A read
    is retried once, after a pause of ``RETRY_PAUSE_S``, when the driver calls its error
    retryable (a connection that dropped, a database still starting); a second failure is the
    caller's to report, at once, where ``execute_query`` kept retrying for up to 15 s: a person
    waiting on a page is better served by UNAVAILABLE and a retry button.

    Reads join the driver's bookmark manager, as ``execute_query`` does, so a read after a
    write through ``execute_query`` sees it on a cluster too.
    """
    rewritten = collected(cypher)
    records: list[neo4j.Record] = []
    for attempt in (1, 2):
        try:
            records = await _run(driver, database, rewritten or cypher, params)
            break
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            if attempt == 2 or not exc.is_retryable():
                raise
            log.warning("neo4j.read_retried", error=type(exc).__name__, statement=cypher[:80])
            # A moment for what failed (a restarting database, a dropped connection) to pass.
            await asyncio.sleep(random.uniform(*RETRY_PAUSE_S))  # noqa: S311 (jitter, not security)
    if rewritten is None:
        return list(records)
    return list(records[0][ROWS]) if records else []


async def _run(
    driver: neo4j.AsyncDriver, database: str, cypher: str, params: Mapping[str, Any]
) -> list[neo4j.Record]:
    async with driver.session(
        database=database,
        default_access_mode=neo4j.READ_ACCESS,
        bookmark_manager=driver.execute_query_bookmark_manager,
    ) as s:
        result = await s.run(cypher, dict(params))
        return [record async for record in result]
