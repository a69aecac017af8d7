"""What the programme report and the sponsor report say, in figures: gathered in a fixed number
of queries (however many campaigns), from ``figures`` (the campaigns' counters) and, for a
sponsor, its pools' draws. The pages and the PDFs (``report_docs``) print the same values.

Only public figures: no donor is named (not even those who gave their names), only schools,
provinces, programmes and the sponsor itself.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..campaigns.models import Campaign
from ..extensions import db
from ..matching.models import MatchPledge, PledgeState
from ..outcomes.models import OutcomeMeasure
from ..outcomes.services import outcome_table
from ..programmes.models import Programme
from ..registry.models import Organisation, Partnership, School
from . import figures
from .figures import Money
from .periods import Period
from .sponsor_figures import matched_by_campaign, milestone_progress


@dataclass(frozen=True)
class CampaignLine:
    """One campaign as the reports list it."""

    id: int
    title: str
    school_th: str
    school_en: str
    province_code: str
    programme_id: int
    goal_satang: int
    raised_satang: int
    spent_satang: int
    devices_recorded: int
    devices_confirmed: int
    #: The sponsor report only: what this sponsor's pools put in (net of returns).
    matched_by_sponsor_satang: int = 0
    milestones_done: int = 0
    milestones: int = 0

    def school(self, lang: str) -> str:
        return self.school_en if lang == "en" and self.school_en else self.school_th


@dataclass(frozen=True)
class OutcomeLine:
    """One outcome measure: planned and reported (verified) over the campaigns in view."""

    measure: OutcomeMeasure
    planned: int | float | None
    reported: int | float | None
    schools_reporting: int


@dataclass
class ProgrammeReport:
    programme: Programme
    period: Period
    totals: Money
    by_province: dict[str, Money]
    campaigns: list[CampaignLine]
    outcomes: list[OutcomeLine]


@dataclass
class SponsorReport:
    organisation: Organisation
    partnerships: list[Partnership]
    pledges: list[MatchPledge]
    campaigns: list[CampaignLine]
    outcomes: dict[int, list[OutcomeLine]] = field(default_factory=dict)

    @property
    def matched_satang(self) -> int:
        return sum(c.matched_by_sponsor_satang for c in self.campaigns)

    @property
    def pledged_satang(self) -> int:
        return sum(p.cap_satang for p in self.pledges)

    @property
    def used_satang(self) -> int:
        return sum(p.used_satang for p in self.pledges)


def _campaign_lines(query, matched: dict[int, int] | None = None) -> list[CampaignLine]:
    """The campaigns a ``figures.campaigns_query`` selects, with their milestones (two queries)."""
    rows = db.session.execute(
        query.with_only_columns(
            Campaign.id, Campaign.title, School.name_th, School.name_en, School.province_code,
            Campaign.programme_id, Campaign.goal_satang, Campaign.raised_satang,
            Campaign.spent_satang, Campaign.devices_recorded, Campaign.devices_confirmed,
        ).order_by(School.province_code, School.name_th, Campaign.id)
    ).all()  # fmt: skip
    ids = [row[0] for row in rows]
    steps = milestone_progress(ids)
    matched = matched or {}
    return [
        CampaignLine(
            *row,
            matched_by_sponsor_satang=matched.get(row[0], 0),
            milestones_done=steps.get(row[0], (0, 0))[0],
            milestones=steps.get(row[0], (0, 0))[1],
        )
        for row in rows
    ]


def _outcomes(programme_id: int, campaign_ids: set[int]) -> list[OutcomeLine]:
    """The programme's measures over the given campaigns: planned, and verified reports only
    (``outcomes.services.outcome_table``: one query)."""
    table = outcome_table(programme_id)
    table.schools = [row for row in table.schools if row.campaign_id in campaign_ids]
    return [
        OutcomeLine(
            measure,
            table.total(measure, "planned"),
            table.total(measure, "reported"),
            sum(1 for row in table.schools if row.cells[measure.id].reported is not None),
        )
        for measure in table.measures
    ]


def programme_report(programme: Programme, period: Period) -> ProgrammeReport:
    """The programme's figures for ``period`` (a fixed number of queries)."""
    campaigns = _campaign_lines(figures.campaigns_query(period, programme_id=programme.id))
    return ProgrammeReport(
        programme=programme,
        period=period,
        totals=figures.money(period, programme_id=programme.id),
        by_province=figures.money_by("province", period, programme_id=programme.id),
        campaigns=campaigns,
        outcomes=_outcomes(programme.id, {c.id for c in campaigns}),
    )


def sponsor_report(organisation: Organisation) -> SponsorReport:
    """Its partnerships, its pools (approved or ended: what it pledged, used and has left),
    and every campaign it matched with delivery and outcomes (a fixed number of queries)."""
    pledges = db.session.scalars(
        sa.select(MatchPledge)
        .where(
            MatchPledge.organisation_id == organisation.id,
            MatchPledge.state.in_((PledgeState.APPROVED, PledgeState.ENDED)),
        )
        .options(sa.orm.joinedload(MatchPledge.campaign))
        .order_by(MatchPledge.starts_at.desc(), MatchPledge.id.desc())
    ).all()
    matched = matched_by_campaign(organisation.id)
    campaigns = _campaign_lines(figures.campaigns_query(campaign_ids=matched), matched)
    partnerships = db.session.scalars(
        sa.select(Partnership)
        .where(Partnership.organisation_id == organisation.id)
        .options(sa.orm.joinedload(Partnership.school))
        .order_by(Partnership.started_on.desc(), Partnership.id.desc())
    ).all()
    by_programme: dict[Hashable, set[int]] = {}
    for line in campaigns:
        by_programme.setdefault(line.programme_id, set()).add(line.id)
    outcomes = {pid: _outcomes(pid, ids) for pid, ids in sorted(by_programme.items())}
    return SponsorReport(organisation, partnerships, pledges, campaigns, outcomes)
