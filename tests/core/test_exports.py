"""``core.exports``: the one formula-escaping rule of every CSV and Excel export (OWASP CSV
injection), money exact from satang in both formats, one date format, Thai that round-trips."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from partnership.core.exports import (
    BOM,
    Column,
    Kind,
    cell,
    csv_stream,
    csv_text,
    safe_text,
    satang_to_decimal,
    xlsx_bytes,
)


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://evil.example","x")',
        "+1",
        "-1+2",
        "-50.00",  # text that looks like a number is still text
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\tplain after a tab",
        "\rplain after a return",
        "\n=1",
        " =1+1",
        "   @SUM(A1)",
        "\u00a0=1",  # no-break space
        "\u3000+1",  # ideographic space
        " \t-2",
        "＝1+1",  # full-width equals sign
        "＋1",
        "－1",
        "＠SUM(A1)",
        "\u3000＝HYPERLINK(1)",
        "﹦1",  # small form
        "−1",  # minus sign
    ],
)
def test_text_that_could_start_a_formula_stays_text(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["", "โน้ตบุ๊ก ป.6", "a=b", "1-2", "x@y.example", "'=already quoted", "  spaced", 0, -3, 2.5,
     Decimal("-50.00"), True, None],
)  # fmt: skip
def test_everything_else_is_unchanged(value):
    assert safe_text(value) == value
    assert type(safe_text(value)) is type(value)


@pytest.mark.parametrize(
    ("satang", "baht"),
    [(1, "0.01"), (100, "1.00"), (123_450, "1234.50"), (12_345_678_901, "123456789.01"),
     (-5_000, "-50.00"), (-1, "-0.01"), (0, "0.00")],
)  # fmt: skip
def test_money_is_exact_baht_with_two_places(satang, baht):
    assert str(satang_to_decimal(satang)) == baht


def test_a_whole_decimal_is_satang_too():
    """PostgreSQL answers SUM(integer) as NUMERIC."""
    assert str(satang_to_decimal(Decimal("4497150"))) == "44971.50"


@pytest.mark.parametrize("wrong", [1.5, 150.0, Decimal("1.5"), Decimal("NaN"), "150", True])
def test_money_must_be_integer_satang(wrong):
    with pytest.raises(TypeError):
        satang_to_decimal(wrong)


def test_numbers_round_half_up_to_two_places():
    assert cell(Kind.NUMBER, Fraction(1, 200)) == Decimal("0.01")
    assert cell(Kind.NUMBER, Fraction(200, 3)) == Decimal("66.67")
    assert cell(Kind.NUMBER, 2.675) == Decimal("2.68")  # from the float's shortest repr
    assert cell(Kind.NUMBER, None) is None


COLUMNS = [
    Column("Name", lambda r: r["name"]),
    Column("Amount (baht)", lambda r: r["satang"], Kind.MONEY),
    Column("When", lambda r: r["at"], Kind.DATETIME),
    Column("Day", lambda r: r["day"], Kind.DATE),
    Column("Count", lambda r: r["count"], Kind.INT),
    Column("Public", lambda r: r["public"], Kind.BOOL),
]
AT = datetime(2026, 12, 31, 18, 30, tzinfo=UTC)  # 01:30 on 1 January in Bangkok
ROWS = [
    {"name": "มาลี มีสุข ๑๒๓", "satang": 1, "at": AT, "day": date(2026, 1, 2), "count": 3,
     "public": True},
    {"name": '=HYPERLINK("http://evil.example/","Click")', "satang": 12_345_678_901, "at": None,
     "day": None, "count": None, "public": False},
    {"name": "＝1+1", "satang": -5_000, "at": AT, "day": AT, "count": -2, "public": False},
]  # fmt: skip


def _csv(app) -> list[list[str]]:
    with app.test_request_context(), force_locale("en"):
        text = csv_text(COLUMNS, ROWS)
    assert text.startswith(BOM) and not text.startswith(BOM * 2)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def test_csv_money_exact_dates_in_bangkok_and_text_escaped(app):
    header, first, evil, refund = _csv(app)
    assert header == ["Name", "Amount (baht)", "When", "Day", "Count", "Public"]
    assert first == ["มาลี มีสุข ๑๒๓", "0.01", "2027-01-01 01:30", "2026-01-02", "3", "Yes"]
    assert evil == ["'" + ROWS[1]["name"], "123456789.01", "", "", "", "No"]
    # a genuine negative amount stays a number; the full-width formula does not
    assert refund == ["'＝1+1", "-50.00", "2027-01-01 01:30", "2027-01-01", "-2", "No"]


def test_csv_streams_in_chunks_after_the_header(app):
    with app.test_request_context(), force_locale("en"):
        parts = list(csv_stream(COLUMNS, ROWS, chunk=2))
    assert len(parts) == 3 and parts[0].startswith(BOM + "Name,")
    assert parts[1].count("\r\n") == 2 and parts[2].count("\r\n") == 1


def test_xlsx_money_is_an_exact_number_with_a_baht_format(app):
    with app.test_request_context(), force_locale("en"):
        data = xlsx_bytes(COLUMNS, ROWS, "a title longer than Excel's thirty-one characters")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    # the decimal's digits as written (openpyxl drops trailing zeros), never a float's noise
    for exact in ("<v>0.01</v>", "<v>123456789.01</v>", "<v>-50</v>"):
        assert exact in xml
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert len(sheet.title) == 31
    rows = list(sheet.iter_rows(min_row=2))
    money = [row[1] for row in rows]
    assert [m.data_type for m in money] == ["n", "n", "n"]
    assert {m.number_format for m in money} == {'"฿"#,##0.00'}
    assert [Decimal(str(m.value)) for m in money] == [
        Decimal("0.01"), Decimal("123456789.01"), Decimal("-50.00")
    ]  # fmt: skip
    assert rows[0][0].value == "มาลี มีสุข ๑๒๓"  # Thai round-trips
    assert rows[1][0].value == "'" + ROWS[1]["name"] and rows[2][0].value == "'＝1+1"
    assert rows[0][2].value == datetime(2027, 1, 1, 1, 30)  # a real date, in Bangkok time
    assert rows[0][2].number_format == "yyyy-mm-dd hh:mm"
    assert rows[0][3].value == datetime(2026, 1, 2) and rows[0][3].number_format == "yyyy-mm-dd"
    assert rows[2][4].value == -2 and rows[0][5].value == "Yes"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_money_keeps_every_digit_excel_can_hold():
    """openpyxl writes a number with 16 significant digits; Excel holds 15, so every amount
    below ten trillion baht is written exactly."""
    columns = [Column("Amount", lambda r: r, Kind.MONEY)]
    data = xlsx_bytes(columns, [99_999_999_999_999, -99_999_999_999_999], "x")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>999999999999.99</v>" in xml and "<v>-999999999999.99</v>" in xml


def test_xlsx_drops_control_characters_and_escapes_what_they_hid(app):
    columns = [Column("Name", lambda r: r)]
    with app.test_request_context():
        data = xlsx_bytes(columns, ["\x01=1+1", "ok\x07"], "x")
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet["A"]][1:] == ["'=1+1", "ok"]
