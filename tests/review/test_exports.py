"""Review exports use the core formula rule for every cell, headers included."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from partnership.review.exports import to_csv, to_xlsx

TABLE = (["member", "\t=criterion"], [["\r=cmd", -2], [" -1+1", 3.5]])


def test_csv_cells_and_headers_are_never_formulas():
    rows = list(csv.reader(io.StringIO(to_csv(TABLE).decode("utf-8-sig"))))
    assert rows == [["member", "'\t=criterion"], ["'\r=cmd", "-2"], ["' -1+1", "3.5"]]


def test_xlsx_cells_are_text_and_numbers_stay_numbers():
    sheet = load_workbook(io.BytesIO(to_xlsx(TABLE, "scores"))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    # XML stores a carriage return as a line feed; the quote in front is what matters.
    assert values == [["member", "'\t=criterion"], ["'\n=cmd", -2], ["' -1+1", 3.5]]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
