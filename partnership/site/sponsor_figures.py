"""What a sponsor's dashboard shows of one organisation: its partnerships with schools, its
matching pools (pledged, used, left), the campaigns it matched with their money and delivery,
and the outcomes those campaigns reported. A fixed number of queries, however many rows.

The same columns serve the page and its CSV and Excel downloads (``TABLES``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..campaigns.models import Campaign
from ..core.exports import Column, Kind
from ..extensions import db
from ..i18n import current_language, last_day
from ..matching.models import MatchPledge, MatchScope
from ..outcomes.models import OutcomeReport, ReportState
from ..programmes.models import Programme
from ..registry.models import Organisation, Partnership
from ..reporting.sponsor_figures import matched_by_campaign, milestone_progress


@dataclass
class MatchedCampaign:
    """One campaign the organisation's pools matched, with its money and delivery."""

    campaign: Campaign
    matched_satang: int
    milestones_done: int = 0
    milestones_total: int = 0
    devices_delivered: int = 0
    devices_confirmed: int = 0

    @property
    def balance_satang(self) -> int:
        return self.campaign.raised_satang - self.campaign.spent_satang


@dataclass
class PledgeRow:
    pledge: MatchPledge
    target: str


@dataclass
class SponsorFigures:
    organisation: Organisation
    partnerships: list[Partnership] = field(default_factory=list)
    pledges: list[PledgeRow] = field(default_factory=list)
    campaigns: list[MatchedCampaign] = field(default_factory=list)
    outcomes: list[OutcomeReport] = field(default_factory=list)

    @property
    def pledged_satang(self) -> int:
        return sum(row.pledge.cap_satang for row in self.pledges)

    @property
    def used_satang(self) -> int:
        return sum(row.pledge.used_satang for row in self.pledges)

    @property
    def left_satang(self) -> int:
        return sum(row.pledge.remaining_satang for row in self.pledges)

    @property
    def matched_satang(self) -> int:
        return sum(row.matched_satang for row in self.campaigns)


def _targets(pledges: list[MatchPledge]) -> dict[int, str]:
    """What each pool covers, in words: its campaign, its programme or its province."""
    lang = current_language()
    programme_ids = {p.programme_id for p in pledges if p.programme_id}
    names = (
        {
            row.id: row.display_name(lang)
            for row in db.session.scalars(
                sa.select(Programme).where(Programme.id.in_(programme_ids))
            )
        }
        if programme_ids
        else {}
    )
    targets = {}
    for p in pledges:
        if p.scope is MatchScope.CAMPAIGN and p.campaign is not None:
            targets[p.id] = p.campaign.title
        elif p.scope is MatchScope.PROGRAMME:
            targets[p.id] = names.get(p.programme_id, "")
        else:
            targets[p.id] = p.province_label(lang)
    return targets


def sponsor_figures(organisation: Organisation) -> SponsorFigures:
    """Everything the organisation's dashboard shows (eight queries at most)."""
    figures = SponsorFigures(organisation)
    figures.partnerships = list(
        db.session.scalars(
            sa.select(Partnership)
            .where(Partnership.organisation_id == organisation.id)
            .options(joinedload(Partnership.school))
            .order_by(Partnership.ended_on.is_not(None), Partnership.started_on.desc())
        )
    )
    pledges = list(
        db.session.scalars(
            sa.select(MatchPledge)
            .where(MatchPledge.organisation_id == organisation.id)
            .options(joinedload(MatchPledge.campaign))
            .order_by(MatchPledge.starts_at.desc(), MatchPledge.id.desc())
        )
    )
    targets = _targets(pledges)
    figures.pledges = [PledgeRow(p, targets[p.id]) for p in pledges]
    matched = matched_by_campaign(organisation.id)
    if not matched:
        return figures
    ids = list(matched)
    campaigns = db.session.scalars(
        sa.select(Campaign)
        .where(Campaign.id.in_(ids))
        .options(joinedload(Campaign.school))
        .order_by(Campaign.starts_at.desc(), Campaign.id.desc())
    ).all()
    steps = milestone_progress(ids)
    figures.campaigns = [
        MatchedCampaign(
            c,
            matched[c.id],
            *steps.get(c.id, (0, 0)),
            devices_delivered=c.devices_recorded,
            devices_confirmed=c.devices_confirmed,
        )
        for c in campaigns
    ]
    figures.outcomes = list(
        db.session.scalars(
            sa.select(OutcomeReport)
            .where(
                OutcomeReport.campaign_id.in_(ids),
                OutcomeReport.state != ReportState.RETURNED,
            )
            .options(joinedload(OutcomeReport.campaign), joinedload(OutcomeReport.measure))
            .order_by(
                OutcomeReport.campaign_id,
                OutcomeReport.measure_id,
                OutcomeReport.academic_year,
                OutcomeReport.id,
            )
        )
    )
    return figures


def _school(school) -> str:
    return school.display_name(current_language())


def _measure(report: OutcomeReport) -> str:
    measure = report.measure
    if current_language() == "en" and measure.name_en:
        return measure.name_en
    return measure.name_th


def _unit(report: OutcomeReport) -> str:
    measure = report.measure
    if current_language() == "en" and measure.unit_en:
        return measure.unit_en
    return measure.unit_th


def _school_url(partnership: Partnership) -> str:
    return url_for("registry.school", school_id=partnership.school_id)


def _campaign_url(row: MatchedCampaign) -> str:
    return url_for("campaigns.campaign", campaign_id=row.campaign.id)


#: Each table of the dashboard: (its title, its columns as exported, which list of
#: ``SponsorFigures``, where a row's first cell links, the columns the page shows if fewer).
TABLES: dict[str, tuple] = {
    "partnerships": (
        _l("Partnerships"),
        (
            Column(_l("School"), lambda p: _school(p.school)),
            Column(_l("Role"), lambda p: p.role),
            Column(_l("Since"), lambda p: p.started_on, Kind.DATE),
            Column(_l("Until"), lambda p: p.ended_on, Kind.DATE),
        ),
        lambda f: f.partnerships,
        _school_url,
        None,
    ),
    "pledges": (
        _l("Matching pledges"),
        (
            Column(_l("Covers"), lambda r: r.target),
            Column(_l("Scope"), lambda r: r.pledge.scope),
            Column(_l("Ratio"), lambda r: r.pledge.ratio_label),
            Column(_l("Pledged"), lambda r: r.pledge.cap_satang, Kind.MONEY),
            Column(_l("Used"), lambda r: r.pledge.used_satang, Kind.MONEY),
            Column(_l("Left"), lambda r: r.pledge.remaining_satang, Kind.MONEY),
            Column(_l("State"), lambda r: r.pledge.state),
            Column(_l("Last day"), lambda r: last_day(r.pledge.ends_at), Kind.DATE),
        ),
        lambda f: f.pledges,
        None,
        None,
    ),
    "campaigns": (
        _l("Campaigns matched"),
        (
            Column(_l("Campaign"), lambda r: r.campaign.title),
            Column(_l("School"), lambda r: _school(r.campaign.school)),
            Column(_l("State"), lambda r: r.campaign.state),
            Column(_l("Raised"), lambda r: r.campaign.raised_satang, Kind.MONEY),
            Column(_l("Matched by you"), lambda r: r.matched_satang, Kind.MONEY),
            Column(_l("Spent"), lambda r: r.campaign.spent_satang, Kind.MONEY),
            Column(_l("Balance"), lambda r: r.balance_satang, Kind.MONEY),
            Column(_l("Milestones done"), lambda r: r.milestones_done, Kind.INT),
            Column(_l("Milestones"), lambda r: r.milestones_total, Kind.INT),
            Column(_l("Devices delivered"), lambda r: r.devices_delivered, Kind.INT),
            Column(_l("Devices confirmed"), lambda r: r.devices_confirmed, Kind.INT),
        ),
        lambda f: f.campaigns,
        _campaign_url,
        # On the page, each pair in one column (done of all), so the table fits a screen.
        (
            Column(_l("Campaign"), lambda r: r.campaign.title),
            Column(_l("School"), lambda r: _school(r.campaign.school)),
            Column(_l("Raised"), lambda r: r.campaign.raised_satang, Kind.MONEY),
            Column(_l("Matched by you"), lambda r: r.matched_satang, Kind.MONEY),
            Column(_l("Spent"), lambda r: r.campaign.spent_satang, Kind.MONEY),
            Column(_l("Balance"), lambda r: r.balance_satang, Kind.MONEY),
            Column(_l("Milestones done"), lambda r: f"{r.milestones_done} / {r.milestones_total}"),
            Column(
                _l("Devices confirmed / delivered"),
                lambda r: f"{r.devices_confirmed} / {r.devices_delivered}",
            ),
        ),
    ),
    "outcomes": (
        _l("Outcomes reported"),
        (
            Column(_l("Campaign"), lambda r: r.campaign.title),
            Column(_l("Measure"), _measure),
            Column(_l("Academic year"), lambda r: r.academic_year, Kind.INT),
            Column(_l("Figure"), lambda r: r.value, Kind.INT),
            Column(_l("Unit"), _unit),
            Column(_l("State"), lambda r: r.state),
        ),
        lambda f: f.outcomes,
        None,
        None,
    ),
}
