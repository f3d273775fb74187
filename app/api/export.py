"""Export over REST (``GET /export/{kind}?format=json|csv``, streamed) and GraphQL (paged).

Kinds: ``entities`` (active ones), ``facts``, ``relations`` and ``messages`` (each message with
its conversation). An export of all four is what ``librarian import`` loads back: facts and
relations cite message ids, so without ``messages`` an import would leave them uncited.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from enum import Enum

import neo4j
import strawberry
import structlog
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from strawberry.types import Info

from app.api.context import Context, Services
from app.errors import BadInput
from app.graph import export as rows
from app.graph.tokens import ApiToken, Scope

log = structlog.get_logger(__name__)
MAX_PAGE = 5000


def _error(status: int, code: str, message: str) -> Response:
    """The error shape every endpoint uses: GraphQL's ``errors`` list with a stable code."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def export_endpoint(services: Services) -> Callable[[Request], Awaitable[Response]]:
    """The ``/export/{kind}`` handler over ``services``' driver."""

    async def export(request: Request) -> Response:
        principal: ApiToken | None = getattr(request.state, "principal", None)
        if principal is None:  # the auth middleware normally answers first
            return _error(401, "UNAUTHENTICATED", "A valid API token is required (Bearer).")
        if not principal.scope.allows(Scope.READ):
            return _error(403, "FORBIDDEN", "Export needs the read scope.")
        try:
            kind = rows.ExportKind(request.path_params["kind"])
        except ValueError:
            known = ", ".join(k.value for k in rows.ExportKind)
            return _error(404, "NOT_FOUND", f"No export of that kind; there are: {known}.")
        try:
            fmt = rows.ExportFormat(request.query_params.get("format", "json"))
        except ValueError:
            return _error(400, "BAD_INPUT", "`format` must be json or csv.")
        filename = f"{kind.value}.{rows.EXTENSIONS[fmt]}"
        return StreamingResponse(
            _logged(services.driver, services.settings.neo4j_database, kind, fmt),
            media_type=rows.MEDIA_TYPES[fmt],
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )

    return export


async def _logged(
    driver: neo4j.AsyncDriver, database: str, kind: rows.ExportKind, fmt: rows.ExportFormat
) -> AsyncIterator[str]:
    # Once streaming has begun the status line is sent: a failure can only cut the body short
    # (the client sees an incomplete chunked response), so it is logged here.
    try:
        async for chunk in rows.stream(driver, database, kind, fmt):
            yield chunk
    except Exception:
        log.exception("export.failed", kind=kind.value, format=fmt.value)
        raise


@strawberry.enum(name="ExportKind")
class ExportKindEnum(Enum):
    ENTITIES = "entities"
    FACTS = "facts"
    RELATIONS = "relations"
    MESSAGES = "messages"


@strawberry.enum(name="ExportFormat")
class ExportFormatEnum(Enum):
    JSON = "json"
    CSV = "csv"


@strawberry.type
class ExportPage:
    data: str = strawberry.field(
        description="This page as NDJSON or CSV text; CSV has its header on the first page only."
    )
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")
    has_next_page: bool
    count: int = strawberry.field(description="Rows in this page.")


async def export_page(
    info: Info[Context, None],
    kind: ExportKindEnum,
    format: ExportFormatEnum,
    first: int = 1000,
    after: str | None = None,
) -> ExportPage:
    if not 1 <= first <= MAX_PAGE:
        raise BadInput(f"`first` must be between 1 and {MAX_PAGE}")
    export_kind = rows.ExportKind(kind.value)
    fmt = rows.ExportFormat(format.value)
    page = await rows.read_page(
        info.context.services.driver, info.context.database, export_kind, first=first, after=after
    )
    return ExportPage(
        data=rows.encode(export_kind, fmt, page.rows, header=after is None),
        end_cursor=page.end_cursor,
        has_next_page=page.has_next_page,
        count=len(page.rows),
    )
