"""Staff pages: donations (search, filters, exports), one donation with its refunds, and Stripe
events we could not match."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.mfa.policy import step_up_required
from ..campaigns.services import campaign_balance
from ..core.downloads import private_download
from ..core.forms import BaseForm
from ..core.pagination import paginate
from ..core.unit_of_work import commit_now, refusal_returns_to
from ..db_types import utcnow
from ..extensions import db
from ..permissions import staff_required
from .client import online_giving_enabled
from .donations import lock_donation
from .models import (
    KEPT_OUTCOMES,
    UNANSWERED,
    Donation,
    DonationRefund,
    EventNote,
    EventOutcome,
    RefundCause,
    RefundRequest,
    StripeEvent,
)
from .refund_form import RefundForm
from .refund_requests import (
    claim_request,
    pending_requests,
    refundable_satang,
    request_refund,
    send_refund,
)
from .search import (
    DonationSearchForm,
    campaign_choices,
    csv_stream,
    page_query,
    search_query,
    xlsx_download,
)
from .unmatched import mark_handled, notes_for, reapply

bp = Blueprint("payments_staff", __name__, url_prefix="/staff/payments")


def _search() -> tuple[DonationSearchForm, sa.Select]:
    form = DonationSearchForm(request.args, campaigns=campaign_choices())
    form.validate()
    return form, search_query(**form.filters())


@bp.get("/donations")
@staff_required
def donations():
    form, query = _search()
    return render_template(
        "payments/staff_donations.html",
        page=paginate(page_query(query)),
        form=form,
        export_args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.get("/donations.csv")
@staff_required
@step_up_required
def donations_csv():
    _form, query = _search()
    name = f"donations-{utcnow():%Y%m%d}.csv"
    return private_download(csv_stream(current_app._get_current_object(), query), "text/csv", name)


@bp.get("/donations.xlsx")
@staff_required
@step_up_required
def donations_xlsx():
    _form, query = _search()
    return xlsx_download(query, f"donations-{utcnow():%Y%m%d}.xlsx")


class ReapplyForm(BaseForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])


class HandledForm(BaseForm):
    note = TextAreaField(
        _l("What was done about it"), validators=[DataRequired(), Length(max=1000)]
    )


@bp.get("/events")
@staff_required
def events():
    noted = sa.select(EventNote.stripe_event_id)
    query = (
        sa.select(StripeEvent)
        .where(sa.or_(StripeEvent.outcome.in_(KEPT_OUTCOMES), StripeEvent.id.in_(noted)))
        .order_by(StripeEvent.id.desc())
    )
    page = paginate(query)
    return render_template(
        "payments/staff_events.html",
        page=page,
        notes=notes_for([e.id for e in page.items]),
        reapply_form=ReapplyForm(prefix="r"),
        handled_form=HandledForm(prefix="h"),
        unmatched=EventOutcome.UNMATCHED,
    )


@bp.post("/events/<int:event_id>/reapply")
@staff_required
@step_up_required
def reapply_event(event_id: int):
    row = db.get_or_404(StripeEvent, event_id)
    form = ReapplyForm(prefix="r")
    if not form.validate_on_submit():
        flash(_("The note is too long."), "error")
        return redirect(url_for(".events"))
    refusal_returns_to(url_for(".events"))
    donation_id = reapply(row, current_user, form.note.data or "")
    flash(_("The event is applied to donation %(id)d.", id=donation_id), "success")
    return redirect(url_for(".events"))


@bp.post("/events/<int:event_id>/handled")
@staff_required
def handled_event(event_id: int):
    row = db.get_or_404(StripeEvent, event_id)
    form = HandledForm(prefix="h")
    if not form.validate_on_submit():
        flash(_("Say what was done about it (at most 1,000 characters)."), "error")
        return redirect(url_for(".events"))
    refusal_returns_to(url_for(".events"))
    mark_handled(row, current_user, form.note.data)
    flash(_("Marked handled."), "success")
    return redirect(url_for(".events"))


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
    form = RefundForm(
        refundable_satang=refundable_satang(donation),
        balance_satang=campaign_balance(donation.campaign_id),
    )
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
        return redirect(url_for("payments_staff.donation", donation_id=donation.id), 303)
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
    return redirect(url_for("payments_staff.donation", donation_id=donation.id), 303)


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
    return redirect(url_for("payments_staff.donation", donation_id=donation.id), 303)
