"""Review exports go through ``core.exports``: every cell and header is escaped, money is exact
baht and scores have two places (never a float)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

from flask_babel import force_locale
from openpyxl import load_workbook

from partnership.core.exports import Column, Kind, csv_text, xlsx_bytes
from partnership.review.exports import ranking_table

COLUMNS = [
    Column("member", lambda r: r[0]),
    Column("\t=criterion", lambda r: r[1], Kind.INT),
    Column("mean", lambda r: r[2], Kind.NUMBER),
]
ROWS = [["\r=cmd", -2, Fraction(1, 3)], [" -1+1", 3, 2.5]]


def test_csv_cells_and_headers_are_never_formulas(app):
    with app.test_request_context():
        rows = list(csv.reader(io.StringIO(csv_text(COLUMNS, ROWS).lstrip("\ufeff"))))
    assert rows == [
        ["member", "'\t=criterion", "mean"],
        ["'\r=cmd", "-2", "0.33"],
        ["' -1+1", "3", "2.50"],
    ]


def test_xlsx_cells_are_text_and_numbers_stay_numbers(app):
    with app.test_request_context():
        sheet = load_workbook(io.BytesIO(xlsx_bytes(COLUMNS, ROWS, "scores"))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    # XML stores a carriage return as a line feed; the quote in front is what matters.
    assert values == [
        ["member", "'\t=criterion", "mean"],
        ["'\n=cmd", -2, 0.33],
        ["' -1+1", 3, 2.5],
    ]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_the_ranking_writes_baht_exactly_from_satang(app):
    """The ranking used to write ``requested_satang / 100`` as a float."""
    score = SimpleNamespace(
        mean=Fraction(200, 3), calibrated=None, std_dev=None, disagreement=False, sector_means={}
    )
    application = SimpleNamespace(id=7, state="in_review", requested_satang=12_345_678_901)
    row = SimpleNamespace(
        position=1, application=application, score=score, reviews_done=1, reviews_needed=2,
        within_budget=True, cumulative_satang=1,
    )  # fmt: skip
    columns, rows = ranking_table([row], {7: ("t", "c", "s")}, {})
    with app.test_request_context(), force_locale("en"):
        header, line = list(csv.reader(io.StringIO(csv_text(columns, rows).lstrip("\ufeff"))))
        sheet = load_workbook(io.BytesIO(xlsx_bytes(columns, rows, "ranking"))).active
    assert line[header.index("Requested (baht)")] == "123456789.01"
    assert line[header.index("Cumulative (baht)")] == "0.01"
    assert line[header.index("Score")] == "66.67"
    cells = {c.value: v for c, v in zip(sheet[1], sheet[2], strict=True)}
    assert Decimal(str(cells["Requested (baht)"].value)) == Decimal("123456789.01")
    assert cells["Requested (baht)"].number_format == '"฿"#,##0.00'
