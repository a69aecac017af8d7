"""Figures derived from the school data, in one place: the school page, the province pages and
the dashboards call these (each is one aggregate query, whatever the number of schools).

Pupils of grades 4–6 are ป.4 + ป.5 + ป.6 of the rows that have the grade split; a row from
before the per-grade collection (a total alone) counts in ``pupils`` but not in
``pupils_p4_p6``. ``devices_on_hand`` are the school's own computers usable by pupils, not
counting what the programme delivered (the school data form says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa

from ..extensions import db
from .models import P4_P6_COLUMNS, School, SchoolYearStat

#: ป.4 + ป.5 + ป.6 of a row (NULL for a row without the grade split): for the sums here and the
#: dashboards' pupils of grades 4–6 reached (``reporting.school_figures``).
PUPILS_P4_P6 = sum((getattr(SchoolYearStat, c) for c in P4_P6_COLUMNS[1:]),
             getattr(SchoolYearStat, P4_P6_COLUMNS[0]))  # fmt: skip


@dataclass(frozen=True)
class SchoolDataTotals:
    """Sums over the schools that have figures for a year (empty counts as 0)."""

    schools: int = 0
    pupils: int = 0
    pupils_p4_p6: int = 0
    teachers: int = 0
    devices_on_hand: int = 0
    #: How many of ``schools`` gave pupils per grade, and computers on hand.
    schools_with_grades: int = 0
    schools_with_devices: int = 0

    @property
    def pupils_per_computer(self) -> Fraction | None:
        return pupils_per_computer(self.pupils, self.devices_on_hand)


def pupils_per_computer(pupils: int | None, computers: int | None) -> Fraction | None:
    """Pupils per computer, exact (None when there are no computers or no pupils counted)."""
    if not pupils or not computers:
        return None
    return Fraction(pupils, computers)


def _totals_columns():
    return (
        sa.func.count(SchoolYearStat.id),
        sa.func.coalesce(sa.func.sum(SchoolYearStat.pupils), 0),
        sa.func.coalesce(sa.func.sum(PUPILS_P4_P6), 0),
        sa.func.coalesce(sa.func.sum(SchoolYearStat.teachers), 0),
        sa.func.coalesce(sa.func.sum(SchoolYearStat.devices_on_hand), 0),
        sa.func.count(SchoolYearStat.grade_k1),
        sa.func.count(SchoolYearStat.devices_on_hand),
    )


def _totals(row) -> SchoolDataTotals:
    return SchoolDataTotals(*(int(value or 0) for value in row))


def province_school_data_by_year(province_code: str | None = None) -> dict[int, SchoolDataTotals]:
    """Totals per academic year, oldest first, for a province or (None) the whole country: the
    trend over years, one query."""
    query = sa.select(SchoolYearStat.academic_year, *_totals_columns())
    if province_code is not None:
        query = query.join(School, School.id == SchoolYearStat.school_id).where(
            School.province_code == province_code
        )
    rows = db.session.execute(
        query.group_by(SchoolYearStat.academic_year).order_by(SchoolYearStat.academic_year)
    )
    return {row[0]: _totals(row[1:]) for row in rows}


@dataclass(frozen=True)
class YearFigures:
    """One school's year on its page: the figures and what they give."""

    stat: SchoolYearStat
    #: Computers the programme delivered (received by the school) up to the end of that year.
    delivered: int

    @property
    def before(self) -> Fraction | None:
        """Pupils per computer with the school's own computers."""
        return pupils_per_computer(self.stat.pupils, self.stat.devices_on_hand)

    @property
    def after(self) -> Fraction | None:
        """Pupils per computer with the programme's computers added (None: none delivered)."""
        if not self.delivered or self.stat.devices_on_hand is None:
            return None
        return pupils_per_computer(self.stat.pupils, self.stat.devices_on_hand + self.delivered)


def school_years(school: School, delivered_by_year: Mapping[int, int]) -> list[YearFigures]:
    """The school's years, newest first, each with the computers delivered by its end
    (``delivered_by_year``: computers received in each academic year, from the devices)."""
    return [
        YearFigures(
            stat,
            sum(n for year, n in delivered_by_year.items() if year <= stat.academic_year),
        )
        for stat in school.year_stats
    ]
