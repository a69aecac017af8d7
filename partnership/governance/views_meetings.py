"""Running meetings: staff schedule, change and cancel them; the body's secretary (or staff)
sets the agenda and its papers, sends the invitations, takes the attendance, marks the meeting
held and records its resolutions. Everyone who may see a meeting gets its ``.ics`` file and
its papers; a members-only meeting's stay hidden (404) from everyone else."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..core.forms import BaseForm
from ..core.storage import send_private
from ..core.unit_of_work import Refused, discard_changes, refusal_returns_to
from ..db_types import utcnow
from ..extensions import db
from ..i18n import current_language, to_bangkok
from ..permissions import staff_required
from ..registry.models import Organisation
from . import meetings, services
from .access import can_manage, can_record, can_view_meeting
from .agenda_files import attach_paper, papers_of
from .forms_meetings import (
    AgendaItemForm,
    MeetingForm,
    ObserverForm,
    PaperForm,
    ResolutionForm,
    attendance_form,
)
from .meeting_loaders import (
    load_meeting,
    recordable_item,
    recordable_meeting,
    viewable_meeting,
)
from .models import (
    AgendaAttachment,
    AgendaItem,
    AttendanceStatus,
    Body,
    BodyMember,
    Meeting,
    MeetingState,
    Outcome,
    Resolution,
)
from .services import GovernanceRefused

bp = Blueprint("governance_meetings", __name__, url_prefix="/governance/meetings")


def _members_for_chair(body: Body, meeting: Meeting | None = None) -> list[BodyMember]:
    day = to_bangkok(meeting.starts_at).date() if meeting else to_bangkok(utcnow()).date()
    return services.members_on(body.id, day)


def _chair_of(form: MeetingForm, members: list[BodyMember]) -> BodyMember | None:
    return next((m for m in members if m.id == form.chair.data), None)


def _flash_refusal(error: Refused) -> int:
    """A refusal shown on the page the form came from (a file's problem names the file); the
    status of the page shown again."""
    discard_changes()
    first = error.args[0] if error.args else None
    flash(str(first) if first is not None else error.user_message(), "error")
    return 422


@bp.app_template_global()
def meeting_tools(meeting: Meeting) -> SimpleNamespace:
    """What the meeting page shows of running it: the papers per item, who may do what, how
    many members have their invitation (one query each, whatever the agenda's length)."""
    rows = [r for r in meeting.attendance if r.member_id is not None]
    sent = [r.invited_at for r in rows if r.invited_at is not None]
    return SimpleNamespace(
        last_sent=max(sent).isoformat() if sent else "",
        papers=papers_of(item.id for item in meeting.agenda),
        can_manage=can_manage(current_user),
        can_record=can_record(current_user, meeting.body),
        invited=sum(1 for r in rows if r.invited_at is not None),
        members=len(rows),
    )


# Scheduling ----------------------------------------------------------------------------------


@bp.route("/new/<int:body_id>", methods=["GET", "POST"])
@staff_required
def schedule(body_id: int):
    """Staff schedule a body's next meeting; it is numbered within its Buddhist-era year."""
    body = db.get_or_404(Body, body_id)
    members = _members_for_chair(body)
    form = MeetingForm(members=members)
    status = 200
    if form.validate_on_submit():
        try:
            meeting = services.schedule_meeting(
                body, actor=current_user, chair=_chair_of(form, members), **form.values()
            )
        except Refused as error:
            status = _flash_refusal(error)
        else:
            flash(_("Meeting %(number)s is scheduled.", number=meeting.number_label), "success")
            return redirect(url_for("governance_meetings.agenda", meeting_id=meeting.id), 303)
    return render_template("governance/meeting_form.html", body=body, meeting=None, form=form), (
        422 if form.errors else status
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(meeting_id: int):
    """Change a scheduled meeting's date, time, place, visibility, title or chair."""
    meeting = load_meeting(meeting_id)
    members = _members_for_chair(meeting.body, meeting)
    form = MeetingForm(members=members)
    status = 200
    if request.method == "GET":
        start = to_bangkok(meeting.starts_at)
        form.day.data, form.starts.data = start.date(), start.time().replace(second=0)
        form.ends.data = to_bangkok(meeting.ends_at).time() if meeting.ends_at else None
        for name in ("title_th", "title_en", "place", "online_platform", "online_url"):
            form[name].data = getattr(meeting, name)
        form.visibility.data = meeting.visibility.value
        form.chair.data = meeting.chair_id or 0
    if meeting.state is MeetingState.SCHEDULED and form.validate_on_submit():
        try:
            meetings.update_meeting(meeting, chair=_chair_of(form, members), **form.values())
        except Refused as error:
            status = _flash_refusal(error)
        else:
            flash(_("The meeting is saved."), "success")
            return redirect(url_for("governance.meeting", meeting_id=meeting.id), 303)
    elif request.method == "POST" and meeting.state is not MeetingState.SCHEDULED:
        flash(_("Only a scheduled meeting can be changed."), "error")
        return redirect(url_for("governance.meeting", meeting_id=meeting.id), 303)
    return render_template(
        "governance/meeting_form.html",
        body=meeting.body,
        meeting=meeting,
        form=form,
        cancel_form=BaseForm(),
    ), (422 if form.errors else status)


@bp.post("/<int:meeting_id>/cancel")
@staff_required
def cancel(meeting_id: int):
    """Call the meeting off; it keeps its number."""
    meeting = load_meeting(meeting_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    refusal_returns_to(url_for("governance.meeting", meeting_id=meeting.id))
    services.cancel_meeting(meeting)
    flash(_("The meeting is cancelled; it keeps its number."), "success")
    return redirect(url_for("governance.meeting", meeting_id=meeting.id), 303)


# Agenda and papers ---------------------------------------------------------------------------


def _organisations() -> list[Organisation]:
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))


@bp.route("/<int:meeting_id>/agenda", methods=["GET", "POST"])
def agenda(meeting_id: int):
    """The agenda as the secretary builds it: the items, their papers, a form for one more."""
    meeting = recordable_meeting(meeting_id)
    form = AgendaItemForm(organisations=_organisations())
    status = 200
    if form.validate_on_submit():
        try:
            item = services.add_agenda_item(meeting, **form.values())
        except Refused as error:
            status = _flash_refusal(error)
        else:
            flash(_("Item %(number)s is on the agenda.", number=item.number), "success")
            return redirect(url_for("governance_meetings.agenda", meeting_id=meeting.id), 303)
    return render_template(
        "governance/meeting_agenda.html",
        meeting=meeting,
        form=form,
        paper_form=PaperForm(formdata=None),
        papers=papers_of(item.id for item in meeting.agenda),
        invite_form=BaseForm(),
        tools=meeting_tools(meeting),
    ), (422 if form.errors else status)


@bp.post("/items/<int:item_id>/papers")
def add_paper(item_id: int):
    """One file for an agenda item (PDF, JPEG or PNG, checked by parsing it)."""
    item = recordable_item(item_id)
    back = url_for(
        "governance_meetings.agenda", meeting_id=item.meeting_id, _anchor=f"item-{item.id}"
    )
    form = PaperForm()
    if not form.validate_on_submit():
        flash(_("The file was not added: send the form again."), "error")
        return redirect(back, 303)
    refusal_returns_to(back)
    paper = attach_paper(item, form.paper.data, actor=current_user)
    flash(_("%(name)s is attached.", name=paper.filename), "success")
    return redirect(back, 303)


@bp.get("/papers/<int:paper_id>")
def paper(paper_id: int):
    """A paper of the agenda, for whoever may see its meeting (404 for anyone else)."""
    found = db.session.scalar(
        sa.select(AgendaAttachment)
        .where(AgendaAttachment.id == paper_id)
        .options(
            joinedload(AgendaAttachment.agenda_item)
            .joinedload(AgendaItem.meeting)
            .joinedload(Meeting.body)
        )
    )
    if found is None or not can_view_meeting(current_user, found.agenda_item.meeting):
        abort(404)
    return send_private(
        found.storage_key, found.filename, content_type=found.content_type, inline=True
    )


# Invitations ---------------------------------------------------------------------------------


def _sent_until() -> datetime | None:
    """The last invitation the page showed (the "again" button's hidden field), or None."""
    raw = request.form.get("sent_until", "")
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise GovernanceRefused(
            _l("The page was out of date: reload it and press the button again.")
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _send(meeting_id: int, again: bool):
    meeting = recordable_meeting(meeting_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    refusal_returns_to(url_for("governance_meetings.agenda", meeting_id=meeting.id))
    until = _sent_until() if again else None
    sent, missing = meetings.send_invitations(meeting, again=again, sent_until=until)
    if sent:
        flash(
            ngettext("%(num)d invitation is sent.", "%(num)d invitations are sent.", sent),
            "success",
        )
    else:
        flash(_("Every member with an e-mail address already has the invitation."), "info")
    if missing:
        flash(
            ngettext(
                "%(num)d member has no e-mail address: add it to their membership.",
                "%(num)d members have no e-mail address: add it to their memberships.",
                missing,
            ),
            "warning",
        )
    return redirect(url_for("governance_meetings.agenda", meeting_id=meeting.id), 303)


@bp.post("/<int:meeting_id>/invitations")
def invite(meeting_id: int):
    """Mail the invitation and the agenda to each invited member who has not had it."""
    return _send(meeting_id, again=False)


@bp.post("/<int:meeting_id>/invitations/again")
def invite_again(meeting_id: int):
    """Mail the (changed) agenda again to every invited member: only on this explicit button."""
    return _send(meeting_id, again=True)


# Attendance ----------------------------------------------------------------------------------


def _member_rows(meeting: Meeting):
    return [r for r in meeting.attendance if r.member_id is not None]


@bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
def attendance(meeting_id: int):
    """Who came (present, absent, sent apologies), the observers, and marking it held."""
    meeting = recordable_meeting(meeting_id)
    rows = _member_rows(meeting)
    form = attendance_form(rows, formdata=request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.validate():
        statuses = {r.id: AttendanceStatus(form[f"row-{r.id}"].data) for r in rows}
        try:
            services.set_attendance(meeting, statuses)
        except Refused as error:
            status = _flash_refusal(error)
        else:
            flash(_("The attendance is saved."), "success")
            return redirect(url_for("governance_meetings.attendance", meeting_id=meeting.id), 303)
    return render_template(
        "governance/meeting_attendance.html",
        meeting=meeting,
        rows=rows,
        form=form,
        observers=[r for r in meeting.attendance if r.member_id is None],
        observer_form=ObserverForm(formdata=None),
        held_form=BaseForm(),
        quorum=services.quorum(meeting),
    ), (422 if form.errors else status)


@bp.post("/<int:meeting_id>/observers")
def add_observer(meeting_id: int):
    meeting = recordable_meeting(meeting_id)
    back = url_for("governance_meetings.attendance", meeting_id=meeting.id)
    form = ObserverForm()
    if not form.validate_on_submit():
        flash(_("Give the observer's name."), "error")
        return redirect(back, 303)
    if meeting.state is MeetingState.CANCELLED:
        flash(_("This meeting was cancelled."), "error")
        return redirect(back, 303)
    services.add_observer(meeting, form.person_name.data, form.organisation_name.data or "")
    flash(_("The observer is added."), "success")
    return redirect(back, 303)


@bp.post("/<int:meeting_id>/held")
def held(meeting_id: int):
    """The meeting took place: its resolutions may now be recorded."""
    meeting = recordable_meeting(meeting_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    refusal_returns_to(url_for("governance_meetings.attendance", meeting_id=meeting.id))
    meetings.mark_held(meeting)
    flash(_("The meeting is marked as held."), "success")
    return redirect(url_for("governance.meeting", meeting_id=meeting.id), 303)


# Resolutions ---------------------------------------------------------------------------------


@bp.route("/items/<int:item_id>/resolution", methods=["GET", "POST"])
def resolution(item_id: int):
    """The meeting's resolution on one item; once recorded it stands (a second is refused)."""
    item = recordable_item(item_id)
    existing = db.session.scalar(sa.select(Resolution).where(Resolution.agenda_item_id == item.id))
    form = ResolutionForm()
    if form.validate_on_submit():
        refusal_returns_to(url_for("governance_meetings.resolution", item_id=item.id))
        recorded = meetings.record_resolution(
            item,
            Outcome(form.outcome.data),
            form.text_th.data,
            actor=current_user,
            text_en=form.text_en.data or "",
        )
        flash(_("The resolution is recorded."), "success")
        return redirect(url_for("governance.resolution", resolution_id=recorded.id), 303)
    return render_template(
        "governance/meeting_resolution.html",
        item=item,
        meeting=item.meeting,
        existing=existing,
        form=form,
    ), (422 if form.errors else 200)


# The calendar file ---------------------------------------------------------------------------


@bp.get("/<int:meeting_id>.ics")
def ics(meeting_id: int):
    """The meeting for a calendar (as visible as the meeting itself)."""
    meeting = viewable_meeting(meeting_id)
    body = meetings.meeting_ics(meeting, current_language())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="meeting-{meeting.body_id}-{meeting.number}-{meeting.year_be}.ics"'
    )
    if not meeting.is_public:
        response.headers["Cache-Control"] = "private, no-store"
    return response
