"""The pages of minutes: the public list of published minutes, a meeting's minutes (read,
printed, as PDF), and the secretary's steps (start the draft, edit, circulate, approve at a
later meeting)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms import StringField
from wtforms.validators import Length, Optional

from ...core.forms import BaseForm, QueryForm
from ...core.pagination import paginate
from ...core.unit_of_work import discard_changes, refusal_returns_to
from ...db_types import utcnow
from ...extensions import db
from ...permissions import require
from ..access import can_record, can_view_meeting
from ..models import AgendaItem, Attendance, Meeting
from .forms import ApproveForm, MinutesForm
from .models import Minutes, MinutesState
from .queries import history, published_minutes
from .services import (
    MinutesRefused,
    approval_items,
    approve,
    circulate,
    edit_minutes,
    minutes_of,
    start_minutes,
    suggested_item,
)

#: Under /governance like the body and meeting pages it extends (no prefix of its own: the
#: governance blueprint holds /governance).
bp = Blueprint("governance_minutes", __name__)


class SearchForm(QueryForm):
    q = StringField(validators=[Optional(), Length(max=100)])


@bp.get("/governance/minutes")
def published():
    """Every published set of minutes (approved, of a public meeting), newest meeting first."""
    form = SearchForm(request.args)
    form.validate()
    search = form.value("q")
    page = paginate(published_minutes(search=search), per_page=20)
    return render_template("governance/minutes_list.html", page=page, form=form, search=search)


def _meeting(meeting_id: int) -> Meeting:
    """The meeting, or 404 for a visitor who may not see it."""
    meeting = db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.body),
            joinedload(Meeting.chair),
            selectinload(Meeting.agenda).joinedload(AgendaItem.resolution),
            selectinload(Meeting.attendance).joinedload(Attendance.member),
        )
    )
    if meeting is None or not can_view_meeting(current_user, meeting):
        abort(404)
    return meeting


def _visible_minutes(meeting_id: int) -> tuple[Meeting, Minutes]:
    """The meeting and its minutes, or 404 unless the visitor may read them."""
    meeting = _meeting(meeting_id)
    minutes = minutes_of(meeting.id)
    if minutes is None or not minutes.can_view(current_user):
        abort(404)
    return meeting, minutes


def _recorded(meeting_id: int) -> tuple[Meeting, Minutes]:
    """For the secretary's steps: the meeting and its minutes; 401/403 for anyone else."""
    meeting = _meeting(meeting_id)
    require(can_record(current_user, meeting.body))
    minutes = minutes_of(meeting.id)
    if minutes is None:
        abort(404)
    refusal_returns_to(url_for(".minutes", meeting_id=meeting.id))
    return meeting, minutes


@bp.get("/governance/meetings/<int:meeting_id>/minutes")
def minutes(meeting_id: int):
    """The minutes: their state, their text, who approved them where, their history."""
    meeting = _meeting(meeting_id)
    found = minutes_of(meeting.id)
    recorder = can_record(current_user, meeting.body)
    if found is None:
        if not recorder:
            abort(404)
    elif not found.can_view(current_user):
        abort(404)
    approval_meeting = found.approval.agenda_item.meeting if found and found.approval else None
    return render_template(
        "governance/minutes.html",
        meeting=meeting,
        minutes=found,
        can_record=recorder,
        events=history(found) if found is not None and recorder else [],
        approval_meeting=approval_meeting,
        approval_visible=approval_meeting is not None
        and can_view_meeting(current_user, approval_meeting),
        form=BaseForm(),
    )


@bp.post("/governance/meetings/<int:meeting_id>/minutes/start")
def start(meeting_id: int):
    """Start the minutes from the default draft made of the meeting's record."""
    meeting = _meeting(meeting_id)
    require(can_record(current_user, meeting.body))
    refusal_returns_to(url_for(".minutes", meeting_id=meeting.id))
    if not BaseForm().validate_on_submit():
        abort(400)
    start_minutes(meeting, current_user)
    flash(_("The draft minutes were made from the meeting's record: check and complete them."),
          "success")  # fmt: skip
    return redirect(url_for(".edit", meeting_id=meeting.id), 303)


@bp.route("/governance/meetings/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
def edit(meeting_id: int):
    """The secretary edits the text while the minutes are not approved."""
    meeting, found = _recorded(meeting_id)
    if not found.is_editable:
        raise MinutesRefused(_("These minutes have been approved and are locked: they cannot be "
                               "changed."))  # fmt: skip
    form = MinutesForm(obj=found)
    if form.validate_on_submit():
        try:
            edit_minutes(
                found,
                current_user,
                text_th=form.text_th.data,
                text_en=form.text_en.data or "",
                revision=form.revision.data,
                reason=form.reason.data or "",
            )
        except MinutesRefused as refused:
            discard_changes()
            if not minutes_of(meeting.id).is_editable:
                raise
            form.text_th.errors = [*form.text_th.errors, refused.user_message()]
        else:
            flash(_("The minutes were saved."), "success")
            return redirect(url_for(".minutes", meeting_id=meeting.id), 303)
    return render_template("governance/minutes_edit.html", meeting=meeting, minutes=found,
                           form=form)  # fmt: skip


@bp.post("/governance/meetings/<int:meeting_id>/minutes/circulate")
def circulate_minutes(meeting_id: int):
    """Mail the draft to the members (each once) for them to read."""
    meeting, found = _recorded(meeting_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    sent = circulate(found, current_user)
    flash(ngettext("The draft minutes were sent to %(num)d member.",
                   "The draft minutes were sent to %(num)d members.", sent), "success")  # fmt: skip
    return redirect(url_for(".minutes", meeting_id=meeting.id), 303)


@bp.route("/governance/meetings/<int:meeting_id>/minutes/approve", methods=["GET", "POST"])
def approve_minutes(meeting_id: int):
    """Record the later meeting's approval: its item's resolution, then lock the minutes."""
    meeting, found = _recorded(meeting_id)
    if found.state is not MinutesState.CIRCULATED:
        raise MinutesRefused(_("Only circulated minutes can be approved."))
    items = approval_items(found)
    form = ApproveForm(items=items)
    if not form.is_submitted():
        suggested = suggested_item(found, items)
        if suggested is not None:
            form.item_id.data = suggested.id
    if form.validate_on_submit():
        item = next(i for i in items if i.id == form.item_id.data)
        resolution = approve(
            found,
            item,
            current_user,
            outcome=form.outcome_value,
            text_th=form.text_th.data or "",
            text_en=form.text_en.data or "",
        )
        flash(_("The minutes were approved at meeting %(number)s and are now locked.",
                number=item.meeting.number_label), "success")  # fmt: skip
        return redirect(url_for("governance.resolution", resolution_id=resolution.id), 303)
    return render_template("governance/minutes_approve.html", meeting=meeting, minutes=found,
                           form=form, items=items)  # fmt: skip


@bp.get("/governance/meetings/<int:meeting_id>/minutes/print")
def printable(meeting_id: int):
    """The minutes as a page to print (no navigation, A4 margins)."""
    meeting, found = _visible_minutes(meeting_id)
    return render_template("governance/minutes_print.html", meeting=meeting, minutes=found,
                           approval_meeting=found.approval.agenda_item.meeting
                           if found.approval else None)  # fmt: skip


@bp.get("/governance/meetings/<int:meeting_id>/minutes-<any(th, en):doc_lang>.pdf")
def pdf(meeting_id: int, doc_lang: str):
    """The minutes as PDF, in Thai or in English (Thai words never broken across lines)."""
    meeting, found = _visible_minutes(meeting_id)
    from .pdf import minutes_pdf  # typesetting loads with the first PDF, not at start

    body = minutes_pdf(found, doc_lang, utcnow())
    name = f"minutes-{meeting.number}-{meeting.year_be}-{doc_lang}.pdf"
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    if not (found.is_published and meeting.is_public):
        response.headers["Cache-Control"] = "private, no-store"
    return response


# For the meeting's and the body's pages ---------------------------------------------------------


@bp.app_template_global("visible_minutes")
def visible_minutes(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes if the visitor may read them (for the meeting page's card)."""
    found = minutes_of(meeting.id)
    if found is None or not found.can_view(current_user):
        return None
    return found


@bp.app_template_global("may_start_minutes")
def may_start_minutes(meeting: Meeting) -> bool:
    return meeting.state.value == "held" and can_record(current_user, meeting.body)


@bp.app_template_global("meeting_visible")
def meeting_visible(meeting: Meeting) -> bool:
    """Whether the visitor may open the meeting (a members-only approval is named, not linked)."""
    return can_view_meeting(current_user, meeting)
