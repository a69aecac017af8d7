"""Cells for CSV and Excel exports: text that a spreadsheet would run as a formula stays text."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext

from ..db_types import LabelledEnum
from ..i18n import to_bangkok

#: A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
#: (OWASP "CSV Injection"); tab and carriage return also start a formula after an import.
FORMULA_STARTS = frozenset("=+-@\t\r")


def spreadsheet_cell(value):
    """``value`` safe for a spreadsheet: a string that could start a formula gets a leading '.

    Spreadsheets skip leading white space before a formula (" =1+1", "\\n@SUM(1)"), so the
    first character after it counts too. Numbers, booleans and None pass unchanged, so an
    export keeps -3 a number.
    """
    if not isinstance(value, str) or not value:
        return value
    first, first_visible = value[0], value.lstrip()[:1]
    if first in FORMULA_STARTS or first_visible in FORMULA_STARTS or first == "\n":
        return "'" + value
    return value


#: The one date format of every staff export (Bangkok time; ISO order sorts and imports).
EXPORT_DATE = "%Y-%m-%d"
EXPORT_DATETIME = "%Y-%m-%d %H:%M"


def export_value(value):
    """A value as a staff export shows it, in the request's language: yes/no in words, dates
    and times (Bangkok) in one format, states by their label; then ``spreadsheet_cell``."""
    if isinstance(value, bool):
        value = gettext("Yes") if value else gettext("No")
    elif isinstance(value, datetime):
        value = to_bangkok(value).strftime(EXPORT_DATETIME)
    elif isinstance(value, date):
        value = value.strftime(EXPORT_DATE)
    elif isinstance(value, LabelledEnum):
        value = value.label
    return spreadsheet_cell(value)


def export_headers(headers) -> list[str]:
    """Column titles (lazy translations) as text in the request's language, made safe."""
    return [spreadsheet_cell(str(h)) for h in headers]
