"""``core.spreadsheets``: the one reader of uploaded tables (CSV, XLSX)."""

from __future__ import annotations

import ast
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from partnership.core import spreadsheets
from partnership.core.spreadsheets import read_table
from partnership.core.uploads import RefusedFile


def _xlsx(*rows) -> bytes:
    book = Workbook()
    for line in rows:
        book.active.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_in_utf8_with_bom_and_in_windows_thai():
    for data in ("\ufeffรหัส,ป.4\r\n1040050101,12\r\n".encode(), "รหัส,ป.4\n1,2\n".encode("cp874")):
        rows = read_table(data, "a.csv")
        assert rows[0].cells[0] == "รหัส" and rows[1].line == 2


def test_xlsx_cells_become_text_and_formulas_are_not_run(app):
    rows = read_table(_xlsx(["a", "b"], [12, 3.0], ["=1+1", None]), "a.xlsx")
    # a formula is read as its saved value (none here: nothing computed it), never run
    assert [r.cells for r in rows] == [["a", "b"], ["12", "3"], []]


def test_a_zip_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_UNPACKED", 1000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", "0" * 10_000)
    with pytest.raises(RefusedFile):
        read_table(out.getvalue(), "bomb.xlsx")


def test_too_many_lines_are_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_TABLE_ROWS", 3)
    with pytest.raises(RefusedFile):
        read_table(b"a\n1\n2\n3\n", "long.csv")


def test_openpyxl_is_only_read_here():
    """The reader may import ``load_workbook`` alone (writing stays ``core.exports``'s)."""
    tree = ast.parse(Path(spreadsheets.__file__).read_text("utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl")
        for alias in node.names
    }
    assert imported == {"load_workbook"}
    assert "read_only=True" in Path(spreadsheets.__file__).read_text("utf-8")
