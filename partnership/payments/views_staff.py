"""Staff pages: donations (search, filters, exports) and Stripe events we could not match."""

from __future__ import annotations

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
from ..core.downloads import private_download
from ..core.forms import BaseForm
from ..core.pagination import paginate
from ..db_types import utcnow
from ..extensions import db
from ..notifications.services import commit_and_send
from ..permissions import staff_required
from .models import KEPT_OUTCOMES, EventOutcome, StripeEvent
from .search import (
    DonationSearchForm,
    campaign_choices,
    csv_stream,
    page_query,
    search_query,
    xlsx_download,
)
from .unmatched import EventNotActionable, EventNote, mark_handled, notes_for, reapply

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
    try:
        donation_id = reapply(row, current_user, form.note.data or "")
    except EventNotActionable:
        db.session.rollback()
        flash(
            _("This event still names no donation we know, or it was dealt with already."),
            "error",
        )
    else:
        commit_and_send()
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
    try:
        mark_handled(row, current_user, form.note.data)
    except EventNotActionable:
        db.session.rollback()
        flash(_("This event was dealt with already."), "error")
    else:
        commit_and_send()
        flash(_("Marked handled."), "success")
    return redirect(url_for(".events"))
