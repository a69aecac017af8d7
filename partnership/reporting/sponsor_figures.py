"""What each sponsor matched, the schools it partners and the campaigns it matched: one query
per table (the sponsors' pages, docs/features/reporting.md).

A sponsor is an organisation that is not a supplier (``OrganisationKind.VENDOR``) and that has
an approved (or since ended) matching pledge, or adopts or sponsors a school today (an active
partnership in a role of ``SPONSOR_ROLES``: a ministry office giving government support or a
university giving academic support is a partner, not a sponsor). What it
matched is what its pools gave and kept: ``cap − remaining`` of each pledge, which the draw and
its returns move in SQL; per campaign, the draws on its pledges net of what went back. No
donor appears: the figures are the sponsor's own money and the campaigns' counters.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import sqlalchemy as sa

from ..campaigns.models import Campaign, CampaignState
from ..extensions import db
from ..matching.models import MatchDraw, MatchPledge, PledgeState
from ..milestones.models import Milestone, MilestoneState
from ..programmes.models import Programme
from ..registry.models import (
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipRole,
    School,
)
from ..registry.services import active_partnership_clause, today
from .figures import version

#: Pledges whose money counts: approved, or approved and since ended.
COUNTED = (PledgeState.APPROVED, PledgeState.ENDED)
#: Partnership roles that make an organisation a sponsor.
SPONSOR_ROLES = (PartnershipRole.ADOPTER, PartnershipRole.SPONSOR)


def is_sponsor_clause():
    """SQL: the organisation is a sponsor (see the module's docstring)."""
    pledged = sa.exists().where(
        MatchPledge.organisation_id == Organisation.id, MatchPledge.state.in_(COUNTED)
    )
    sponsoring = sa.exists().where(
        Partnership.organisation_id == Organisation.id,
        Partnership.role.in_(SPONSOR_ROLES),
        active_partnership_clause(today()),
    )
    return sa.and_(Organisation.kind != OrganisationKind.VENDOR, sa.or_(pledged, sponsoring))


@dataclass(frozen=True)
class SponsorRow:
    """One sponsor on the sponsors' page."""

    id: int
    name: str
    name_en: str
    #: What its pools matched and kept, and what it pledged (approved pools).
    matched_satang: int
    pledged_satang: int
    #: Schools it partners today.
    schools: int
    #: Campaigns its pools matched (money kept).
    campaigns: int

    def display_name(self, lang: str = "th") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    @property
    def left_satang(self) -> int:
        return self.pledged_satang - self.matched_satang


def _pledges(organisation_id, column):
    return (
        sa.select(sa.func.coalesce(sa.func.sum(column), 0))
        .where(MatchPledge.organisation_id == organisation_id, MatchPledge.state.in_(COUNTED))
        .scalar_subquery()
    )


def _kept_draws():
    """Draws that still hold money (drawn more than returned)."""
    return MatchDraw.drawn_satang > MatchDraw.returned_satang


def sponsors() -> list[SponsorRow]:
    """Every sponsor with what it matched, pledged, partners and matched campaigns; most
    matched first (one query)."""
    used = _pledges(Organisation.id, MatchPledge.cap_satang - MatchPledge.remaining_satang)
    pledged = _pledges(Organisation.id, MatchPledge.cap_satang)
    schools = (
        sa.select(sa.func.count(sa.distinct(Partnership.school_id)))
        .where(Partnership.organisation_id == Organisation.id, active_partnership_clause(today()))
        .scalar_subquery()
    )
    campaigns = (
        sa.select(sa.func.count(sa.distinct(MatchDraw.campaign_id)))
        .join(MatchPledge, MatchPledge.id == MatchDraw.pledge_id)
        .where(MatchPledge.organisation_id == Organisation.id, _kept_draws())
        .scalar_subquery()
    )
    query = (
        sa.select(
            Organisation.id,
            Organisation.name,
            Organisation.name_en,
            used.label("matched"),
            pledged.label("pledged"),
            schools.label("schools"),
            campaigns.label("campaigns"),
        )
        .where(is_sponsor_clause())
        .order_by(sa.desc("matched"), sa.desc("schools"), Organisation.name)
    )
    return [
        SponsorRow(row.id, row.name, row.name_en, *(int(v) for v in row[3:]))
        for row in db.session.execute(query)
    ]


def sponsor(organisation_id: int) -> Organisation | None:
    """The organisation if it is a sponsor (never a supplier), else None (one query)."""
    return db.session.scalar(
        sa.select(Organisation).where(Organisation.id == organisation_id, is_sponsor_clause())
    )


@dataclass(frozen=True)
class PledgeRow:
    """One of a sponsor's approved pools: what it covers and what it gave."""

    scope: object
    ratio: str
    cap_satang: int
    used_satang: int
    state: PledgeState
    campaign_title: str | None
    programme_th: str | None
    programme_en: str | None
    province_code: str | None


def pledges(organisation_id: int) -> list[PledgeRow]:
    """The sponsor's approved or ended pledges, newest first, with what each covers (one
    query)."""
    query = (
        sa.select(
            MatchPledge.scope,
            MatchPledge.sponsor_part,
            MatchPledge.donor_part,
            MatchPledge.cap_satang,
            MatchPledge.cap_satang - MatchPledge.remaining_satang,
            MatchPledge.state,
            Campaign.title,
            Programme.name_th,
            Programme.name_en,
            MatchPledge.province_code,
        )
        .outerjoin(Campaign, Campaign.id == MatchPledge.campaign_id)
        .outerjoin(Programme, Programme.id == MatchPledge.programme_id)
        .where(MatchPledge.organisation_id == organisation_id, MatchPledge.state.in_(COUNTED))
        .order_by(MatchPledge.starts_at.desc(), MatchPledge.id.desc())
    )
    return [
        PledgeRow(r[0], f"{r[1]}:{r[2]}", int(r[3]), int(r[4]), *r[5:])
        for r in db.session.execute(query)
    ]


def partner_schools(organisation_id: int) -> list[tuple[School, Partnership]]:
    """The schools the sponsor partners today, with the partnership (one query)."""
    query = (
        sa.select(School, Partnership)
        .join(Partnership, Partnership.school_id == School.id)
        .where(Partnership.organisation_id == organisation_id, active_partnership_clause(today()))
        .order_by(School.province_code, School.name_th, Partnership.id)
    )
    return [(row[0], row[1]) for row in db.session.execute(query)]


@dataclass(frozen=True)
class MatchedCampaign:
    """A campaign the sponsor matched: its share, the campaign's money and its delivery."""

    id: int
    title: str
    state: CampaignState
    school_th: str
    school_en: str
    province_code: str
    matched_by_sponsor_satang: int
    raised_satang: int
    spent_satang: int
    devices_recorded: int
    devices_confirmed: int
    milestones_done: int
    milestones: int

    def school_name(self, lang: str = "th") -> str:
        return self.school_en if lang == "en" and self.school_en else self.school_th


def kept_matches(organisation_id: int):
    """Per campaign, what the organisation's pools put in, net of what went back: a select of
    (campaign_id, kept) over its draws (the one definition the sponsor's pages, dashboard and
    report share)."""
    return (
        sa.select(
            MatchDraw.campaign_id.label("campaign_id"),
            sa.func.sum(MatchDraw.drawn_satang - MatchDraw.returned_satang).label("kept"),
        )
        .join(MatchPledge, MatchPledge.id == MatchDraw.pledge_id)
        .where(MatchPledge.organisation_id == organisation_id, _kept_draws())
        .group_by(MatchDraw.campaign_id)
    )


def matched_by_campaign(organisation_id: int) -> dict[int, int]:
    """``kept_matches`` as campaign id → satang (one query)."""
    return {row[0]: int(row[1] or 0) for row in db.session.execute(kept_matches(organisation_id))}


def milestone_progress(campaign_ids) -> dict[int, tuple[int, int]]:
    """Per campaign: milestones done, milestones in all (one query)."""
    campaign_ids = list(campaign_ids)
    if not campaign_ids:
        return {}
    done = sa.func.count(Milestone.id).filter(Milestone.state == MilestoneState.DONE)
    query = (
        sa.select(Milestone.campaign_id, done, sa.func.count(Milestone.id))
        .where(Milestone.campaign_id.in_(campaign_ids))
        .group_by(Milestone.campaign_id)
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in db.session.execute(query)}


def matched_campaigns(organisation_id: int) -> list[MatchedCampaign]:
    """The campaigns the sponsor's pools matched (money kept), newest first, each with what the
    sponsor gave, the campaign's raised, spent, devices and milestones done (one query)."""
    matched = kept_matches(organisation_id).subquery()
    milestones = (
        sa.select(sa.func.count(Milestone.id))
        .where(Milestone.campaign_id == Campaign.id)
        .scalar_subquery()
    )
    done = (
        sa.select(sa.func.count(Milestone.id))
        .where(Milestone.campaign_id == Campaign.id, Milestone.state == MilestoneState.DONE)
        .scalar_subquery()
    )
    query = (
        sa.select(
            Campaign.id,
            Campaign.title,
            Campaign.state,
            School.name_th,
            School.name_en,
            School.province_code,
            matched.c.kept,
            Campaign.raised_satang,
            Campaign.spent_satang,
            Campaign.devices_recorded,
            Campaign.devices_confirmed,
            done,
            milestones,
        )
        .join(matched, matched.c.campaign_id == Campaign.id)
        .join(School, School.id == Campaign.school_id)
        .where(Campaign.state != CampaignState.DRAFT)
        .order_by(Campaign.starts_at.desc(), Campaign.id.desc())
    )
    return [
        MatchedCampaign(*row[:6], *(int(v or 0) for v in row[6:]))
        for row in db.session.execute(query)
    ]


def sponsors_version(**_view_args) -> Hashable:
    """What the sponsors' kept pages depend on: the money (``figures.version``) and the newest
    pledge and its decision (a pool approved or ended moves no money)."""
    pledge = db.session.execute(
        sa.select(sa.func.max(MatchPledge.id), sa.func.max(MatchPledge.decided_at))
    ).one()
    return (*version(), *pledge)
