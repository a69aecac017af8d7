"""The staff page of one donation: what happened to it, and a refund through Stripe."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.mfa.policy import step_up_required
from ..core.unit_of_work import commit_now
from ..extensions import db
from ..permissions import staff_required
from .client import online_giving_enabled
from .donations import lock_donation
from .models import Donation, DonationRefund
from .refund_form import RefundForm
from .refund_requests import (
    UNANSWERED,
    RefundCause,
    RefundRequest,
    claim_request,
    pending_requests,
    refundable_satang,
    request_refund,
    send_refund,
)

bp = Blueprint("donation_staff", __name__, url_prefix="/staff/payments")


def _page(donation: Donation, form: RefundForm, status: int = 200):
    requests_ = db.session.scalars(
        sa.select(RefundRequest)
        .where(RefundRequest.donation_id == donation.id)
        .order_by(RefundRequest.id)
    ).all()
    refunds = db.session.scalars(
        sa.select(DonationRefund)
        .where(DonationRefund.donation_id == donation.id)
        .order_by(DonationRefund.id)
    ).all()
    return (
        render_template(
            "payments/staff_donation.html",
            donation=donation,
            form=form,
            refund_requests=requests_,
            refunds=refunds,
            pending=pending_requests(donation),
            refundable=refundable_satang(donation),
            refund_problem=_cannot_refund(donation),
        ),
        status,
    )


def _cannot_refund(donation: Donation) -> str:
    """Why no refund can be asked now (nothing is stored then), or ""."""
    if not online_giving_enabled():
        return _("Online payments are not configured: no refund can be sent.")
    if not donation.payment_intent_id:
        return _("Stripe has not told us this payment's id yet; refund it in the Stripe Dashboard.")
    if pending_requests(donation):
        return _("A refund is pending: wait for Stripe's answer.")
    return ""


@bp.route("/donations/<int:donation_id>", methods=["GET", "POST"])
@staff_required
@step_up_required(methods=("POST",))
def donation(donation_id: int):
    donation = db.get_or_404(Donation, donation_id)
    if request.method == "GET":
        form = RefundForm(refundable_satang=refundable_satang(donation))
        form.nonce.data = secrets.token_hex(16)
        return _page(donation, form)
    # Two staff refunding at once take turns here: the second sees the first's request.
    donation = lock_donation(donation.id)
    form = RefundForm(refundable_satang=refundable_satang(donation))
    problem = _cannot_refund(donation)
    if problem:
        form.form_errors.append(problem)
        return _page(donation, form, 409)
    if not form.validate_on_submit():
        return _page(donation, form, 422)
    row = request_refund(
        donation,
        form.amount_satang,
        cause=RefundCause.STAFF,
        key=f"staff-refund-{donation.id}-{form.nonce.data}",
        actor=current_user,
        reason=form.reason.data or "",
    )
    if row is None:
        flash(_("This refund was already requested."), "info")
        return redirect(url_for("donation_staff.donation", donation_id=donation.id), 303)
    commit_now(reason="the refund request exists, claimed, before Stripe is asked")
    answered = send_refund(row)
    if not answered:
        flash(
            _("Stripe did not answer. Ask again later: the same request is sent, never a second."),
            "info",
        )
    elif row.status == "refused":
        flash(_("Stripe refused the refund: %(error)s", error=row.error), "error")
    else:
        flash(_("The refund is requested. It is pending until Stripe confirms it."), "success")
    return redirect(url_for("donation_staff.donation", donation_id=donation.id), 303)


@bp.post("/donations/<int:donation_id>/retry")
@staff_required
@step_up_required
def retry(donation_id: int):
    """Send again, with their own keys, the requests Stripe did not answer."""
    donation = db.get_or_404(Donation, donation_id)
    unanswered = [r for r in pending_requests(donation) if r.status == UNANSWERED]
    if unanswered and online_giving_enabled():
        claimed = [row for row in unanswered if claim_request(row)]
        commit_now(reason="another click finds them claimed and leaves them to this one")
        answered = all([send_refund(row) for row in claimed])
        if answered:
            flash(_("Stripe answered. The refund is pending until Stripe confirms it."), "success")
        else:
            flash(_("Stripe did not answer. Ask again later."), "info")
    return redirect(url_for("donation_staff.donation", donation_id=donation.id), 303)
