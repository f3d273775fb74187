"""Pure helpers of the pipeline's write side: windows merged into one extraction, and the
deduplicated fact and relation rows the write stage sends to Neo4j."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import structlog

from app.domain.dates import clean, earliest, latest
from app.domain.labels import relationship_type
from app.domain.models import Extraction, FactMention, RelationMention
from app.domain.normalize import normalize_name
from app.domain.usage import Usage

#: The time fields a mention may carry (partial ISO dates, ``app.domain.dates``).
TIME_FIELDS = ("valid_from", "valid_to", "event_date")


def fact_id(entity_id: str, field: str, normalized_value: str) -> str:
    """Deterministic: the same statement about the same entity is one Fact, however often said."""
    key = f"{entity_id}|{field}|{normalized_value}"
    return "fact_" + hashlib.sha256(key.encode()).hexdigest()[:24]


def relation_id(source_id: str, rel_type: str, target_id: str) -> str:
    """``rel_<source key>_<hash>``: deterministic, and it names the entity it starts from.

    Neo4j cannot index one property across every relationship type, so a relation is found by
    seeking its source entity and looking among that entity's relationships
    (``relation_anchor``), never by scanning all of them.
    """
    key = f"{source_id}|{rel_type}|{target_id}"
    return f"rel_{source_id}_" + hashlib.sha256(key.encode()).hexdigest()[:24]


def relation_anchor(relation_id: str) -> str | None:
    """The id of the entity a relation was first written from; None for an id without one."""
    body = relation_id.removeprefix("rel_")
    anchor, sep, digest = body.rpartition("_")
    if not relation_id.startswith("rel_") or not sep or not anchor or len(digest) != 24:
        return None
    return anchor


def usage_row(usage: Usage) -> dict[str, float]:
    """A Job's usage counts; its input tokens are all the model read (cache reads and writes
    included), as an AskAnswer's are."""
    return {
        "llm_calls": usage.llm_calls,
        "input_tokens": usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens,
        "output_tokens": usage.output_tokens,
        "cost_usd": usage.cost_usd,
    }


def merge_window(combined: Extraction, part: Extraction, prefix: str, allowed: set[str]) -> None:
    """Add one window's mentions with window-unique keys, citing only that window's messages."""

    def cited(ids: list[str]) -> list[str]:
        return [i for i in ids if i in allowed]

    for e in part.entities:
        if ids := cited(e.message_ids):
            combined.entities.append(
                e.model_copy(update={"key": f"{prefix}:{e.key}", "message_ids": ids})
            )
    for f in part.facts:
        if ids := cited(f.message_ids):
            combined.facts.append(
                f.model_copy(update={"entity": f"{prefix}:{f.entity}", "message_ids": ids})
            )
    for r in part.relations:
        if ids := cited(r.message_ids):
            combined.relations.append(
                r.model_copy(
                    update={
                        "source": f"{prefix}:{r.source}",
                        "target": f"{prefix}:{r.target}",
                        "message_ids": ids,
                    }
                )
            )


def fact_rows(
    extraction: Extraction, keys: dict[str, str], fields: dict[str, str]
) -> tuple[list[dict[str, Any]], Counter[str]]:
    rows: dict[str, dict[str, Any]] = {}
    usage: Counter[str] = Counter()
    for fact in extraction.facts:
        entity = keys.get(fact.entity)
        field = fields.get(fact.field)
        value = fact.value.strip()
        if entity is None or field is None or not value:
            continue
        row = {
            "id": fact_id(entity, field, normalize_name(value) or value.casefold()),
            "entity_id": entity,
            "field": field,
            "raw_field": fact.field,
            "value": value,
            "confidence": fact.confidence,
            "message_ids": list(fact.message_ids),
            **_times(fact, row_kind="fact", label=field),
        }
        _add(rows, usage, field, row)
    return list(rows.values()), usage


def relation_rows(
    extraction: Extraction, keys: dict[str, str], labels: dict[str, str]
) -> tuple[list[dict[str, Any]], Counter[str]]:
    rows: dict[str, dict[str, Any]] = {}
    usage: Counter[str] = Counter()
    for rel in extraction.relations:
        source, target = keys.get(rel.source), keys.get(rel.target)
        label = labels.get(rel.label)
        if source is None or target is None or label is None or source == target:
            continue
        rel_type = relationship_type(label)
        row = {
            "id": relation_id(source, rel_type, target),
            "source_id": source,
            "target_id": target,
            "type": rel_type,
            "label": label,
            "raw_label": rel.label,
            "confidence": rel.confidence,
            "message_ids": list(rel.message_ids),
            **_times(rel, row_kind="relation", label=label),
        }
        _add(rows, usage, label, row)
    return list(rows.values()), usage


def _add(
    rows: dict[str, dict[str, Any]], usage: Counter[str], label: str, row: dict[str, Any]
) -> None:
    """Keep one row per id: the highest confidence, every citing message, the earliest start
    and event date and the latest end (a date the text gives always beats none)."""
    existing = rows.get(row["id"])
    if existing is None:
        rows[row["id"]] = row
        usage[label] += 1
        return
    existing["confidence"] = max(existing["confidence"], row["confidence"])
    existing["message_ids"] = sorted(set(existing["message_ids"]) | set(row["message_ids"]))
    existing["valid_from"] = earliest(existing["valid_from"], row["valid_from"])
    existing["valid_to"] = latest(existing["valid_to"], row["valid_to"])
    existing["event_date"] = earliest(existing["event_date"], row["event_date"])


def _times(
    mention: FactMention | RelationMention, *, row_kind: str, label: str
) -> dict[str, str | None]:
    """The mention's dates; a malformed one is dropped and logged, never stored."""
    out: dict[str, str | None] = {}
    for name in TIME_FIELDS:
        raw = getattr(mention, name)
        try:
            out[name] = clean(raw)
        except ValueError:
            # The value is not logged: an extractor may have copied message text into it. The
            # logger is looked up here, not cached per module, so it follows the configuration
            # of the moment (a test's captured logs included).
            structlog.get_logger(__name__).warning(
                "extract.date_dropped",
                kind=row_kind,
                label=label,
                field=name,
                reason="not a partial ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
            )
            out[name] = None
    return out
