"""School data demo: three academic years of pupils per grade for every demo school, entered
by the school in the ABE collection (12 July – 30 September, the seed's dates) or imported by
staff, and this year's collection window."""

from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from ..accounts.models import Membership, MembershipState, User
from ..extensions import db
from ..i18n import BUDDHIST_ERA_OFFSET, current_academic_year
from ..registry.models import GRADES, School, SchoolYearStat
from ..registry.school_data.models import CollectionWindow
from ..registry.school_data.services import Figures, record_figures

#: The seed's collection: 12 July to 30 September (ปีการศึกษา 2564: 12 ก.ค. – 30 ก.ย.).
COLLECTION = ((7, 12), (9, 30))


def _split(total: int, low: int, high: int, rng: random.Random) -> tuple[int, ...]:
    """``total`` pupils over the grades low..high, a little uneven, summing exactly."""
    weights = [rng.uniform(0.8, 1.2) for _ in range(low, high + 1)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[rng.randrange(len(shares))] += total - sum(shares)
    grades = [0] * len(GRADES)
    grades[low : high + 1] = shares
    return tuple(grades)


def seed_school_data() -> None:
    """Per-grade figures for three years (totals kept as the registry demo set them, grown a
    little each year), one history row each; the collection window of this academic year."""
    year = current_academic_year()
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@demo.example.org"))
    teachers_of = dict(
        db.session.execute(
            sa.select(Membership.school_id, sa.func.min(Membership.user_id))
            .where(Membership.state == MembershipState.ACTIVE, Membership.school_id.isnot(None))
            .group_by(Membership.school_id)
        ).all()
    )
    users = {u.id: u for u in db.session.scalars(sa.select(User))}
    for school in db.session.scalars(sa.select(School).order_by(School.code)):
        rng = random.Random(school.code)
        latest = max(school.year_stats, key=lambda s: s.academic_year, default=None)
        base = latest.pupils if latest is not None else rng.randint(60, 300)
        teachers = latest.teachers if latest is not None else max(4, base // 20)
        devices = rng.randint(2, max(3, base // 25))
        for offset, growth in ((2, 0.96), (1, 0.98), (0, 1.0)):
            stat = db.session.scalar(
                sa.select(SchoolYearStat).where(
                    SchoolYearStat.school_id == school.id,
                    SchoolYearStat.academic_year == year - offset,
                )
            )
            if stat is not None and stat.has_grades:
                continue
            total = int(base * growth)
            figures = Figures(
                grades=_split(total, school.min_grade, school.max_grade, rng),
                teachers=teachers,
                devices_on_hand=max(0, devices - offset),
            )
            # this year's came through the school's own form; earlier years, staff's import
            actor = users.get(teachers_of.get(school.id)) if offset == 0 else staff
            record_figures(
                school, year - offset, figures, actor or staff,
                source="form" if offset == 0 else "import",
                file_name="" if offset == 0 else f"ABE-{year - offset + BUDDHIST_ERA_OFFSET}.xlsx",
            )  # fmt: skip
    if db.session.scalar(sa.select(CollectionWindow).where(CollectionWindow.academic_year == year)):
        return
    (m1, d1), (m2, d2) = COLLECTION
    db.session.add(
        CollectionWindow(
            academic_year=year,
            opens_on=date(year, m1, d1),
            closes_on=date(year, m2, d2),
            opened_by_id=staff.id if staff else None,
        )
    )
    db.session.flush()
