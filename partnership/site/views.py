"""The home page (the network in figures), the staff home page (what waits for staff), the start
page after logging in, and a sponsor's dashboard: for one organisation, its partnerships, its
matching pools, the campaigns it matched with their money and delivery, and their outcomes,
each table in CSV and Excel, for its representatives (active members) and staff only."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..accounts.models import Membership, MembershipState
from ..campaigns.models import Campaign
from ..campaigns.queries import campaign_cards, public_campaign_ids
from ..core.exports import download
from ..db_types import utcnow
from ..extensions import db
from ..i18n import to_bangkok
from ..milestones.services import overdue_count as milestones_overdue_count
from ..permissions import staff_required
from ..receipts.edonation import overdue_count
from ..registry.models import NetworkStatus, Organisation, OrganisationKind, School, Sector
from ..registry.services import schools_without_private_partner_query
from ..reporting import figures
from ..review.models import CommitteeMember
from .sponsor_figures import TABLES, sponsor_figures

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


# -- A sponsor's dashboard ---------------------------------------------------------------------

#: The sponsor report (PDF) another part of the app provides; linked only when it exists.
SPONSOR_REPORT = "reporting.sponsor_report"


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    if not organisation.can_edit(current_user):  # staff, or an active member of it
        abort(403)
    return organisation


@bp.get("/organisations/<int:organisation_id>/dashboard")
@login_required
def sponsor_dashboard(organisation_id: int):
    organisation = _organisation(organisation_id)
    report_url = (
        url_for(SPONSOR_REPORT, organisation_id=organisation.id)
        if SPONSOR_REPORT in current_app.view_functions
        else None
    )
    return render_template(
        "site/sponsor_dashboard.html",
        organisation=organisation,
        figures=sponsor_figures(organisation),
        tables=TABLES,
        report_url=report_url,
    )


@bp.get("/organisations/<int:organisation_id>/dashboard/<table>.<any(csv, xlsx):fmt>")
@login_required
def sponsor_dashboard_export(organisation_id: int, table: str, fmt: str):
    organisation = _organisation(organisation_id)
    if table not in TABLES:
        abort(404)
    title, columns, rows_of, _link, _page_columns = TABLES[table]
    rows = rows_of(sponsor_figures(organisation))
    stem = f"organisation-{organisation.id}-{table}-{to_bangkok(utcnow()):%Y%m%d}"
    return download(fmt, columns, rows, stem, str(title))


def dashboard_link(organisation, **_extra) -> dict:
    """Receiver of ``organisation_page``: the dashboard's address for those who may see it."""
    if organisation.can_edit(current_user):
        return {"dashboard_url": url_for("site.sponsor_dashboard", organisation_id=organisation.id)}
    return {}
