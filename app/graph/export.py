"""Export rows: one column set per kind, keyset pages read from Neo4j, NDJSON and CSV text.

REST (``/export/{kind}``), GraphQL (``export``) and ``librarian export`` all go through
``read_page``, so the three give the same rows. Pages are small (``CHUNK`` rows) and each is a
separate read, so a whole export is never held in memory; rows added while an export runs
may or may not appear, rows are never repeated.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import re
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import anyio
import neo4j
import neo4j.time

from app.errors import BadInput
from app.graph.cypher import query

CHUNK = 2000  # rows per Neo4j read while streaming (about 1 MB of text for facts)


class ExportKind(StrEnum):
    ENTITIES = "entities"
    FACTS = "facts"
    RELATIONS = "relations"
    MESSAGES = "messages"


class ExportFormat(StrEnum):
    JSON = "json"  # NDJSON: one object per line
    CSV = "csv"


MEDIA_TYPES = {ExportFormat.JSON: "application/x-ndjson", ExportFormat.CSV: "text/csv"}
EXTENSIONS = {ExportFormat.JSON: "ndjson", ExportFormat.CSV: "csv"}

# The columns of each kind, in order: the keys of every NDJSON object and the CSV header.
COLUMNS: dict[ExportKind, tuple[str, ...]] = {
    ExportKind.ENTITIES: (
        "id", "type", "name", "normalized_name", "aliases", "summary", "created_at",
        "updated_at", "first_source_id", "message_ids",
    ),
    ExportKind.FACTS: (
        "id", "entity_id", "field", "raw_field", "value", "confidence", "message_ids", "job_id",
        "extractor", "created_at", "valid_from", "valid_to", "valid_to_source", "event_date",
        "first_said", "last_said", "superseded_by",
    ),
    ExportKind.RELATIONS: (
        "id", "type", "label", "raw_label", "source_id", "target_id", "confidence", "evidence",
        "first_seen", "last_seen", "job_id", "extractor", "valid_from", "valid_to",
        "valid_to_source", "event_date", "first_said", "last_said", "superseded_by", "supersedes",
    ),
    ExportKind.MESSAGES: (
        "conversation_id", "conversation_title", "conversation_origin", "conversation_checksum",
        "conversation_created_at", "id", "seq", "speaker", "text", "timestamp", "external_id",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    end_cursor: str | None
    has_next_page: bool


_TEMPORAL = (neo4j.time.DateTime, neo4j.time.Date, neo4j.time.Time)


def _plain(value: Any) -> Any:
    """A JSON-ready value: Neo4j temporals become ISO 8601 strings."""
    if type(value) in _TEMPORAL:
        return value.to_native().isoformat()
    return value


def _keys(kind: ExportKind, row: Mapping[str, Any]) -> list[str]:
    """The keyset position of ``row``: relations are ordered by (source id, id)."""
    if kind is ExportKind.RELATIONS:
        return [row["source_id"], row["id"]]
    return [row["id"]]


def encode_cursor(kind: ExportKind, row: Mapping[str, Any]) -> str:
    raw = json.dumps([kind.value, *_keys(kind, row)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(kind: ExportKind, cursor: str) -> list[str]:
    """The keys in ``cursor``; BadInput when it is not a cursor of this kind's export."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        decoded = None
    expected = 3 if kind is ExportKind.RELATIONS else 2
    if (
        not isinstance(decoded, list)
        or len(decoded) != expected
        or decoded[0] != kind.value
        or not all(isinstance(k, str) for k in decoded[1:])
    ):
        raise BadInput(f"`after` is not a cursor of the {kind.value} export")
    return decoded[1:]


async def read_page(
    driver: neo4j.AsyncDriver,
    database: str,
    kind: ExportKind,
    *,
    first: int,
    after: str | None = None,
) -> Page:
    """Up to ``first`` rows after the cursor ``after`` (from the start when None)."""
    keys = decode_cursor(kind, after) if after else None
    if kind is ExportKind.RELATIONS:
        params: dict[str, Any] = {
            "after_source": keys[0] if keys else "",
            "after_id": keys[1] if keys else "",
        }
    else:
        params = {"after": keys[0] if keys else ""}
    # One row more than asked tells whether another page exists without a second query.
    records, _, _ = await driver.execute_query(
        query(f"export_{kind.value}"),
        params,
        limit=first + 1,
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    found = records[0]["rows"]
    columns = COLUMNS[kind]
    rows = [{c: _plain(r[c]) for c in columns} for r in found[:first]]
    return Page(
        rows=rows,
        end_cursor=encode_cursor(kind, rows[-1]) if rows else None,
        has_next_page=len(found) > first,
    )


async def iter_pages(
    driver: neo4j.AsyncDriver, database: str, kind: ExportKind, chunk: int = CHUNK
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every row of ``kind``, ``chunk`` rows at a time, each chunk its own read."""
    after: str | None = None
    while True:
        page = await read_page(driver, database, kind, first=chunk, after=after)
        if page.rows:
            yield page.rows
        if not page.has_next_page:
            return
        after = page.end_cursor


def to_ndjson(rows: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _cell(value: Any) -> Any:
    # Lists (aliases, message ids, evidence) become JSON arrays in one cell: unlike a joined
    # string, that survives any character inside the items and parses back unambiguously.
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        # Chat text opened in a spreadsheet must stay text: "=HYPERLINK(...)" would run
        # (CSV injection). A leading apostrophe is the spreadsheet's own "this is text" mark.
        return "'" + value
    return "" if value is None else value


def to_csv(kind: ExportKind, rows: Sequence[Mapping[str, Any]], *, header: bool) -> str:
    """CSV text (RFC 4180 quoting, CRLF line ends) of ``rows``, after a header if asked."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = COLUMNS[kind]
    if header:
        writer.writerow(columns)
    writer.writerows([_cell(row[c]) for c in columns] for row in rows)
    return out.getvalue()


def encode(
    kind: ExportKind, fmt: ExportFormat, rows: Sequence[Mapping[str, Any]], *, header: bool
) -> str:
    """The text of ``rows`` in ``fmt``; ``header`` only matters for CSV."""
    if fmt is ExportFormat.CSV:
        return to_csv(kind, rows, header=header)
    return to_ndjson(rows)


async def stream(
    driver: neo4j.AsyncDriver, database: str, kind: ExportKind, fmt: ExportFormat
) -> AsyncIterator[str]:
    """The whole export as text chunks, one per page read (CSV: the header comes first)."""
    if fmt is ExportFormat.CSV:
        yield to_csv(kind, [], header=True)
    async for rows in iter_pages(driver, database, kind):
        yield encode(kind, fmt, rows, header=False)


async def export_to_dir(
    driver: neo4j.AsyncDriver, database: str, directory: Path
) -> dict[ExportKind, int]:
    """Write ``<kind>.ndjson`` for every kind into ``directory``; rows written per kind."""
    await anyio.Path(directory).mkdir(parents=True, exist_ok=True)
    counts: dict[ExportKind, int] = {}
    for kind in ExportKind:
        counts[kind] = 0
        async with await anyio.open_file(
            directory / f"{kind.value}.ndjson", "w", encoding="utf-8"
        ) as out:
            async for rows in iter_pages(driver, database, kind):
                await out.write(to_ndjson(rows))
                counts[kind] += len(rows)
    return counts
