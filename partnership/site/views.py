"""The home page (the network in figures) and the staff home page (what waits for staff)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..accounts.models import Membership, MembershipState
from ..campaigns.models import Campaign
from ..campaigns.queries import campaign_cards, public_campaign_ids
from ..db_types import utcnow
from ..extensions import db
from ..milestones.services import overdue_count as milestones_overdue_count
from ..permissions import staff_required
from ..receipts.edonation import overdue_count
from ..registry.models import NetworkStatus, Organisation, OrganisationKind, School, Sector
from ..registry.services import schools_without_private_partner_query
from ..reporting import figures
from ..review.models import CommitteeMember

#: How many campaigns taking gifts the home page shows.
HOME_CAMPAIGNS = 3

bp = Blueprint("site", __name__)


@bp.get("/")
def home():
    member_count = db.session.scalar(
        sa.select(sa.func.count(School.id)).where(School.network_status == NetworkStatus.MEMBER)
    )
    province_count = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(School.province_code))).where(
            School.network_status == NetworkStatus.MEMBER
        )
    )
    private_count = db.session.scalar(
        sa.select(sa.func.count(Organisation.id)).where(
            Organisation.sector == Sector.PRIVATE, Organisation.kind != OrganisationKind.VENDOR
        )
    )
    without_partner = db.session.scalar(
        sa.select(sa.func.count()).select_from(schools_without_private_partner_query().subquery())
    )
    # Those taking gifts (listing group 0), nearest their goal first: two queries, however many.
    ids = db.session.scalars(
        public_campaign_ids(sort="nearly").where(Campaign.listing_group == 0).limit(HOME_CAMPAIGNS)
    ).all()
    return render_template(
        "site/home.html",
        campaigns=campaign_cards(list(ids)),
        now=utcnow(),
        member_count=member_count,
        province_count=province_count,
        private_count=private_count,
        without_partner=without_partner,
        money=figures.money(),
    )


@bp.get("/staff")
@staff_required
def staff_home():
    pending = db.session.scalar(
        sa.select(sa.func.count(Membership.id)).where(Membership.state == MembershipState.PENDING)
    )
    applicants = db.session.scalar(
        sa.select(sa.func.count(School.id)).where(School.network_status == NetworkStatus.APPLICANT)
    )
    return render_template(
        "site/staff.html",
        pending_memberships=pending,
        network_applicants=applicants,
        edonation_overdue=overdue_count(),
        milestones_overdue=milestones_overdue_count(),
    )


@bp.get("/start")
@login_required
def landing():
    """Where logging in leads when no ``next`` was asked for: the page of the person's own tasks
    (staff: the staff home; committee: assigned reviews; school: its applications and what is
    due; sponsor: its organisation and pledges), else the home page."""
    if current_user.is_staff:
        return redirect(url_for("site.staff_home"))
    on_committee = db.session.scalar(
        sa.select(CommitteeMember.id)
        .where(CommitteeMember.user_id == current_user.id, CommitteeMember.ended_at.is_(None))
        .limit(1)
    )
    if on_committee is not None:
        return redirect(url_for("review.queue"))
    if current_user.schools:
        return redirect(url_for("applications.dashboard"))
    if organisations := current_user.organisations:
        return redirect(url_for("registry.organisation", organisation_id=organisations[0].id))
    return redirect(url_for("site.home"))
