"""structlog set-up: JSON lines, ids bound through contextvars, secrets redacted."""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any, TextIO

import structlog

_SECRET_KEYS = re.compile(r"pass(word)?|secret|token|authorization|api[_-]?key|cookie", re.I)
_BEARER = re.compile(r"(?i)\bbearer\s+\S+")
REDACTED = "[redacted]"


def _redact_value(key: str, value: Any) -> Any:
    if _SECRET_KEYS.search(key) and value is not None and not isinstance(value, bool | int):
        return REDACTED
    if isinstance(value, str):
        return _BEARER.sub("Bearer " + REDACTED, value)
    if isinstance(value, Mapping):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    return value


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace anything that looks like a credential before a line leaves the process."""
    for key in list(event_dict):
        value = event_dict[key]
        if key == "event":
            event_dict[key] = (
                _BEARER.sub("Bearer " + REDACTED, value) if isinstance(value, str) else value
            )
        else:
            event_dict[key] = _redact_value(key, value)
    return event_dict


def configure_logging(level: str = "INFO", fmt: str = "json", stream: TextIO | None = None) -> None:
    """Route structlog and the standard library through one JSON (or console) renderer."""
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # The driver logs every routine notification at INFO; we log what matters ourselves.
    logging.getLogger("neo4j").setLevel(max(logging.WARNING, root.level))


def new_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound(**ids: str) -> Iterator[None]:
    """Bind correlation ids (request_id, job_id, ...) to every log line inside the block."""
    tokens = structlog.contextvars.bind_contextvars(**ids)
    try:
        yield
    finally:
        structlog.contextvars.reset_contextvars(**tokens)
