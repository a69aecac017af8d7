"""Revision 0027_school_data keeps every row of ``school_year_stats``: a year recorded before the
per-grade collection keeps its total (every grade empty, computers unknown), and the grades' CHECK
lets it stand."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from partnership.db_types import UTCDateTime
from partnership.extensions import db
from partnership.registry.models import GRADE_COLUMNS, SchoolYearStat

WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_the_school_data_migration_keeps_every_yearly_row(app, make_school):
    from flask_migrate import downgrade, upgrade

    school_id = make_school().id
    db.session.add(SchoolYearStat(school_id=school_id, academic_year=2024, pupils=148, teachers=9))
    db.session.commit()
    db.session.close()

    downgrade(revision="0026_figures")
    columns = ("school_id", "academic_year", "pupils", "teachers")
    old = sa.table(
        "school_year_stats",
        *(sa.column(c) for c in columns),
        sa.column("recorded_at", UTCDateTime()),
    )
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(old).values(
                school_id=school_id, academic_year=2025, pupils=151, teachers=10, recorded_at=WHEN
            )
        )
    upgrade()
    db.session.expire_all()

    rows = db.session.scalars(sa.select(SchoolYearStat).order_by(SchoolYearStat.academic_year))
    kept = [(r.academic_year, r.pupils, r.teachers, r.devices_on_hand, r.has_grades) for r in rows]
    assert kept == [(2024, 148, 9, None, False), (2025, 151, 10, None, False)]
    for stat in db.session.scalars(sa.select(SchoolYearStat)):
        assert all(getattr(stat, column) is None for column in GRADE_COLUMNS)
