"""Giving online: the form, the Checkout redirect, the thank-you page; the donor wall."""

from __future__ import annotations

import logging
from functools import cache

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from sqlalchemy.orm import load_only

from ..accounts.services import normalise_email
from ..campaigns.models import Campaign
from ..campaigns.views import load_public
from ..core.pagination import paginate
from ..core.unit_of_work import commit_now
from ..core.urls import external_url
from ..db_types import utcnow
from ..extensions import db, limiter
from ..i18n import current_language
from ..money import satang_to_input
from .client import (
    PaymentProviderDown,
    PaymentRequestRefused,
    create_checkout_session,
    online_giving_enabled,
)
from .donations import GivingClosed, attach_session, mark_failed, start_donation
from .forms import MIN_DONATION_SATANG, PRESETS, DonationForm
from .hooks import give_page, thanks_page, values_from
from .models import Donation, DonationState
from .recent import recent_paid_gift, remember_gift
from .sessions import EndsTooSoon, checkout_expires_at
from .tax import record_tax_info

bp = Blueprint("giving", __name__)

WALL_PAGE_SIZE = 10
WALL_STATES = (DonationState.PAID, DonationState.PARTIALLY_REFUNDED)
#: The give page is never kept: Back after paying loads it afresh (and asks before giving again).
NO_STORE = {"Cache-Control": "no-store"}


@cache
def donor_wall_query():
    """Paid gifts of the campaign bound as ``campaign_id``, newest first, read from the end of
    ``ix_donations_wall`` (no sort of the campaign's gifts); built once, as the campaign page
    asks on every visit. The states are written into the SQL, not bound: only then can the
    database see that the query's condition is the partial index's own, in a prepared plan too."""
    return (
        sa.select(Donation)
        # What the wall shows, not the whole row (e-mail, Stripe ids, tax flags).
        .options(
            load_only(
                Donation.donor_name,
                Donation.anonymous,
                Donation.show_amount,
                Donation.amount_satang,
                Donation.state,
                Donation.message,
            )
        )
        # A fully refunded gift leaves the wall, as it leaves the donor counter.
        .where(
            Donation.campaign_id == sa.bindparam("campaign_id"),
            Donation.state.in_(
                sa.bindparam("wall_states", list(WALL_STATES), expanding=True, literal_execute=True)
            ),
        )
        .order_by(Donation.id.desc())
    )


def donor_wall_section(campaign: Campaign, **_page) -> dict:
    return {
        # The wall lists every paid gift not refunded in full, which is what the counter counts.
        "donor_wall": paginate(
            donor_wall_query(),
            WALL_PAGE_SIZE,
            total=campaign.donor_count,
            params={"campaign_id": campaign.id},
        ),
        "giving_enabled": online_giving_enabled(),
        "accepts_gifts": campaign.accepts_gifts(utcnow()),
    }


def _render_form(
    campaign: Campaign,
    form: DonationForm,
    status: int = 200,
    problem: str = "",
    *,
    ends_too_soon: str = "",
    recent=None,
):
    return (
        render_template(
            "payments/give.html",
            campaign=campaign,
            form=form,
            giving_enabled=online_giving_enabled(),
            accepts_gifts=campaign.accepts_gifts(utcnow()),
            problem=problem,
            ends_too_soon=ends_too_soon,
            recent_gift=recent,
            **values_from(give_page, campaign),
        ),
        status,
        NO_STORE,
    )


def _prefill_amount(form: DonationForm, text: str) -> None:
    """``?amount=<satang>`` (a preset link, or "try again" after a failed payment)."""
    if not text.isdigit() or len(text) > 12:
        return
    satang = int(text)
    if satang in PRESETS:
        form.preset.data = text
    elif MIN_DONATION_SATANG <= satang <= form.max_satang:
        form.preset.data = "other"
        form.custom_amount.data = satang_to_input(satang)


def _donor_email_key() -> str:
    return "give:" + normalise_email(request.form.get("email", ""))[:254]  # the form's maximum


def _too_many_gifts(limit: RequestLimit):
    """The form again, with what was typed and why nothing happened (429, nothing stored)."""
    campaign = load_public(request.view_args["campaign_id"])
    body, status, headers = _render_form(
        campaign,
        DonationForm(campaign=campaign),
        429,
        _(
            "Too many donation attempts in a short time, from here or for this e-mail address. "
            "Nothing was saved and nothing was charged. Please wait a few minutes and try again."
        ),
    )
    return current_app.make_response((body, status, headers))


@bp.route("/campaigns/<int:campaign_id>/give", methods=["GET", "POST"])
# Every post may make a pending donation and a Checkout Session: per client address, and per
# donor e-mail address from any address.
@limiter.limit(
    lambda: current_app.config["GIVE_RATE_LIMIT"], methods=["POST"], on_breach=_too_many_gifts
)
@limiter.limit(
    lambda: current_app.config["GIVE_EMAIL_RATE_LIMIT"],
    methods=["POST"],
    key_func=_donor_email_key,
    exempt_when=lambda: not request.form.get("email", "").strip(),
    on_breach=_too_many_gifts,
)
def give(campaign_id: int):
    campaign = load_public(campaign_id)
    form = DonationForm(campaign=campaign)
    if request.method == "GET":
        _prefill_amount(form, request.args.get("amount", ""))
    recent = recent_paid_gift(campaign.id)
    now = utcnow()
    if not online_giving_enabled() or not campaign.accepts_gifts(now):
        return _render_form(campaign, form, 409 if request.method == "POST" else 200)
    try:
        expires_at = checkout_expires_at(campaign, now)
    except EndsTooSoon as error:
        status = 409 if request.method == "POST" else 200
        return _render_form(campaign, form, status, ends_too_soon=str(error))
    if not form.validate_on_submit():
        return _render_form(campaign, form, 422 if request.method == "POST" else 200, recent=recent)
    if recent is not None and not form.give_again.data:
        # Back after paying shows the filled form: a second gift is asked for, never assumed.
        form.give_again.errors = [
            _('Tick "Yes, I want to give again" to make another gift, or leave this page.')
        ]
        return _render_form(campaign, form, 409, recent=recent)
    try:
        donation = start_donation(
            campaign,
            amount_satang=form.amount_satang,
            donor_name=form.donor_name.data or "",
            email=form.email.data,
            anonymous=form.anonymous.data,
            show_amount=form.show_amount.data,
            message=form.message.data or "",
            wants_updates=form.wants_updates.data,
            locale=current_language(),
        )
    except GivingClosed:
        return _render_form(campaign, form, 409)
    remember_gift(donation)
    if form.wants_tax_receipt.data:
        record_tax_info(
            donation,
            full_name=form.tax_full_name.data,
            address=form.tax_address.data,
            tax_id=form.tax_id_digits,
        )
    commit_now(reason="the pending donation exists before Stripe is asked for a Checkout Session")
    try:
        session = create_checkout_session(
            donation_id=donation.id,
            amount_satang=donation.amount_satang,
            campaign_name=campaign.title,
            email=donation.email,
            # From BASE_URL, never from the request's Host header.
            success_url=external_url("giving.thanks", token=donation.token),
            cancel_url=external_url("campaigns.campaign", campaign_id=campaign.id),
            idempotency_key=donation.idempotency_key,
            locale=current_language(),
            expires_at=expires_at,
        )
    except (PaymentProviderDown, PaymentRequestRefused) as error:
        refused = isinstance(error, PaymentRequestRefused)
        current_app.logger.log(
            logging.ERROR if refused else logging.WARNING,
            "Checkout for donation %s failed: %s",
            donation.id,
            error,
        )
        mark_failed(donation, type(error).__name__)
        commit_now(reason="the donation stays marked failed though the answer is an error page")
        if refused:  # Stripe answered and refused: a fault of ours, not of the donor's
            return _render_form(
                campaign,
                form,
                502,
                _(
                    "The payment could not be started, so nothing was charged. "
                    "Please try again later."
                ),
            )
        return _render_form(
            campaign,
            form,
            503,
            _(
                "The payment service did not answer, so nothing was charged. "
                "Please try again in a minute."
            ),
        )
    attach_session(donation, session.id)
    return redirect(session.url, code=303)


@bp.get("/donations/<token:token>/thanks")
def thanks(token: str):
    donation = db.session.scalar(sa.select(Donation).where(Donation.token == token))
    if donation is None:
        abort(404)
    return render_template(
        "payments/thanks.html",
        donation=donation,
        campaign=donation.campaign,
        processing=donation.state == DonationState.PENDING,
        failed=donation.state in (DonationState.FAILED, DonationState.EXPIRED),
        **values_from(thanks_page, donation),
    )
