"""The figures of one province for its page (area-based education): one query per table.

Schools, money and pupils come from ``figures`` (money and devices from the campaigns'
counters, kept in the same transaction as the ledger rows they sum); what only a province page
shows (applications by outcome, its campaigns, verified outcomes) is read here. Each function
answers with a fixed number of queries, however many schools, campaigns or years the province
has; only public campaigns count; no donor is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from ..applications.models import Application, ApplicationState
from ..campaigns.models import PUBLIC_STATES, Campaign, CampaignState
from ..extensions import db
from ..outcomes.models import MeasureKind, OutcomeMeasure
from ..outcomes.services import latest_verified_value
from ..registry.models import School
from . import figures, school_figures
from .periods import Period

#: How many of the province's campaigns its page lists (the campaign list has the rest).
CAMPAIGNS_SHOWN = 20


@dataclass(frozen=True)
class DistrictRow:
    """One district of the province (or the province's total): its schools and its money."""

    district: str
    network: school_figures.Network
    money: figures.Money


def district_rows(code: str, period: Period) -> list[DistrictRow]:
    """Every district with schools or campaigns, by name (two queries, ``figures``)."""
    schools = school_figures.network_by("district", province_code=code)
    money = figures.money_by("district", period, province_code=code)
    return [
        DistrictRow(
            name, schools.get(name, school_figures.Network()), money.get(name, figures.Money())
        )
        for name in sorted(set(schools) | set(money))
    ]


def total_row(rows: Sequence[DistrictRow], label: str) -> DistrictRow:
    """The province's total of its district rows (a school is in one district only)."""
    return DistrictRow(
        label,
        sum((row.network for row in rows), school_figures.Network()),
        sum((row.money for row in rows), figures.Money()),
    )


def application_counts(code: str) -> list[tuple[ApplicationState, int]]:
    """Applications from the province's schools by state, drafts left out (not yet sent)."""
    found = dict(
        db.session.execute(
            sa.select(Application.state, sa.func.count(Application.id))
            .join(School, School.id == Application.school_id)
            .where(School.province_code == code, Application.state != ApplicationState.DRAFT)
            .group_by(Application.state)
        ).all()
    )
    return [(state, found[state]) for state in ApplicationState if found.get(state)]


@dataclass(frozen=True)
class CampaignRow:
    id: int
    title: str
    school_name_th: str
    school_name_en: str
    district: str
    state: CampaignState
    goal_satang: int
    raised_satang: int
    spent_satang: int
    devices_recorded: int
    devices_confirmed: int


def campaign_rows(
    code: str, period: Period, limit: int | None = CAMPAIGNS_SHOWN
) -> list[CampaignRow]:
    """The province's campaigns that count in ``period``, newest first, at most ``limit``
    (None: every one, for its download)."""
    found = db.session.execute(
        figures.campaigns_query(period, province_code=code)
        .with_only_columns(
            Campaign.id,
            Campaign.title,
            School.name_th,
            School.name_en,
            School.district,
            Campaign.state,
            Campaign.goal_satang,
            Campaign.raised_satang,
            Campaign.spent_satang,
            Campaign.devices_recorded,
            Campaign.devices_confirmed,
        )
        .order_by(Campaign.starts_at.desc(), Campaign.id.desc())
        .limit(limit)
    ).all()
    return [CampaignRow(*row) for row in found]


@dataclass(frozen=True)
class OutcomeRow:
    """One outcome measure over the province's funded campaigns (the latest verified figure of
    each): counts add up, hours per week are the mean of the schools that reported."""

    name_th: str
    name_en: str
    unit_th: str
    unit_en: str
    kind: MeasureKind
    schools: int
    value: int | float


def outcome_rows(code: str) -> list[OutcomeRow]:
    """Verified outcomes of the province's public campaigns, by measure (one query)."""
    per_campaign = (
        sa.select(OutcomeMeasure.id.label("measure_id"), latest_verified_value().label("value"))
        .select_from(Campaign)
        .join(School, School.id == Campaign.school_id)
        .join(OutcomeMeasure, OutcomeMeasure.programme_id == Campaign.programme_id)
        .where(
            School.province_code == code,
            Campaign.funded_at.is_not(None),
            Campaign.state.in_(PUBLIC_STATES),
        )
        .subquery()
    )
    found = db.session.execute(
        sa.select(
            OutcomeMeasure.name_th,
            OutcomeMeasure.name_en,
            OutcomeMeasure.unit_th,
            OutcomeMeasure.unit_en,
            OutcomeMeasure.kind,
            sa.func.count(per_campaign.c.value),
            sa.func.sum(per_campaign.c.value),
        )
        .join(per_campaign, per_campaign.c.measure_id == OutcomeMeasure.id)
        .where(per_campaign.c.value.is_not(None))
        .group_by(OutcomeMeasure.id)
        .order_by(OutcomeMeasure.programme_id, OutcomeMeasure.position, OutcomeMeasure.id)
    ).all()
    return [
        OutcomeRow(
            name_th, name_en, unit_th or "", unit_en or "", kind, int(count),
            round(int(total) / int(count), 1)
            if kind == MeasureKind.HOURS_PER_WEEK
            else int(total),
        )
        for name_th, name_en, unit_th, unit_en, kind, count, total in found
    ]  # fmt: skip
