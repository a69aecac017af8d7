"""Code that says one thing once: each of these rules has exactly one home in ``partnership``."""

from __future__ import annotations

import ast
from pathlib import Path

import partnership

PACKAGE = Path(partnership.__file__).parent


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE.parent).as_posix(), ast.parse(path.read_text("utf-8"))


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node, node.func


def test_the_clock_is_read_in_one_place():
    """``db_types.utcnow`` is the only reader of the wall clock (no second ``now_utc``)."""
    readers = []
    for name, tree in _modules():
        for node, func in _calls(tree):
            receiver = func.value.id if isinstance(func.value, ast.Name) else ""
            if func.attr in ("now", "utcnow", "today") and receiver in ("datetime", "date"):
                readers.append(f"{name}:{node.lineno}")
    assert [where.split(":")[0] for where in readers] == ["partnership/db_types.py"], readers
    import partnership.i18n

    assert not hasattr(partnership.i18n, "now_utc")


def test_the_buddhist_era_offset_is_one_constant():
    """Years move between Gregorian and Buddhist Era only through ``i18n.BUDDHIST_ERA_OFFSET``."""
    literals = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value == 543
    ]
    assert [where.split(":")[0] for where in literals] == ["partnership/i18n.py"], literals
    templates = PACKAGE.parent / "templates"
    scripts = PACKAGE.parent / "static" / "js"
    for path in [*templates.rglob("*.html"), *scripts.rglob("*.js")]:
        assert "543" not in path.read_text("utf-8"), path


def _names(node: ast.AST) -> str:
    return " ".join(
        n.id if isinstance(n, ast.Name) else n.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Name | ast.Attribute)
    )


def test_line_totals_are_computed_in_one_place():
    """Price × quantity only in ``money.line_total_satang`` (BudgetLine, forms and SQL call it)."""
    products = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mult)
        and "price" in _names(node)
        and "quantity" in _names(node)
    ]
    assert [where.split(":")[0] for where in products] == ["partnership/money.py"], products


def test_views_leave_recipients_and_mail_bodies_to_services():
    """A view commits and sends (``commit_and_send``); whom to tell and what to say are rules."""
    queued = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        if name.rsplit("/", 1)[-1].startswith("views")
        for node in ast.walk(tree)
        if (isinstance(node, ast.Name) and node.id in ("queue_mail", "notify_school"))
        or (isinstance(node, ast.alias) and node.name in ("queue_mail", "notify_school"))
    ]
    assert queued == []


def test_hooks_are_named_signals_not_lists_of_callables():
    """A feature learns what the features above add through a named signal (core.signals)."""
    lists = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node in tree.body
        if isinstance(node, ast.AnnAssign)
        and "Callable" in ast.unparse(node.annotation)
        and ast.unparse(node.annotation).startswith(("list", "List", "set", "tuple"))
    ]
    assert lists == []


#: What writes a spreadsheet file: only ``core.exports`` may use it (formulas escaped, money
#: exact from satang, one date format, the BOM).
SPREADSHEET_WRITERS = ("openpyxl", "xlsxwriter")
CSV_WRITERS = ("writer", "DictWriter")


def _spreadsheet_writers(tree: ast.AST) -> list[int]:
    """Lines that import a workbook library or touch ``csv.writer`` / ``csv.DictWriter``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            hit = any(a.name.split(".")[0] in SPREADSHEET_WRITERS for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            root = (node.module or "").split(".")[0]
            hit = root in SPREADSHEET_WRITERS or (
                root == "csv" and any(a.name in CSV_WRITERS for a in node.names)
            )
        elif isinstance(node, ast.Attribute):
            hit = (
                isinstance(node.value, ast.Name)
                and node.value.id == "csv"
                and node.attr in CSV_WRITERS
            )
        else:
            hit = False
        if hit:
            found.append(node.lineno)
    return found


def test_the_detector_sees_every_way_of_writing_a_spreadsheet():
    source = """
import csv
import openpyxl.workbook
from openpyxl import Workbook
import xlsxwriter
from csv import DictWriter
w = csv.writer(out)
d = csv.DictWriter(out, fieldnames=[])
r = csv.reader(out)  # reading is not writing
"""
    assert _spreadsheet_writers(ast.parse(source)) == [3, 4, 5, 6, 7, 8]


def test_spreadsheets_are_written_in_one_place():
    """Every CSV and Excel export goes through ``core.exports``: no ``csv.writer``,
    ``csv.DictWriter``, ``openpyxl`` or ``xlsxwriter`` anywhere else
    (docs/architecture/exports.md)."""
    writers = [f"{name}:{line}" for name, tree in _modules() for line in _spreadsheet_writers(tree)]
    assert {where.split(":")[0] for where in writers} == {"partnership/core/exports.py"}, writers
