"""The one way to write a CSV or Excel export: a declarative column spec, safe by default.

An export is a list of ``Column`` (header, value function, kind) and an iterable of rows; the
helper turns each row into typed cells and writes them:

* every text cell, headers included, is escaped against formula injection (``safe_text``);
  numbers stay numbers, so a refund's ``-50.00`` is not turned into text;
* money is integer satang turned into an exact ``Decimal`` with two places: ``1234.50`` in the
  CSV, a number with a baht format in the workbook, never a float;
* dates and times in Bangkok time in one format (real dates in the workbook);
* the CSV starts with a UTF-8 BOM so Excel reads the Thai, and is streamed in chunks.

Nothing else in ``partnership`` may use ``csv.writer`` or ``openpyxl``
(``tests/test_said_once.py``).
How to add an export: docs/architecture/exports.md.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import islice
from typing import Any

from flask import Response, abort
from flask_babel import gettext

from ..db_types import LabelledEnum, utcnow
from ..i18n import to_bangkok
from .downloads import XLSX, private_download

#: A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
#: (OWASP "CSV Injection"); tab and carriage return also start a formula after an import. The
#: full-width and small forms (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫) and the minus sign are read as formulas
#: by Excel in East Asian input modes.
FORMULA_STARTS = frozenset(
    "=+-@\t\r" "\uff1d\uff0b\uff0d\uff20" "\ufe66\ufe62\ufe63\ufe6b" "\u2212"
)  # fmt: skip

#: The BOM that makes Excel read a CSV as UTF-8 (Thai), written first in every CSV.
BOM = "\ufeff"

#: The one date format of every export (Bangkok time; ISO order sorts and imports).
EXPORT_DATE = "%Y-%m-%d"
EXPORT_DATETIME = "%Y-%m-%d %H:%M"

#: The workbook's number formats for the same kinds.
XLSX_FORMATS = {
    "money": '"฿"#,##0.00',
    "number": "0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}

CENT = Decimal("0.01")


def safe_text(value):
    """``value`` safe for a spreadsheet: a string that could start a formula gets a leading '.

    Spreadsheets skip leading white space before a formula (" =1+1", "\\n@SUM(1)"), so the
    first character after it counts too. Anything but a string passes unchanged, so an
    export keeps -3 a number; a string already escaped is left as it is.
    """
    if not isinstance(value, str) or not value:
        return value
    first, first_visible = value[0], value.lstrip()[:1]
    if first in FORMULA_STARTS or first_visible in FORMULA_STARTS or first == "\n":
        return "'" + value
    return value


class Kind(enum.StrEnum):
    """What a column holds, which decides how each format writes it."""

    TEXT = "text"  #: words; yes/no, states (their label) and dates become text too
    MONEY = "money"  #: integer satang -> exact baht with two places
    NUMBER = "number"  #: a score or mean (int, Fraction, Decimal) -> two places, exactly rounded
    INT = "int"  #: a count or an id
    DATE = "date"  #: a date (a datetime is read in Bangkok)
    DATETIME = "datetime"  #: a moment, shown in Bangkok time
    BOOL = "bool"  #: yes/no in the request's language


@dataclass(frozen=True)
class Column:
    """One column of an export: its title (translatable), how to read a row, what it holds."""

    header: Any  # a str or a lazy translation, turned into text when the file is written
    value: Callable[[Any], Any]
    kind: Kind = Kind.TEXT


def satang_to_decimal(satang: int) -> Decimal:
    """Exact baht of integer satang, always with two places (12345678901 -> 123456789.01).

    A whole ``Decimal`` is integer satang too: PostgreSQL answers ``SUM`` of an integer column
    as NUMERIC. A float, a fraction of a satang, a string or a bool is refused."""
    if isinstance(satang, Decimal) and satang.is_finite() and satang == satang.to_integral_value():
        satang = int(satang)
    if isinstance(satang, bool) or not isinstance(satang, int):
        raise TypeError(f"money in an export is integer satang, not {type(satang).__name__}")
    return Decimal(satang).scaleb(-2)


def _number(value) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    elif isinstance(value, float):
        value = Decimal(repr(value))
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _text(value) -> str:
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, datetime):
        return to_bangkok(value).strftime(EXPORT_DATETIME)
    if isinstance(value, date):
        return value.strftime(EXPORT_DATE)
    return str(value)


def cell(kind: Kind, value):
    """``value`` as a typed cell of ``kind`` (in the request's language); None stays empty."""
    if value is None or (value == "" and kind is not Kind.TEXT):
        return None
    if kind is Kind.MONEY:
        return satang_to_decimal(value)
    if kind is Kind.NUMBER:
        return _number(value)
    if kind is Kind.INT:
        return int(value)
    if kind is Kind.DATETIME:
        return to_bangkok(value).replace(tzinfo=None)
    if kind is Kind.DATE:
        return to_bangkok(value).date() if isinstance(value, datetime) else value
    if kind is Kind.BOOL:
        return _text(bool(value))
    return safe_text(_text(value))


def headers(columns: Sequence[Column]) -> list[str]:
    """Column titles as text in the request's language, made safe (labels may be typed)."""
    return [safe_text(str(column.header)) for column in columns]


def cells(columns: Sequence[Column], row) -> list:
    """One row as typed cells; call it where the row's data and the language are at hand."""
    return [cell(column.kind, column.value(row)) for column in columns]


# -- CSV --------------------------------------------------------------------------------------


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(EXPORT_DATETIME)
    if isinstance(value, date):
        return value.strftime(EXPORT_DATE)
    return safe_text(value) if isinstance(value, str) else str(value)


def _csv_lines(lines: Iterable[Sequence]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in lines:
        writer.writerow([_csv_text(value) for value in line])
    return out.getvalue()


def csv_head(columns: Sequence[Column], preamble: Iterable[Sequence[str]] = ()) -> str:
    """The BOM, any lines before the header (a title), and the header line."""
    return BOM + _csv_lines([*preamble, headers(columns)])


def csv_chunks(head: str, chunks: Iterable[Iterable[Sequence]]) -> Iterator[str]:
    """``head``, then each chunk of typed cell lines as CSV text (every text cell escaped)."""
    yield head
    for chunk in chunks:
        text = _csv_lines(chunk)
        if text:
            yield text


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    it = iter(iterable)
    while batch := list(islice(it, size)):
        yield batch


def csv_stream(
    columns: Sequence[Column],
    rows: Iterable,
    *,
    chunk: int = 500,
    preamble: Iterable[Sequence[str]] = (),
) -> Iterator[str]:
    """The CSV of ``rows`` a chunk of lines at a time, starting with the BOM and the header."""
    head = csv_head(columns, preamble)
    lines = (cells(columns, row) for row in rows)
    return csv_chunks(head, _batched(lines, chunk))


def csv_text(columns: Sequence[Column], rows: Iterable, **kwargs) -> str:
    """The whole CSV as one string (for a file that is recorded before it is sent)."""
    return "".join(csv_stream(columns, rows, **kwargs))


def csv_download(
    columns: Sequence[Column], rows: Iterable, filename: str, *, private: bool = True
) -> Response:
    """A CSV attachment sent in chunks; ``private`` (personal data) answers through
    ``private_download``, a public file may be kept by caches.

    The cells are made while the request is running (its language, its database session):
    a generator kept alive past the request with ``stream_with_context`` fails when a client
    leaves without reading it. An export too large for that reads its rows in chunks of its own
    (``csv_head`` + ``csv_chunks``, as the donations search does)."""
    body = list(csv_stream(columns, rows))
    if private:
        return private_download(body, "text/csv; charset=utf-8", filename)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- Excel ------------------------------------------------------------------------------------


def _xlsx_cell(sheet, kind: Kind, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        # openpyxl refuses control characters; what is left is checked again for a formula
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    fmt = XLSX_FORMATS.get(kind)
    if value is None or fmt is None:
        return value
    written = WriteOnlyCell(sheet, value=value)
    written.number_format = fmt
    return written


def xlsx_bytes(columns: Sequence[Column], rows: Iterable, title: str) -> bytes:
    """A one-sheet workbook (write-only: rows are not held twice) named ``title``.

    openpyxl is imported here, with the first workbook a worker writes: at start it would cost
    every worker its memory (docs/benchmarks-speed.md)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([_xlsx_cell(sheet, Kind.TEXT, h) for h in headers(columns)])
    kinds = [column.kind for column in columns]
    for row in rows:
        line = cells(columns, row)
        sheet.append([_xlsx_cell(sheet, k, v) for k, v in zip(kinds, line, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_download(columns: Sequence[Column], rows: Iterable, filename: str, title: str):
    """A workbook attachment with personal data (no cache keeps a copy)."""
    return private_download(xlsx_bytes(columns, rows, title), XLSX, filename)


def download(
    fmt: str, columns: Sequence[Column], rows: Iterable, stem: str, title: str, *, private=True
):
    """``stem``.csv or ``stem``.xlsx of the same rows, for a route ending in
    ``.<any(csv, xlsx):fmt>`` (one route per export, both formats)."""
    if fmt == "xlsx":
        return xlsx_download(columns, rows, f"{stem}.xlsx", title)
    return csv_download(columns, rows, f"{stem}.csv", private=private)


def filtered_download(fmt: str, filters, columns, rows_of, name: str, title: str):
    """A staff export narrowed by a filter form read from the query string: 400 when a filter
    does not validate (nobody gets a wider file than asked for), else ``name-YYYYMMDD`` (Bangkok
    day) of ``rows_of(filters)`` in ``fmt``."""
    if not filters.validate():
        abort(400)
    stem = f"{name}-{to_bangkok(utcnow()):%Y%m%d}"
    return download(fmt, columns, rows_of(filters), stem, title)
