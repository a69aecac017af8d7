"""The home page (the network in figures) and the staff home page (what waits for staff)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from ..accounts.models import Membership, MembershipState
from ..extensions import db
from ..permissions import staff_required
from ..receipts.edonation import overdue_count
from ..registry.models import NetworkStatus, Organisation, School, Sector
from ..registry.services import schools_without_private_partner_query

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
        sa.select(sa.func.count(Organisation.id)).where(Organisation.sector == Sector.PRIVATE)
    )
    without_partner = db.session.scalar(
        sa.select(sa.func.count()).select_from(schools_without_private_partner_query().subquery())
    )
    return render_template(
        "site/home.html",
        member_count=member_count,
        province_count=province_count,
        private_count=private_count,
        without_partner=without_partner,
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
    )
