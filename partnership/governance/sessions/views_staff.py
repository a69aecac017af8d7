"""Staff's pages of public sessions: a meeting's public session (add, change) and the list of
its registrations with the counts, as a page and as CSV / Excel."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...core.exports import Column, Kind, download
from ...core.unit_of_work import discard_changes
from ...db_types import utcnow
from ...extensions import db
from ...i18n import to_bangkok
from ...permissions import staff_required
from ..models import Meeting
from . import services
from .forms import PublicSessionForm
from .models import PublicSession, RegistrationState
from .services import SessionRefused

bp = Blueprint("governance_sessions_staff", __name__, url_prefix="/staff/sessions")


def _session_or_404(session_id: int) -> PublicSession:
    return db.get_or_404(PublicSession, session_id)


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@staff_required
def edit_session(meeting_id: int):
    """Staff give a meeting its public session, or change it."""
    meeting = db.get_or_404(Meeting, meeting_id)
    existing = services.session_of_meeting(meeting.id)
    form = PublicSessionForm()
    if request.method == "GET":
        if existing is not None:
            form.fill_from(existing)
        else:
            form.capacity.data = 500
            form.title_th.data = meeting.title_th
            form.title_en.data = meeting.title_en
    if form.validate_on_submit():
        try:
            if existing is None:
                existing = services.create_session(meeting, form.values(), current_user)
                flash(_("The public session is added."), "success")
            else:
                services.update_session(existing, form.values())
                flash(_("The public session is saved."), "success")
        except SessionRefused as refused:
            discard_changes()
            flash(refused.user_message(), "error")
            return render_template(
                "governance/session_form.html", meeting=meeting, session=existing, form=form
            ), 409
        return redirect(url_for(".registrations", session_id=existing.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "governance/session_form.html", meeting=meeting, session=existing, form=form
    ), status


@bp.get("/<int:session_id>/registrations")
@staff_required
def registrations(session_id: int):
    """Who registered, in order, with the counts."""
    found = _session_or_404(session_id)
    rows = services.registrations_of(found)
    return render_template(
        "governance/session_registrations.html",
        session=found,
        rows=rows,
        positions=services.positions_of(rows),
        counts=services.counts(found),
        labels={state.value: state.label for state in RegistrationState},
    )


REGISTRATION_COLUMNS = [
    Column(_l("Name"), lambda r: r[0].name),
    Column(_l("E-mail address"), lambda r: r[0].email),
    Column(_l("Organisation"), lambda r: r[0].organisation),
    Column(_l("State"), lambda r: r[0].state),
    Column(_l("Waiting list position"), lambda r: r[1], Kind.INT),
    Column(_l("Registered (Bangkok time)"), lambda r: r[0].registered_at, Kind.DATETIME),
]


@bp.get("/<int:session_id>/registrations.<any(csv, xlsx):fmt>")
@staff_required
def registrations_export(session_id: int, fmt: str):
    """The list of registrations (personal data: staff only, not kept by caches)."""
    found = _session_or_404(session_id)
    rows = services.registrations_of(found)
    positions = services.positions_of(rows)
    stem = f"session-{found.id}-registrations-{to_bangkok(utcnow()):%Y%m%d}"
    return download(
        fmt,
        REGISTRATION_COLUMNS,
        [(r, positions.get(r.id)) for r in rows],
        stem,
        _("Registrations"),
    )
