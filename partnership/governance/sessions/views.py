"""Public pages of assemblies and public sessions: the assemblies with their sittings, proposals
and adopted resolutions; a public session's page where anyone registers; the registrant's
cancel link (staff's pages are in ``views_staff.py``)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.unit_of_work import discard_changes
from ...db_types import utcnow
from ...extensions import db, limiter
from ...i18n import current_language
from ...registry.provinces import get_province
from .. import assemblies as assembly_queries
from ..access import can_view_meeting
from ..models import Meeting
from . import services
from .forms import CancelRegistrationForm, RegistrationForm
from .models import PublicSession
from .services import SessionRefused

# Paths under /governance, beside the governance blueprint's (no prefix of its own: the
# governance blueprint holds /governance).
bp = Blueprint("governance_sessions", __name__)


@bp.app_template_global("public_session_of")
def public_session_of(meeting: Meeting) -> PublicSession | None:
    """The meeting's public session, for the meeting page (one query)."""
    return services.session_of_meeting(meeting.id)


# Assemblies ----------------------------------------------------------------------------------


@bp.get("/governance/assemblies")
def assemblies():
    """National assemblies, then provincial ones by province, with their public sittings, policy
    proposals and adopted resolutions (a fixed number of queries)."""
    bodies = assembly_queries.assemblies()
    sittings = assembly_queries.public_sittings([b.id for b in bodies])
    lang = current_language()
    provinces = {}
    for body in bodies:
        if body.province_code:
            found = get_province(body.province_code)
            if found is not None:
                provinces[body.id] = found.name_en if lang == "en" else found.name_th
    return render_template(
        "governance/assemblies.html",
        bodies=bodies,
        sittings=sittings,
        provinces=provinces,
        adopted=assembly_queries.adopted,
    )


# Public sessions -----------------------------------------------------------------------------


@bp.get("/governance/sessions/")
def sessions():
    """The public sessions to come (anyone may register)."""
    return render_template("governance/sessions.html", sessions=services.coming_sessions())


def _session_or_404(session_id: int) -> PublicSession:
    found = db.session.get(PublicSession, session_id)
    if found is None:
        abort(404)
    return found


def _render_session(session: PublicSession, form: RegistrationForm, status: int = 200):
    return (
        render_template(
            "governance/session.html",
            session=session,
            form=form,
            open=session.registration_open(),
            meeting_visible=can_view_meeting(current_user, session.meeting),
            now=utcnow(),
        ),
        status,
    )


@bp.get("/governance/sessions/<int:session_id>")
def session(session_id: int):
    """A public session: when, the live streams, places left, and the registration form."""
    return _render_session(_session_or_404(session_id), RegistrationForm(formdata=None))


def _too_many_registrations(_limit):
    """The form again, with what was typed and why nothing happened (429, nothing stored)."""
    found = _session_or_404(request.view_args["session_id"])
    flash(
        _(
            "Too many registrations in a short time from here or for this e-mail address. "
            "Nothing was saved. Please wait a few minutes and try again."
        ),
        "error",
    )
    body, _status = _render_session(found, RegistrationForm())
    return current_app.make_response((body, 429))


def _email_key() -> str:
    return "session-mail:" + (request.form.get("email") or "").strip().lower()


@bp.post("/governance/sessions/<int:session_id>/register")
# Each post may send a mail: per client address, and per e-mail address from anywhere.
@limiter.limit(
    lambda: current_app.config["SESSION_REGISTER_RATE_LIMIT"],
    on_breach=_too_many_registrations,
)
@limiter.limit(
    lambda: current_app.config.get("MAIL_RATE_LIMIT", "5 per hour"),
    key_func=_email_key,
    exempt_when=lambda: not request.form.get("email", "").strip(),
    on_breach=_too_many_registrations,
)
def register(session_id: int):
    """Anyone registers: a place if one is left, else the waiting list; a mail either way."""
    found = _session_or_404(session_id)
    form = RegistrationForm()
    if not found.registration_open():
        flash(_("Registration for this session is closed."), "error")
        return _render_session(found, form, 409)
    if not form.validate_on_submit():
        return _render_session(found, form, 422)
    try:
        result = services.register(
            found,
            name=form.name.data,
            email=form.email.data,
            organisation=form.organisation.data or "",
            locale=current_language(),
        )
    except SessionRefused as refused:
        discard_changes()
        form.email.errors = [refused.user_message()]
        return _render_session(db.session.get(PublicSession, session_id), form, 409)
    if result.position is None:
        flash(
            _(
                "You are registered. The link to the meeting and a calendar event are on their "
                "way to %(email)s.",
                email=result.registration.email,
            ),
            "success",
        )
    else:
        flash(
            _(
                "All places are taken: you are number %(position)d on the waiting list. We will "
                "e-mail %(email)s if a place becomes free.",
                position=result.position,
                email=result.registration.email,
            ),
            "warning",
        )
    return redirect(url_for(".session", session_id=session_id), 303)


@bp.route("/governance/sessions/cancel/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SESSION_CANCEL_RATE_LIMIT"])
def cancel(token: str):
    """The link in the mail: shows the registration and a button (the GET changes nothing)."""
    registration = services.registration_by_token(token)
    if registration is None:
        abort(404)
    form = CancelRegistrationForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        services.cancel(registration)
        flash(_("Your registration is cancelled. Thank you for freeing the place."), "success")
        return redirect(url_for(".session", session_id=registration.session_id), 303)
    return render_template(
        "governance/session_cancel.html",
        registration=registration,
        session=registration.session,
        position=services.waiting_position(registration),
        form=form,
        token=token,
    )
