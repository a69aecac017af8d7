"""Reading an uploaded table (CSV or Excel) into rows of text, the one reader of uploads.

The counterpart of ``core.exports`` (which alone writes spreadsheets): a feature's import gets
the rows as lists of strings with their line numbers as the person sees them in the sheet, and
judges each value itself. What cannot be read (not CSV or XLSX, damaged, too many rows, a zip
that unpacks to far more than it weighs) is a ``RefusedFile`` with a message for the person.

XLSX is read with openpyxl in read-only mode with values only: formulas are never evaluated,
the cached value is what is read (``tests/test_said_once.py`` allows openpyxl here and in
``core.exports`` only).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from .uploads import RefusedFile

#: An uploaded table may weigh this much (a national file of 30,000 schools is about 2 MB).
MAX_TABLE_BYTES = 5 * 1024 * 1024
#: ... have at most this many lines, and this many columns.
MAX_TABLE_ROWS = 50_000
MAX_TABLE_COLUMNS = 60
#: An XLSX is a zip: refused when its parts unpack to more than this (a zip bomb).
MAX_XLSX_UNPACKED = 100 * 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class TableRow:
    """One line of the sheet: its number as the sheet shows it (the header is line 1)."""

    line: int
    cells: list[str]

    @property
    def is_empty(self) -> bool:
        return not any(self.cells)


def read_table(data: bytes, name: str) -> list[TableRow]:
    """Every line of the first sheet (XLSX) or of the CSV, as stripped text cells.

    XLSX is recognised by its first bytes, never by its name; anything else is read as CSV
    text (UTF-8, with or without BOM, or Windows Thai, cp874)."""
    if len(data) > MAX_TABLE_BYTES:
        raise RefusedFile(
            _("%(name)s is larger than %(n)d MB.", name=name, n=MAX_TABLE_BYTES // 1024 // 1024)
        )
    rows = _xlsx_rows(data, name) if data.startswith(ZIP_MAGIC) else _csv_rows(data, name)
    if not rows:
        raise RefusedFile(_("%(name)s is empty.", name=name))
    return rows


def _unreadable(name: str) -> RefusedFile:
    return RefusedFile(
        _("%(name)s cannot be read as a CSV or Excel (.xlsx) file; it may be damaged.", name=name)
    )


def _too_long(name: str) -> RefusedFile:
    return RefusedFile(
        _("%(name)s has more than %(n)d lines; split it into smaller files.",
          name=name, n=MAX_TABLE_ROWS)
    )  # fmt: skip


def _csv_rows(data: bytes, name: str) -> list[TableRow]:
    if b"\x00" in data:
        raise _unreadable(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp874")
        except UnicodeDecodeError as exc:
            raise _unreadable(name) from exc
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_TABLE_ROWS:
                raise _too_long(name)
            rows.append(TableRow(number, [c.strip() for c in cells[:MAX_TABLE_COLUMNS]]))
    except csv.Error as exc:
        raise _unreadable(name) from exc
    return rows


def _trimmed(cells: list[str]) -> list[str]:
    """Without the empty cells at the end (a sheet's row is as wide as its widest)."""
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes, name: str) -> list[TableRow]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _unreadable(name) from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise _unreadable(name)
    from openpyxl import load_workbook  # read-only, values only: formulas are not run

    rows = []
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            for number, values in enumerate(
                sheet.iter_rows(max_col=MAX_TABLE_COLUMNS, values_only=True), start=1
            ):
                if number > MAX_TABLE_ROWS:
                    raise _too_long(name)
                rows.append(TableRow(number, _trimmed([_cell_text(v) for v in values])))
        finally:
            book.close()
    except RefusedFile:
        raise
    except Exception as exc:  # noqa: BLE001 - a hostile workbook can break the reader anywhere
        raise _unreadable(name) from exc
    return rows
