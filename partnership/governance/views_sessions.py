"""Pages of assemblies and public sessions: the assemblies with their sittings, proposals and
adopted resolutions; a public session's page where anyone registers; the registrant's cancel
link; staff's session details and list of registrations (with its CSV)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.exports import Column, Kind, download
from ..core.unit_of_work import discard_changes
from ..db_types import utcnow
from ..extensions import db, limiter
from ..i18n import current_language, to_bangkok
from ..permissions import staff_required
from ..registry.provinces import get_province
from . import sessions as services
from .access import can_view_meeting
from .forms_sessions import CancelRegistrationForm, PublicSessionForm, RegistrationForm
from .models import Meeting
from .sessions import PublicSession, RegistrationState, SessionRefused

bp = Blueprint("governance_sessions", __name__, url_prefix="/governance")


@bp.app_template_global("public_session_of")
def public_session_of(meeting: Meeting) -> PublicSession | None:
    """The meeting's public session, for the meeting page (one query)."""
    return services.session_of_meeting(meeting.id)


# Assemblies ----------------------------------------------------------------------------------


@bp.get("/assemblies")
def assemblies():
    """National assemblies, then provincial ones by province, with their public sittings, policy
    proposals and adopted resolutions (a fixed number of queries)."""
    bodies = services.assemblies()
    sittings = services.public_sittings([b.id for b in bodies])
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
        adopted=services.adopted,
    )


# Public sessions -----------------------------------------------------------------------------


@bp.get("/sessions/")
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


@bp.get("/sessions/<int:session_id>")
def session(session_id: int):
    """A public session: when, the live streams, places left, and the registration form."""
    return _render_session(_session_or_404(session_id), RegistrationForm(formdata=None))


def _too_many_registrations(_limit):
    """The form again, with what was typed and why nothing happened (429, nothing stored)."""
    found = _session_or_404(request.view_args["session_id"])
    flash(
        _("Too many registrations in a short time from here or for this e-mail address. "
          "Nothing was saved. Please wait a few minutes and try again."),
        "error",
    )
    body, _status = _render_session(found, RegistrationForm())
    return current_app.make_response((body, 429))


def _email_key() -> str:
    return "session-mail:" + (request.form.get("email") or "").strip().lower()


@bp.post("/sessions/<int:session_id>/register")
# Each post may send a mail: per client address, and per e-mail address from anywhere.
@limiter.limit(
    lambda: current_app.config.get("SESSION_REGISTER_RATE_LIMIT", "10 per minute"),
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
            _("You are registered. The link to the meeting and a calendar event are on their "
              "way to %(email)s.", email=result.registration.email),
            "success",
        )
    else:
        flash(
            _("All places are taken: you are number %(position)d on the waiting list. We will "
              "e-mail %(email)s if a place becomes free.", position=result.position,
              email=result.registration.email),
            "warning",
        )
    return redirect(url_for(".session", session_id=session_id), 303)


@bp.route("/sessions/cancel/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("SESSION_CANCEL_RATE_LIMIT", "30 per minute"))
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


# Staff -------------------------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/session", methods=["GET", "POST"])
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


@bp.get("/sessions/<int:session_id>/registrations")
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


@bp.get("/sessions/<int:session_id>/registrations.<any(csv, xlsx):fmt>")
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


__all__ = ["bp", "RegistrationState"]
