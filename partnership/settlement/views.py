"""Staff page of failed all-or-nothing campaigns: refunds sent, offline gifts to return by hand."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.mfa.policy import step_up_required
from ..campaigns.models import Campaign
from ..core.unit_of_work import refusal_returns_to
from ..extensions import db
from ..gifts.models import GiftState, OfflineGift
from ..gifts.services import reverse_gift
from ..payments.models import Donation, RefundCause, RefundRequest
from ..permissions import load_or_404, staff_required
from .services import failed_campaigns, may_be_returned, offline_to_return

bp = Blueprint("settlement", __name__, url_prefix="/staff/settlement")


@bp.get("/")
@staff_required
def failed():
    ids = failed_campaigns()
    campaigns = (
        db.session.scalars(
            sa.select(Campaign).where(Campaign.id.in_(ids)).order_by(Campaign.id)
        ).all()
        if ids
        else []
    )
    counts = dict(
        db.session.execute(
            sa.select(Donation.campaign_id, sa.func.count(RefundRequest.id))
            .join(Donation, Donation.id == RefundRequest.donation_id)
            .where(RefundRequest.cause == RefundCause.ALL_OR_NOTHING)
            .group_by(Donation.campaign_id)
        ).all()
    )
    return render_template(
        "settlement/failed.html", campaigns=campaigns, counts=counts, gifts=offline_to_return()
    )


@bp.post("/gifts/<int:gift_id>/returned")
@staff_required
@step_up_required
def mark_returned(gift_id: int):
    gift = load_or_404(OfflineGift, gift_id, "edit")
    if not may_be_returned(gift):
        flash(
            _(
                "Only a gift to an all-or-nothing campaign that missed its goal is returned "
                "here. To correct a mistaken gift, void it on the campaign's gifts page."
            ),
            "error",
        )
        return redirect(url_for("gifts.campaign_gifts", campaign_id=gift.campaign_id), 303)
    refusal_returns_to(url_for("settlement.failed"))
    reverse_gift(
        gift,
        GiftState.RETURNED,
        reason=_("Returned by hand: the all-or-nothing campaign missed its goal."),
        actor=current_user,
    )
    flash(_("The gift is marked as returned."), "success")
    return redirect(url_for("settlement.failed"), 303)
