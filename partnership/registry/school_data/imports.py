"""Importing school data from a CSV or Excel file: every row checked, every bad row listed with
its line number and what is wrong, and nothing written unless every row is good.

The header row names the columns, in any order, in Thai or English (the export's headers are
accepted as they are): school code, academic year (Buddhist Era as Thai offices write it,
2569, or the Gregorian 2026), one column per grade (อ.1 … ม.6 or K1 … M6; an empty cell is 0),
teachers, computers, and optionally the total of pupils, which must then be the grades' sum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core.spreadsheets import TableRow, read_table
from ...extensions import db
from ...i18n import BUDDHIST_ERA_OFFSET, academic_year_label, current_language
from ..models import GRADE_COLUMNS, GRADES, School, SchoolYearStat
from .services import (
    MAX_DEVICES,
    MAX_PUPILS_IN_GRADE,
    MAX_TEACHERS,
    Figures,
    figure_problems,
    record_figures,
)

#: Header spellings (lower case, without spaces, dots, dashes or underscores) of each column.
HEADERS: dict[str, frozenset[str]] = {
    "code": frozenset({"schoolcode", "code", "รหัสโรงเรียน", "รหัส", "รหัสสถานศึกษา"}),
    "year": frozenset({"academicyear", "year", "ปีการศึกษา", "ปี"}),
    "pupils": frozenset({"pupils", "total", "totalpupils", "นักเรียน", "นักเรียนรวม", "รวม",
                           "จำนวนนักเรียน"}),
    "teachers": frozenset({"teachers", "ครู", "จำนวนครู", "ครูรวม"}),
    "devices": frozenset({"devices", "devicesonhand", "computers", "computerspupilscanuse",
                          "คอมพิวเตอร์", "คอมพิวเตอร์ที่นักเรียนใช้ได้", "เครื่องคอมพิวเตอร์"}),
    **{column: frozenset({code, th.replace(".", "")})
       for column, (code, th, _en) in zip(GRADE_COLUMNS, GRADES, strict=True)},
}  # fmt: skip
REQUIRED = ("code", "year", "teachers", "devices")
_SEPARATORS = re.compile(r"[\s._\-]+")
_CHUNK = 900  # ids per IN (...): under SQLite's limit of bound parameters


def _key(header: str) -> str:
    return _SEPARATORS.sub("", header).lower()


@dataclass
class ImportResult:
    """The outcome: the rows that would be (or were) written, or every problem by line."""

    rows: list[tuple[School, Figures]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    #: A problem with the whole file (unreadable, a missing column): no row was looked at.
    file_problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problem


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    unknown = []
    for index, title in enumerate(header):
        if not title:
            continue
        name = next((n for n, spellings in HEADERS.items() if _key(title) in spellings), None)
        if name is None:
            unknown.append(title)
        elif name not in found:
            found[name] = index
    return found, unknown


def _number(text: str, maximum: int) -> int | None:
    text = text.replace(",", "").strip()
    if not re.fullmatch(r"-?\d{1,9}", text):
        raise ValueError
    value = int(text)
    if value > maximum:
        raise ValueError
    return value


def _year(text: str) -> int | None:
    """The Gregorian start year of a BE (2400–2700) or Gregorian (1900–2200) year, else None."""
    if not re.fullmatch(r"\d{4}", text.strip()):
        return None
    value = int(text)
    if 2400 <= value <= 2700:
        return value - BUDDHIST_ERA_OFFSET
    return value if 1900 <= value <= 2200 else None


def check_file(data: bytes, name: str, academic_year: int) -> ImportResult:
    """Read and check every row for ``academic_year`` (Gregorian); nothing is written."""
    result = ImportResult()
    table = read_table(data, name)  # RefusedFile for a file that cannot be read
    header, *lines = table
    columns, _unknown = _columns(header.cells)
    lang = current_language()
    missing = [n for n in REQUIRED if n not in columns]
    grades_missing = not any(c in columns for c in GRADE_COLUMNS)
    if missing or grades_missing:
        result.file_problem = _(
            "The first row must name the columns: school code, academic year, the grades "
            "(อ.1 … ม.6), teachers and computers. Missing: %(names)s.",
            names=", ".join(missing + (["อ.1 … ม.6"] if grades_missing else [])),
        )
        return result
    lines = [line for line in lines if not line.is_empty]
    codes = {_cell(line, columns["code"]) for line in lines}
    schools = _schools_by_code(codes)
    seen: dict[str, int] = {}
    for line in lines:
        problems, figures, school = _check_line(line, columns, schools, academic_year, lang, seen)
        if problems:
            result.problems += [(line.line, p) for p in problems]
        else:
            result.rows.append((school, figures))
    if not lines:
        result.file_problem = _("The file has a header row but no figures.")
    return result


def _cell(line: TableRow, index: int | None) -> str:
    if index is None or index >= len(line.cells):
        return ""
    return line.cells[index].strip()


def _check_line(line, columns, schools, academic_year, lang, seen):
    problems: list[str] = []
    code = _cell(line, columns["code"])
    school = schools.get(code)
    if not code:
        problems.append(_("The school code is empty."))
    elif school is None:
        problems.append(_("No school has the code %(code)s.", code=code))
    elif code in seen:
        problems.append(_("School %(code)s is already on line %(line)d.", code=code,
                          line=seen[code]))  # fmt: skip
    else:
        seen[code] = line.line
    year = _year(_cell(line, columns["year"]))
    if year != academic_year:
        problems.append(
            _(
                "The academic year is %(given)s, not %(year)s.",
                given=_cell(line, columns["year"]) or "—",
                year=academic_year_label(academic_year, "th"),
            )
        )
    values: dict[str, int | None] = {}
    for name, maximum in (
        *((c, MAX_PUPILS_IN_GRADE) for c in GRADE_COLUMNS),
        ("teachers", MAX_TEACHERS),
        ("devices", MAX_DEVICES),
        ("pupils", MAX_PUPILS_IN_GRADE * len(GRADES)),
    ):
        text = _cell(line, columns.get(name))
        if not text:
            values[name] = 0 if name in GRADE_COLUMNS else None
            continue
        try:
            values[name] = _number(text, maximum)
        except ValueError:
            problems.append(
                _(
                    "%(column)s: %(value)s is not a whole number from 0 to %(max)d.",
                    column=_column_title(name, lang),
                    value=text,
                    max=maximum,
                )
            )
    for name in ("teachers", "devices"):
        if name in values and values[name] is None and _cell(line, columns.get(name)) == "":
            problems.append(_("%(column)s is empty.", column=_column_title(name, lang)))
    if problems or school is None:
        return problems, None, school
    figures = Figures(
        grades=tuple(values[c] for c in GRADE_COLUMNS),
        teachers=values["teachers"],
        devices_on_hand=values["devices"],
        pupils=values["pupils"],
    )
    return figure_problems(school, figures), figures, school


def _column_title(name: str, lang: str) -> str:
    if name in GRADE_COLUMNS:
        _code, th, en = GRADES[GRADE_COLUMNS.index(name)]
        return th if lang == "th" else en
    return {"teachers": _("Teachers"), "devices": _("Computers pupils can use"),
            "pupils": _("Pupils")}[name]  # fmt: skip


def _schools_by_code(codes: set[str]) -> dict[str, School]:
    found: dict[str, School] = {}
    wanted = sorted(c for c in codes if c and len(c) <= 10)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.update(
            (s.code, s) for s in db.session.scalars(sa.select(School).where(School.code.in_(chunk)))
        )
    return found


def apply_import(result: ImportResult, academic_year: int, actor, file_name: str) -> int:
    """Write every row of a checked file (each with its history: the importer and the file);
    the caller's transaction makes it all or nothing. Returns how many schools changed."""
    if not result.ok:
        raise ValueError("only a file without problems is imported")
    ids = [school.id for school, _figures in result.rows]
    stats: dict[int, SchoolYearStat] = {}
    for start in range(0, len(ids), _CHUNK):
        stats.update(
            (s.school_id, s)
            for s in db.session.scalars(
                sa.select(SchoolYearStat)
                .where(
                    SchoolYearStat.academic_year == academic_year,
                    SchoolYearStat.school_id.in_(ids[start : start + _CHUNK]),
                )
                .with_for_update()
            )
        )
    for school, figures in result.rows:
        record_figures(
            school, academic_year, figures, actor, source="import", file_name=file_name,
            stat=stats.get(school.id), known=True,
        )  # fmt: skip
    return len(result.rows)
