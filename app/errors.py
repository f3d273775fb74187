"""One error hierarchy. Each error carries the stable code clients see as ``extensions.code``."""

from __future__ import annotations

from typing import Any, ClassVar


class LibrarianError(Exception):
    """An error whose message is safe to show to the caller."""

    code: ClassVar[str] = "INTERNAL"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadInput(LibrarianError):
    code = "BAD_INPUT"


class NotFound(LibrarianError):
    code = "NOT_FOUND"


class Unauthenticated(LibrarianError):
    code = "UNAUTHENTICATED"


class Forbidden(LibrarianError):
    code = "FORBIDDEN"


class ConflictError(LibrarianError):
    """The request is valid but the graph's current state forbids it (e.g. undo out of order)."""

    code = "CONFLICT"


class RateLimited(LibrarianError):
    code = "RATE_LIMITED"


class Unavailable(LibrarianError):
    code = "UNAVAILABLE"


class MigrationError(LibrarianError):
    """An applied migration was edited, or a statement failed."""

    code = "INTERNAL"
