"""Pages of action items: give one out from a resolution (the secretary, staff), an item with
its history and its moves, the owner's "My action items", and the staff's overdue list. The
resolution page lists its items through ``resolution_action_items``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ...accounts.services import find_user
from ...core.pagination import paginate
from ...extensions import db
from ...i18n import current_language
from ...permissions import login_required, require, staff_required
from ...registry.models import Organisation
from ..access import can_view_meeting, is_member, is_staff
from ..models import AgendaItem, BodyMember, Meeting, Resolution
from . import services as actions
from .forms import ActionItemForm, MoveForm, NoteForm
from .models import ActionStatus

bp = Blueprint("governance_actions", __name__)


def resolution_action_items(resolution: Resolution) -> dict:
    """For the resolution page: its action items, and the form to add one when the visitor
    records the body's meetings (two queries, whatever the number of items)."""
    can_add = actions.can_add(current_user, resolution)
    items = actions.of_resolution(resolution.id)
    body = resolution.agenda_item.meeting.body
    insider = current_user.is_authenticated and (
        is_staff(current_user) or is_member(current_user, body)
    )
    return {
        "items": items,
        "can_add": can_add,
        "today": actions.bangkok_today(),
        "form": _form(resolution) if can_add else None,
        # The items whose page (with its notes) the visitor may open.
        "openable": {a.id for a in items if insider or actions.is_owner(a, current_user)},
    }


def _resolution(resolution_id: int) -> Resolution:
    found = db.session.scalar(
        sa.select(Resolution)
        .where(Resolution.id == resolution_id)
        .options(
            joinedload(Resolution.agenda_item)
            .joinedload(AgendaItem.meeting)
            .joinedload(Meeting.body)
        )
    )
    if found is None or not can_view_meeting(current_user, found.agenda_item.meeting):
        abort(404)
    return found


def _form(resolution: Resolution) -> ActionItemForm:
    body = resolution.agenda_item.meeting.body
    organisations = db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all()
    return ActionItemForm(
        members=actions.possible_owners(body, actions.bangkok_today()),
        organisations=organisations,
        lang=current_language(),
    )


@bp.route("/governance/resolutions/<int:resolution_id>/actions/new", methods=["GET", "POST"])
@login_required
def new(resolution_id: int):
    """Give out an action item from the resolution."""
    resolution = _resolution(resolution_id)
    require(actions.can_add(current_user, resolution))
    form = _form(resolution)
    if form.validate_on_submit():
        owner = _owner(form, resolution)
        if owner is not None:
            actions.add_action_item(
                resolution,
                title_th=form.title_th.data,
                title_en=form.title_en.data or "",
                due_on=form.due_on.data,
                actor=current_user,
                note=form.note.data or "",
                **owner,
            )
            flash(_("The action item is added."), "success")
            return redirect(url_for("governance.resolution", resolution_id=resolution.id))
    return render_template(
        "governance/action_new.html",
        resolution=resolution,
        item=resolution.agenda_item,
        meeting=resolution.agenda_item.meeting,
        form=form,
    ), (422 if form.errors else 200)


def _owner(form: ActionItemForm, resolution: Resolution) -> dict | None:
    """The owner the form names, or None with the field's error set."""
    chosen = form.owner_choice()
    if chosen is None:
        user = find_user(form.owner_email.data)
        if user is None:
            form.owner_email.errors = [_("Nobody has an account with this e-mail address.")]
            return None
        return {"owner_user": user}
    kind, number = chosen
    if kind == "m":
        member = db.session.get(BodyMember, number)
        body = resolution.agenda_item.meeting.body
        if member is not None and member.body_id in actions.owner_body_ids(body):
            return {"owner_member": member}
    elif kind == "o":
        organisation = db.session.get(Organisation, number)
        if organisation is not None:
            return {"owner_organisation": organisation}
    form.owner.errors = [_("Choose the owner from the list.")]
    return None


def _item(item_id: int):
    item = actions.load(item_id)
    if item is None:
        abort(404)
    meeting = item.resolution.agenda_item.meeting
    # A members-only meeting's item stays unknown to others, except to its owner.
    if not (can_view_meeting(current_user, meeting) or actions.is_owner(item, current_user)):
        abort(404)
    require(actions.can_view(item, current_user))
    return item


def _page(item, move_form=None, note_form=None, status=200):
    return render_template(
        "governance/action.html",
        action=item,
        resolution=item.resolution,
        meeting=item.resolution.agenda_item.meeting,
        events=list(item.events),
        moves=actions.moves_for(item, current_user),
        can_note=actions.can_note(item, current_user),
        move_form=move_form or MoveForm(),
        note_form=note_form or NoteForm(),
        today=actions.bangkok_today(),
    ), status


@bp.get("/governance/actions/<int:item_id>")
@login_required
def action(item_id: int):
    """An action item: what, who, by when, where it stands, its history; its moves."""
    return _page(_item(item_id))


@bp.post("/governance/actions/<int:item_id>/move")
@login_required
def move(item_id: int):
    item = _item(item_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _page(item, move_form=form, status=422)
    to_state = ActionStatus(form.to.data)
    require(actions.may_ask(item, current_user, to_state))
    actions.move_action(item, to_state, actor=current_user, note=form.note.data or "")
    flash(_("The action item is now: %(state)s.", state=to_state.label), "success")
    return redirect(url_for("governance_actions.action", item_id=item.id))


@bp.post("/governance/actions/<int:item_id>/note")
@login_required
def note(item_id: int):
    item = _item(item_id)
    require(actions.can_note(item, current_user))
    form = NoteForm()
    if not form.validate_on_submit():
        return _page(item, note_form=form, status=422)
    actions.add_note(item, actor=current_user, note=form.text.data)
    flash(_("The note is added."), "success")
    return redirect(url_for("governance_actions.action", item_id=item.id))


@bp.get("/my/actions")
@login_required
def mine():
    """The signed-in person's action items: theirs, their seats', their organisations'."""
    items = db.session.scalars(actions.mine_query(current_user).limit(300)).unique().all()
    return render_template(
        "governance/action_mine.html", items=items, today=actions.bangkok_today()
    )


@bp.get("/staff/governance/actions/overdue")
@staff_required
def overdue():
    """Open action items past their due day, of every body, the longest overdue first."""
    today = actions.bangkok_today()
    page = paginate(actions.overdue_query(today), 50)
    return render_template("governance/action_overdue.html", page=page, today=today)
