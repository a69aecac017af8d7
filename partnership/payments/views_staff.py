"""Staff pages: donations (disputes first to act on) and Stripe events we could not match."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from sqlalchemy.orm import joinedload

from ..core.pagination import paginate
from ..permissions import staff_required
from .models import Donation, DonationState, EventOutcome, StripeEvent

bp = Blueprint("payments_staff", __name__, url_prefix="/staff/payments")


@bp.get("/donations")
@staff_required
def donations():
    query = sa.select(Donation).options(joinedload(Donation.campaign)).order_by(Donation.id.desc())
    state = request.args.get("state", "")
    if state in {s.value for s in DonationState}:
        query = query.where(Donation.state == DonationState(state))
    disputed = request.args.get("disputed") == "1"
    if disputed:
        query = query.where(Donation.disputed.is_(True))
    return render_template(
        "payments/staff_donations.html",
        page=paginate(query),
        states=list(DonationState),
        state=state,
        disputed=disputed,
    )


@bp.get("/events")
@staff_required
def events():
    query = (
        sa.select(StripeEvent)
        .where(StripeEvent.outcome == EventOutcome.UNMATCHED)
        .order_by(StripeEvent.id.desc())
    )
    return render_template("payments/staff_events.html", page=paginate(query))
