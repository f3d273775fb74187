"""Relay conventions: the ``Node`` interface and keyset connections with opaque cursors.

A cursor is the URL-safe base64 of a JSON list: the list's name, then the sort key of its row,
so the next page is a range seek from that key (``WHERE key > $after ORDER BY key``) whatever
its depth, and a cursor from another list is refused rather than misread.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry

from app.errors import BadInput

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")
R = TypeVar("R")


@strawberry.interface(description="An object with a global id; fetch any of them with node(id).")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


async def _no_count() -> int:
    return 0


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    # Called only when totalCount is selected: counting is a query of its own.
    count: strawberry.Private[Callable[[], Awaitable[int]]] = _no_count

    @strawberry.field
    async def total_count(self) -> int:
        """Items matching the filters, over all pages."""
        return await self.count()


@dataclass(frozen=True)
class Page:
    """A validated request for one page: ``size`` rows after the key ``after`` (None: first)."""

    size: int
    kind: str
    after: list[Any] | None

    @property
    def fetch(self) -> int:
        """Rows to read: one more than the page, to know whether another page follows."""
        return self.size + 1


def page(first: int | None, after: str | None, kind: str, key: tuple[type, ...]) -> Page:
    """Validate ``first``/``after``; a cursor must come from list ``kind`` and hold a sort key
    with values of the types in ``key``."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 0:
        raise BadInput("first must not be negative")
    if size > MAX_PAGE_SIZE:
        raise BadInput(f"first may be at most {MAX_PAGE_SIZE}", max=MAX_PAGE_SIZE)
    return Page(size, kind, None if after is None else decode_cursor(after, kind, key))


def encode_cursor(kind: str, key: Sequence[Any]) -> str:
    raw = json.dumps([kind, *key], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str, key: tuple[type, ...]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError):
        raise BadInput("after is not a cursor from this list") from None
    if (
        not isinstance(value, list)
        or len(value) != len(key) + 1
        or value[0] != kind
        # bool is an int subclass in Python, but never a key value
        or not all(type(v) is t for v, t in zip(value[1:], key, strict=True))
    ):
        raise BadInput("after is not a cursor from this list")
    return value[1:]


def connection(
    rows: Sequence[R],
    request: Page,
    key: Callable[[R], Sequence[Any]],
    node: Callable[[R], T],
    count: Callable[[], Awaitable[int]] = _no_count,
) -> Connection[T]:
    """Build a connection from up to ``request.fetch`` rows read in key order."""
    shown = rows[: request.size]
    edges = [Edge(cursor=encode_cursor(request.kind, key(r)), node=node(r)) for r in shown]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > request.size,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )
