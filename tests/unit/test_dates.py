"""Partial ISO dates: validation, precision, periods, order and holds_at (app.domain.dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.domain.dates import (
    Precision,
    as_of_point,
    clean,
    earliest,
    end_key,
    holds_at,
    is_partial_date,
    latest,
    parse,
    period_end,
    period_start,
    precision,
    said_date,
)
from app.graph.history import chain


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", Precision.YEAR),
        ("2024-03", Precision.MONTH),
        ("2024-03-09", Precision.DAY),
        ("2024-02-29", Precision.DAY),
    ],
)
def test_precision_is_the_length(value: str, expected: Precision) -> None:
    assert precision(value) is expected


@pytest.mark.parametrize(
    "bad",
    ["", "24", "2024-3", "2024-13", "2024-00", "2023-02-29", "2024-04-31", "2024/03",
     "March 2024", "2024-03-09T10:00", " 2024", "0999", "3000", "yesterday"],
)  # fmt: skip
def test_malformed_dates_are_refused(bad: str) -> None:
    assert not is_partial_date(bad)
    with pytest.raises(ValueError, match=r"partial ISO date|month|day|year"):
        parse(bad)


def test_clean_strips_and_treats_blank_as_none() -> None:
    assert clean(" 2024-03 ") == "2024-03"
    assert clean("  ") is None
    assert clean(None) is None
    with pytest.raises(ValueError, match="partial ISO date"):
        clean("last summer")


def test_periods_cover_the_whole_year_month_or_day() -> None:
    assert (period_start("2024"), period_end("2024")) == (date(2024, 1, 1), date(2024, 12, 31))
    assert (period_start("2024-02"), period_end("2024-02")) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
    )
    assert period_end("2023-02") == date(2023, 2, 28)
    assert period_start("2024-03-09") == period_end("2024-03-09") == date(2024, 3, 9)


def test_string_order_is_start_order_and_end_key_is_end_order() -> None:
    values = ["2024-03-09", "2023", "2024", "2024-03", "2024-12-31", "2024-02"]
    by_start = sorted(values)
    assert [period_start(v) for v in by_start] == sorted(period_start(v) for v in values)
    by_end = sorted(values, key=end_key)
    assert [period_end(v) for v in by_end] == sorted(period_end(v) for v in values)


def test_earliest_start_and_latest_end_a_date_beats_none() -> None:
    assert earliest("2024-03", "2024") == "2024"
    assert earliest(None, "2024-03") == "2024-03"
    assert earliest("2023-12-31", None) == "2023-12-31"
    assert latest("2024", "2024-03") == "2024", "the year ends after its March"
    assert latest("2024-03", "2024-04-01") == "2024-04-01"
    assert latest(None, "2024") == "2024"
    assert earliest(None, None) is None


def test_holds_from_the_start_of_valid_from_to_the_end_of_valid_to() -> None:
    assert holds_at("2024-03", None, "2024-03-01")
    assert not holds_at("2024-03", None, "2024-02")
    assert holds_at(None, "2024-05", "2024-05-31"), "stopped during May: holds until its end"
    assert not holds_at(None, "2024-05", "2024-06-01")
    assert holds_at("2024-03", "2024-05", "2024-04")
    assert holds_at(None, None, "1999")
    # asOf is the end of its period: "as of March" includes what started in March.
    assert as_of_point("2024-03") == "2024-03-31"
    assert holds_at("2024-03-20", None, "2024-03")
    assert not holds_at("2024-04", None, "2024-03")
    with pytest.raises(ValueError, match="partial ISO date"):
        holds_at(None, None, "2024-3")


def test_said_date_is_the_utc_day() -> None:
    late = datetime(2024, 3, 9, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert said_date(late) == "2024-03-10"
    assert said_date(datetime(2024, 3, 9, 8, tzinfo=UTC)) == "2024-03-09"
    assert said_date(None) is None


def _item(id_: str, **fields: object) -> dict[str, object]:
    return {"id": id_, **fields}


def test_history_orders_by_valid_from_then_event_date_then_first_said() -> None:
    said = datetime(2024, 6, 1, tzinfo=UTC)
    items = [
        _item("c", first_said=said),  # 2024-06-01
        _item("a", valid_from="2020"),
        _item("b", event_date="2022-05"),
    ]
    links = {x.id: x for x in chain(items)}
    assert (links["a"].next, links["b"].next, links["c"].next) == ("b", "c", None)
    assert (links["a"].valid_to, links["b"].valid_to) == ("2022-05", "2024-06-01")
    assert links["c"].derive is False
    assert links["c"].previous == "b"


def test_history_keeps_a_stated_end_and_clears_a_derived_one_on_the_newest() -> None:
    items = [
        _item("old", valid_from="2019", valid_to="2021-03", valid_to_source="text"),
        _item("new", valid_from="2021-05", valid_to="2022", valid_to_source="superseded"),
    ]
    links = {x.id: x for x in chain(items)}
    assert links["old"].next == "new"
    assert links["old"].derive is False, "the text's end stays"
    assert (links["new"].next, links["new"].derive, links["new"].valid_to) == (None, False, None)
