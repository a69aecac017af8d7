"""Cells for CSV and Excel exports: text that a spreadsheet would run as a formula stays text."""

from __future__ import annotations

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
