"""Helpers of the school data tests: a collection window, per-grade figures, a table file."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from partnership.extensions import db
from partnership.i18n import BUDDHIST_ERA_OFFSET, current_academic_year
from partnership.registry.models import GRADE_COLUMNS, SchoolYearStat
from partnership.registry.school_data.models import CollectionWindow, SchoolDataEvent
from partnership.registry.school_data.services import today

YEAR = current_academic_year()
YEAR_BE = YEAR + BUDDHIST_ERA_OFFSET
#: Import headers in Thai, as an ABE office writes them.
HEADER = [
    "รหัสโรงเรียน", "ปีการศึกษา", "อ.1", "อ.2", "อ.3", "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6",
    "ม.1", "ม.2", "ม.3", "ม.4", "ม.5", "ม.6", "นักเรียนรวม", "ครู", "คอมพิวเตอร์",
]  # fmt: skip


def open_window(year: int = YEAR, *, opened_days_ago: int = 1, days: int = 30):
    window = CollectionWindow(
        academic_year=year,
        opens_on=today() - timedelta(opened_days_ago),
        closes_on=today() + timedelta(days),
    )
    db.session.add(window)
    db.session.commit()
    return window


def form_data(school, year_be: int = YEAR_BE, teachers=8, devices=5, **grades) -> dict:
    """A post of the school data form: every grade the school teaches (10 pupils unless told)."""
    data = {"academic_year": str(year_be), "teachers": str(teachers),
            "devices_on_hand": str(devices)}  # fmt: skip
    for index, column in enumerate(GRADE_COLUMNS):
        if school.min_grade <= index <= school.max_grade:
            data[column] = str(grades.get(column, 10))
    return data


def stat_of(school_id: int, year: int = YEAR) -> SchoolYearStat | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(SchoolYearStat).where(
            SchoolYearStat.school_id == school_id, SchoolYearStat.academic_year == year
        )
    )


def events() -> list[SchoolDataEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SchoolDataEvent).order_by(SchoolDataEvent.id)))


def csv_bytes(rows: list[list]) -> bytes:
    lines = [HEADER, *rows]
    return ("\ufeff" + "\r\n".join(",".join(str(c) for c in line) for line in lines)).encode()


def row(code: str, year=YEAR_BE, grades=None, total=None, teachers=8, devices=4) -> list:
    """One import line: ``grades`` maps a grade index to pupils (others 0)."""
    grades = grades or {3: 12, 4: 14, 5: 13, 6: 15, 7: 16, 8: 17}  # ป.1–ป.6
    values = [grades.get(i, 0) for i in range(15)]
    return [code, year, *values, sum(values) if total is None else total, teachers, devices]
