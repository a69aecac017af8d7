"""The dashboards' school figures, from the registry: schools in the network and outside it,
without a private partner, and their pupils and teachers by academic year. They change a few
times a day, so a worker keeps them for ``PAGE_CACHE_SECONDS`` (``figures.kept``); money never
comes from here (``figures``)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction

import sqlalchemy as sa

from ..campaigns.models import Campaign
from ..extensions import db
from ..registry.figures import PUPILS_P4_P6, SchoolDataTotals, province_school_data_by_year
from ..registry.models import NetworkStatus, School, SchoolYearStat
from ..registry.services import has_private_partner_clause, today
from .figures import ALL_TIME, campaigns_query, kept
from .periods import Period


@dataclass(frozen=True)
class Network:
    """A province's (or the country's) schools in the registry."""

    schools: int = 0
    members: int = 0
    #: Network members with no active private-sector partner today.
    without_private_partner: int = 0

    @property
    def outside(self) -> int:
        return self.schools - self.members

    def __add__(self, other: Network) -> Network:
        return Network(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Network)))


def _network_columns() -> tuple:
    member = School.network_status == NetworkStatus.MEMBER
    alone = sa.and_(member, ~has_private_partner_clause(today()))
    return (
        sa.func.count(School.id),
        sa.func.count(School.id).filter(member),
        sa.func.count(School.id).filter(alone),
    )


@kept
def network_by(dimension: str = "province", *, province_code: str | None = None) -> dict:
    """Schools, network members and members without a private partner per province (or per
    district of one province): one query."""
    key = School.province_code if dimension == "province" else School.district
    query = sa.select(key, *_network_columns()).group_by(key)
    if province_code is not None:
        query = query.where(School.province_code == province_code)
    return {row[0]: Network(*(int(v) for v in row[1:])) for row in db.session.execute(query)}


@kept
def network() -> Network:
    return Network(*(int(v) for v in db.session.execute(sa.select(*_network_columns())).one()))


@dataclass(frozen=True)
class Pupils:
    """Pupils and teachers of the schools that reported for an academic year."""

    schools: int = 0
    pupils: int = 0
    teachers: int = 0


@kept
def pupils_by_year(*, province_code: str | None = None) -> dict[int, SchoolDataTotals]:
    """Per academic year: schools that reported, pupils (of them in grades 4–6), teachers and
    computers (``registry.figures``, one query; the trend on a province page)."""
    return province_school_data_by_year(province_code)


def funded_school_ids(period: Period = ALL_TIME, **filters):
    """A select of the schools with a funded campaign in ``period`` (for ``pupils_by_year``)."""
    return (
        campaigns_query(period, **filters)
        .where(Campaign.funded_at.is_not(None))
        .with_only_columns(Campaign.school_id)
        .distinct()
    )


@kept
def pupils_reached(period: Period = ALL_TIME, **filters) -> Pupils:
    """Pupils and teachers, in the newest year each reported, of the schools funded in
    ``period``: the pupils the programme reached (one query)."""
    newest = (
        sa.select(
            SchoolYearStat.school_id,
            sa.func.max(SchoolYearStat.academic_year).label("year"),
        )
        .where(SchoolYearStat.school_id.in_(funded_school_ids(period, **filters)))
        .group_by(SchoolYearStat.school_id)
        .subquery()
    )
    row = db.session.execute(
        sa.select(
            sa.func.count(SchoolYearStat.id),
            sa.func.coalesce(sa.func.sum(SchoolYearStat.pupils), 0),
            sa.func.coalesce(sa.func.sum(SchoolYearStat.teachers), 0),
        ).join(
            newest,
            sa.and_(
                newest.c.school_id == SchoolYearStat.school_id,
                newest.c.year == SchoolYearStat.academic_year,
            ),
        )
    ).one()
    return Pupils(*(int(v) for v in row))


@dataclass(frozen=True)
class GradesReached:
    """Pupils of grades 4–6 (ป.4–6) of the funded schools against those of every network school
    in scope, each school in the newest academic year it gave pupils per grade."""

    reached: int = 0
    enrolled: int = 0

    @property
    def share(self) -> Fraction | None:
        """``reached`` of ``enrolled``, exact (None when no network school gave its grades)."""
        return Fraction(self.reached, self.enrolled) if self.enrolled else None

    @property
    def percent(self) -> Fraction | None:
        return None if self.share is None else self.share * 100


@kept
def grades_4_6_reached(period: Period = ALL_TIME, **filters) -> GradesReached:
    """Pupils of grades 4–6 reached (network schools with a campaign funded in ``period``)
    against enrolled (every network school, of ``province_code`` if given): one query. A
    programme filter narrows what was reached, never what is enrolled."""
    newest = (
        sa.select(
            SchoolYearStat.school_id,
            sa.func.max(SchoolYearStat.academic_year).label("year"),
        )
        .where(SchoolYearStat.grade_p4.is_not(None))
        .group_by(SchoolYearStat.school_id)
        .subquery()
    )
    funded = School.id.in_(funded_school_ids(period, **filters))
    query = (
        sa.select(
            sa.func.coalesce(sa.func.sum(PUPILS_P4_P6).filter(funded), 0),
            sa.func.coalesce(sa.func.sum(PUPILS_P4_P6), 0),
        )
        .select_from(SchoolYearStat)
        .join(
            newest,
            sa.and_(
                newest.c.school_id == SchoolYearStat.school_id,
                newest.c.year == SchoolYearStat.academic_year,
            ),
        )
        .join(School, School.id == SchoolYearStat.school_id)
        .where(School.network_status == NetworkStatus.MEMBER)
    )
    if filters.get("province_code") is not None:
        query = query.where(School.province_code == filters["province_code"])
    return GradesReached(*(int(v) for v in db.session.execute(query).one()))


# -- the province map (branch map) -----------------------------------------------------------


@kept
def pupils_by_province() -> dict[str, int]:
    """Pupils per province, each school counted in the newest academic year it reported (one
    query): what "raised per pupil" divides by. A province none of whose schools reported is
    missing (no data, not zero)."""
    newest = (
        sa.select(
            SchoolYearStat.school_id,
            sa.func.max(SchoolYearStat.academic_year).label("year"),
        )
        .group_by(SchoolYearStat.school_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(School.province_code, sa.func.sum(SchoolYearStat.pupils))
        .join(newest, newest.c.school_id == SchoolYearStat.school_id)
        .join(School, School.id == SchoolYearStat.school_id)
        .where(newest.c.year == SchoolYearStat.academic_year)
        .group_by(School.province_code)
    )
    return {code: int(pupils) for code, pupils in rows}
