"""`librarian import`: load an NDJSON export (app.graph.export) back into a graph, by MERGE.

Files are read line by line twice: a first pass checks every line, so a bad line stops the
import before anything is written; the second writes ``BATCH`` rows per transaction. Messages
go first (facts and relations cite them), then entities, facts and relations. Importing the
same files again changes nothing. Embeddings are not exported, so imported entities and
messages have none until they are embedded again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import neo4j

from app.domain.dates import parse as parse_date
from app.domain.labels import canonical_form, node_label, relationship_type
from app.errors import BadInput
from app.graph.cypher import query
from app.graph.export import COLUMNS, ExportKind

BATCH = 1000
ORDER = (ExportKind.MESSAGES, ExportKind.ENTITIES, ExportKind.FACTS, ExportKind.RELATIONS)


def default_files(directory: Path) -> dict[ExportKind, Path]:
    """``DIR/<kind>.ndjson`` for each kind whose file exists (what ``librarian export`` writes)."""
    found = {kind: directory / f"{kind.value}.ndjson" for kind in ORDER}
    return {kind: path for kind, path in found.items() if path.is_file()}


def _text(row: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = row.get(key)
    if value is None or value == "":
        if required:
            raise ValueError(f"`{key}` is required")
        return None
    if not isinstance(value, str):
        raise ValueError(f"`{key}` must be a string")
    return value


def _when(row: Mapping[str, Any], key: str) -> str | None:
    value = _text(row, key)
    if value is not None:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"`{key}` is not an ISO 8601 date-time") from None
    return value


def _partial_date(row: Mapping[str, Any], key: str) -> str | None:
    value = _text(row, key)
    if value is not None:
        try:
            parse_date(value)
        except ValueError:
            raise ValueError(
                f"`{key}` is not a partial ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
            ) from None
    return value


def _times(row: Mapping[str, Any]) -> dict[str, Any]:
    """The time columns of a fact or relation (ADR 0017)."""
    source = _text(row, "valid_to_source")
    if source not in (None, "text", "superseded"):
        raise ValueError("`valid_to_source` must be text or superseded")
    return {
        "valid_from": _partial_date(row, "valid_from"),
        "valid_to": _partial_date(row, "valid_to"),
        "valid_to_source": source,
        "event_date": _partial_date(row, "event_date"),
        "first_said": _when(row, "first_said"),
        "last_said": _when(row, "last_said"),
        "superseded_by": _text(row, "superseded_by"),
    }


def _number(row: Mapping[str, Any], key: str) -> float | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"`{key}` must be a number")
    return float(value)


def _ids(row: Mapping[str, Any], key: str) -> list[str]:
    value = row.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
        raise ValueError(f"`{key}` must be a list of strings")
    return value


def _message(row: Mapping[str, Any]) -> dict[str, Any]:
    seq = row.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise ValueError("`seq` must be an integer")
    return {
        "conversation_id": _text(row, "conversation_id", required=True),
        "conversation_title": _text(row, "conversation_title"),
        "conversation_origin": _text(row, "conversation_origin"),
        "conversation_checksum": _text(row, "conversation_checksum"),
        "conversation_created_at": _when(row, "conversation_created_at"),
        "id": _text(row, "id", required=True),
        "seq": seq,
        "speaker": _text(row, "speaker"),
        "text": _text(row, "text"),
        "timestamp": _when(row, "timestamp"),
        "external_id": _text(row, "external_id"),
    }


def _entity(row: Mapping[str, Any]) -> dict[str, Any]:
    entity_type = _text(row, "type", required=True) or ""
    # The type becomes a node label: only a canonical, non-reserved one may (stabilize rules).
    if canonical_form(entity_type, "entity_type") != entity_type:
        raise ValueError(f"`type` {entity_type!r} is not a canonical entity type")
    return {
        "id": _text(row, "id", required=True),
        "type": entity_type,
        "label": node_label(entity_type),
        "name": _text(row, "name", required=True),
        "normalized_name": _text(row, "normalized_name"),
        "aliases": _ids(row, "aliases"),
        "summary": _text(row, "summary"),
        "created_at": _when(row, "created_at"),
        "updated_at": _when(row, "updated_at"),
        "first_source_id": _text(row, "first_source_id"),
        "message_ids": _ids(row, "message_ids"),
    }


def _fact(row: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(row.get("value"), dict):
        raise ValueError("`value` must be a scalar or a list")
    return {
        "id": _text(row, "id", required=True),
        "entity_id": _text(row, "entity_id", required=True),
        "field": _text(row, "field", required=True),
        "raw_field": _text(row, "raw_field"),
        "value": row.get("value"),
        "confidence": _number(row, "confidence"),
        "message_ids": _ids(row, "message_ids"),
        "job_id": _text(row, "job_id"),
        "extractor": _text(row, "extractor"),
        "created_at": _when(row, "created_at"),
        **_times(row),
    }


def _relation(row: Mapping[str, Any]) -> dict[str, Any]:
    rel_type = _text(row, "type", required=True) or ""
    # The type becomes a relationship type: canonical and not one the system itself uses.
    if relationship_type(canonical_form(rel_type.lower(), "relation")) != rel_type:
        raise ValueError(f"`type` {rel_type!r} is not a canonical relation type")
    return {
        "id": _text(row, "id", required=True),
        "type": rel_type,
        "label": _text(row, "label"),
        "raw_label": _text(row, "raw_label"),
        "source_id": _text(row, "source_id", required=True),
        "target_id": _text(row, "target_id", required=True),
        "confidence": _number(row, "confidence"),
        "evidence": _ids(row, "evidence"),
        "first_seen": _when(row, "first_seen"),
        "last_seen": _when(row, "last_seen"),
        "job_id": _text(row, "job_id"),
        "extractor": _text(row, "extractor"),
        **_times(row),
        "supersedes": _text(row, "supersedes"),
    }


_PARSERS: dict[ExportKind, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    ExportKind.MESSAGES: _message,
    ExportKind.ENTITIES: _entity,
    ExportKind.FACTS: _fact,
    ExportKind.RELATIONS: _relation,
}


def read_rows(kind: ExportKind, path: Path) -> Iterator[dict[str, Any]]:
    """The checked rows of ``path``, one line at a time; BadInput names the file and line."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
                unknown = set(row) - set(COLUMNS[kind])
                if unknown:
                    raise ValueError(f"unknown keys {sorted(unknown)} for {kind.value}")
                yield _PARSERS[kind](row)
            except ValueError as exc:  # json.JSONDecodeError is a ValueError too
                raise BadInput(f"{path}:{number}: {exc}") from None


@dataclass(frozen=True)
class Loaded:
    kind: ExportKind
    read: int
    written: int

    @property
    def skipped(self) -> int:
        """Rows not written: what they hang on (an entity, an end) is missing, or (relations)
        the graph has them already."""
        return self.read - self.written


async def import_files(
    driver: neo4j.AsyncDriver, database: str, files: Mapping[ExportKind, Path]
) -> list[Loaded]:
    """Check every file, then load them in dependency order; one ``Loaded`` per file."""
    for kind in ORDER:
        if kind in files:
            for _ in read_rows(kind, files[kind]):
                pass
    report = []
    for kind in ORDER:
        if kind in files:
            report.append(await _load(driver, database, kind, files[kind]))
    return report


async def _load(driver: neo4j.AsyncDriver, database: str, kind: ExportKind, path: Path) -> Loaded:
    read = written = 0
    conversations: set[str] = set()
    batch: list[dict[str, Any]] = []

    async def flush() -> None:
        nonlocal written
        records, _, _ = await driver.execute_query(
            query(f"import_{kind.value}"), rows=batch, database_=database
        )
        written += records[0]["written"] if records else 0
        batch.clear()

    for row in read_rows(kind, path):
        read += 1
        batch.append(row)
        if kind is ExportKind.MESSAGES:
            conversations.add(row["conversation_id"])
        if len(batch) >= BATCH:
            await flush()
    if batch:
        await flush()
    if kind is ExportKind.FACTS:
        await _link_facts(driver, database, path)
    if conversations:
        await driver.execute_query(
            "UNWIND $ids AS id MATCH (c:Conversation {id: id}) "
            "SET c.message_count = COUNT { (c)-[:HAS_MESSAGE]->(:Message) }",
            ids=sorted(conversations),
            database_=database,
        )
    return Loaded(kind, read, written)


async def _link_facts(driver: neo4j.AsyncDriver, database: str, path: Path) -> None:
    """SUPERSEDED_BY between loaded facts, once all of them are in (a link may point forward)."""
    links: list[dict[str, Any]] = []

    async def flush() -> None:
        await driver.execute_query(query("import_fact_links"), rows=links, database_=database)
        links.clear()

    for row in read_rows(ExportKind.FACTS, path):
        if row["superseded_by"]:
            links.append({"id": row["id"], "next": row["superseded_by"]})
        if len(links) >= BATCH:
            await flush()
    if links:
        await flush()
