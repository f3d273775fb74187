"""Checking a model's structured answer, and telling it what was wrong, the same way for every
vendor."""

from __future__ import annotations

from typing import Final, TypeVar

from pydantic import BaseModel, ValidationError

from app.llm.base import StructuredRequest

__all__ = ["MAX_PROBLEMS_SHOWN", "describe", "problem_listing", "validate"]

M = TypeVar("M", bound=BaseModel)

MAX_PROBLEMS_SHOWN: Final = 20  # bounds a re-ask's tokens when the answer is wrong everywhere


def validate(request: StructuredRequest[M], raw: object) -> tuple[M | None, list[str]]:
    """The answer as ``request.response_model`` and the problems ``request.check`` finds in it;
    (None, schema problems) when it does not validate."""
    try:
        value = request.response_model.model_validate(raw)
    except ValidationError as exc:
        return None, [describe(error["loc"], error["msg"]) for error in exc.errors()]
    return value, request.check(value)


def describe(loc: tuple[int | str, ...], message: str) -> str:
    """``entities[1].type: Field required``. Pydantic's own text is used, never the offending
    input: that may quote message text."""
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    return f"{where.lstrip('.') or 'input'}: {message}"


def problem_listing(problems: list[str]) -> str:
    """The problems as a bulleted list, at most ``MAX_PROBLEMS_SHOWN`` of them."""
    shown = problems[:MAX_PROBLEMS_SHOWN]
    if len(problems) > len(shown):
        shown.append(f"... and {len(problems) - len(shown)} more")
    return "\n".join(f"- {problem}" for problem in shown)
