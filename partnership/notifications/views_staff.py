"""Staff → E-mail: every message the app queued, its state, attempts and last error."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional

from ..core.forms import BaseForm, QueryForm
from ..core.pagination import paginate
from ..core.unit_of_work import discard_changes
from ..extensions import db
from ..permissions import staff_required
from .models import MailState, OutgoingMail
from .services import retry_now

bp = Blueprint("notifications", __name__)


class MailFilterForm(QueryForm):
    state = SelectField(_l("State"), choices=[], validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [("", _l("All states"))] + MailState.choices()


class RetryForm(BaseForm):
    """The "retry now" button (its CSRF token)."""


@bp.get("/staff/mail")
@staff_required
def outgoing_mail():
    form = MailFilterForm(request.args)
    form.validate()
    state = form.value("state")
    query = sa.select(OutgoingMail).order_by(OutgoingMail.id.desc())
    if state:
        query = query.where(OutgoingMail.state == MailState(state))
    counts = dict(
        db.session.execute(
            sa.select(OutgoingMail.state, sa.func.count()).group_by(OutgoingMail.state)
        ).all()
    )
    return render_template(
        "notifications/mail.html",
        page=paginate(query),
        form=form,
        counts=counts,
        retry_form=RetryForm(),
        retryable={MailState.QUEUED, MailState.FAILED},
    )


@bp.post("/staff/mail/<int:mail_id>/retry")
@staff_required
def retry(mail_id: int):
    mail = db.get_or_404(OutgoingMail, mail_id)
    if RetryForm().validate_on_submit() and retry_now(mail):
        flash(_("The message is due now."), "success")
    else:
        discard_changes()
        flash(_("This message is being sent or has gone out; nothing was changed."), "error")
    return redirect(url_for(".outgoing_mail", state=request.args.get("state", "")[:20] or None))
