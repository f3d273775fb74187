"""CSV export keeps chat text as text in a spreadsheet."""

from __future__ import annotations

import csv
import io

from app.graph.export import COLUMNS, ExportKind, to_csv


def test_formulas_in_chat_text_are_neutralised_numbers_are_not() -> None:
    columns = COLUMNS[ExportKind.FACTS]
    row = dict.fromkeys(columns, "x")
    texts = ['=HYPERLINK("http://evil","click")', "+1 555 0100", "@SUM(A1)", "-5", "3.5", "plain"]
    rows = [{**row, "value": t} for t in texts]
    parsed = list(csv.DictReader(io.StringIO(to_csv(ExportKind.FACTS, rows, header=True))))
    assert [r["value"] for r in parsed] == [
        '\'=HYPERLINK("http://evil","click")',
        "'+1 555 0100",
        "'@SUM(A1)",
        "-5",
        "3.5",
        "plain",
    ]
