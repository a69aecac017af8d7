"""Transactions on the embedded database behave as on PostgreSQL (``core.database``)."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.core.transitions import add_unique
from partnership.extensions import db
from partnership.registry.models import SchoolYearStat


def _stats(school_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(SchoolYearStat.id)).where(SchoolYearStat.school_id == school_id)
    )


def test_a_savepoint_taken_after_reading_is_undone_by_the_rollback(app, make_school):
    """A session that has only read (a reader's transaction, or none yet on SQLite's driver)
    takes a savepoint to insert a guarded row; rolling the session back leaves nothing."""
    school = make_school()
    school_id = school.id
    db.session.commit()
    assert _stats(school_id) == 0  # a read first: the transaction is a reader's

    row = SchoolYearStat(school_id=school_id, academic_year=2568, pupils=100, teachers=6)
    assert add_unique(row)
    db.session.rollback()

    assert _stats(school_id) == 0


def test_a_savepoint_that_loses_the_race_keeps_the_rest_of_the_transaction(app, make_school):
    school = make_school()
    school_id = school.id
    db.session.add(SchoolYearStat(school_id=school_id, academic_year=2568, pupils=1, teachers=1))
    db.session.commit()

    twin = SchoolYearStat(school_id=school_id, academic_year=2568, pupils=2, teachers=2)
    assert not add_unique(twin)
    db.session.add(SchoolYearStat(school_id=school_id, academic_year=2569, pupils=3, teachers=1))
    db.session.commit()

    assert _stats(school_id) == 2
