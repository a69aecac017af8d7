"""Staff pages: a campaign's offline gifts, recording one, voiding one, its slip."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.mfa.policy import step_up_required
from ..campaigns.models import Campaign
from ..core.storage import send_private
from ..core.unit_of_work import discard_changes, refusal_returns_to
from ..extensions import db
from ..permissions import load_or_404, staff_required
from .forms import OfflineGiftForm, ReasonForm
from .models import GiftMethod, GiftState, OfflineGift
from .services import (
    DuplicateReference,
    SlipRefused,
    record_gift,
    reverse_gift,
    store_slip,
)

bp = Blueprint("gifts", __name__, url_prefix="/staff")


def _page(campaign: Campaign, form: OfflineGiftForm, status: int = 200, duplicates=()):
    gifts = db.session.scalars(
        sa.select(OfflineGift)
        .where(OfflineGift.campaign_id == campaign.id)
        .order_by(OfflineGift.id.desc())
    ).all()
    return (
        render_template(
            "gifts/campaign_gifts.html",
            campaign=campaign,
            form=form,
            gifts=gifts,
            reason_form=ReasonForm(formdata=None),
            duplicates=duplicates,
        ),
        status,
    )


@bp.route("/campaigns/<int:campaign_id>/gifts", methods=["GET", "POST"])
@staff_required
@step_up_required(methods=("POST",))
def campaign_gifts(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = OfflineGiftForm()
    if not form.validate_on_submit():
        return _page(campaign, form, 422 if request.method == "POST" else 200)
    slip_key = None
    upload = form.slip.data
    if upload and getattr(upload, "filename", ""):
        data = upload.read()
        try:
            slip_key = store_slip(data)
        except SlipRefused as error:
            form.slip.errors = [str(error)]
            return _page(campaign, form, 422)
    try:
        gift = _record(campaign, form, slip_key)
    except DuplicateReference as error:
        discard_changes()  # the stored slip goes with the rollback
        form.duplicate_reason.errors = [
            _("This reference is already recorded: say why this is another gift, or cancel.")
        ]
        return _page(campaign, form, 422, duplicates=error.gifts)
    flash(_("The gift of %(name)s is recorded.", name=gift.donor_name), "success")
    return redirect(url_for("gifts.campaign_gifts", campaign_id=campaign.id), 303)


def _record(campaign: Campaign, form: OfflineGiftForm, slip_key: str | None):
    return record_gift(
        campaign,
        method=GiftMethod(form.method.data),
        amount_satang=form.amount_satang,
        received_on=form.received,
        reference=form.reference.data,
        donor_name=form.donor_name.data,
        email=form.email.data or "",
        anonymous=form.anonymous.data,
        slip_key=slip_key,
        duplicate_reason=form.duplicate_reason.data or "",
        actor=current_user,
    )


@bp.post("/gifts/<int:gift_id>/void")
@staff_required
@step_up_required
def void_gift(gift_id: int):
    gift = load_or_404(OfflineGift, gift_id, "edit")
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Say why the gift is voided."), "error")
        return redirect(url_for("gifts.campaign_gifts", campaign_id=gift.campaign_id), 303)
    refusal_returns_to(url_for("gifts.campaign_gifts", campaign_id=gift.campaign_id))
    reverse_gift(gift, GiftState.VOIDED, reason=form.reason.data, actor=current_user)
    flash(_("The gift is voided; a reversing row is in the ledger."), "success")
    return redirect(url_for("gifts.campaign_gifts", campaign_id=gift.campaign_id), 303)


@bp.get("/gifts/<int:gift_id>/slip")
@staff_required
def slip(gift_id: int):
    gift = load_or_404(OfflineGift, gift_id, "view")
    if not gift.slip_key:
        abort(404)
    extension = gift.slip_key.rsplit(".", 1)[-1]
    return send_private(gift.slip_key, f"slip-{gift.id}.{extension}", inline=True)
