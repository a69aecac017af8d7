"""The public and members' pages of governance: bodies with their members over time, meetings
with their agenda and resolutions, and each resolution with what it decided in the app."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from ..db_types import utcnow
from ..extensions import db
from ..i18n import to_bangkok
from .access import can_record, can_view_meeting, is_staff
from .decisions import decided_records
from .models import AgendaItem, Body, BodyMember, Meeting, Resolution, Visibility
from .services import body_ids_of, members_on, quorum

bp = Blueprint("governance", __name__, url_prefix="/governance")


def _visible_meetings(query: sa.Select) -> sa.Select:
    """Public meetings, plus members-only ones of the visitor's bodies (staff see all)."""
    if is_staff(current_user):
        return query
    mine = body_ids_of(current_user)
    return query.where(
        sa.or_(Meeting.visibility == Visibility.PUBLIC, Meeting.body_id.in_(mine or [-1]))
    )


@bp.get("/")
def bodies():
    """Every body, then the coming and the latest meetings the visitor may see."""
    rows = db.session.scalars(
        sa.select(Body).options(joinedload(Body.parent)).order_by(Body.kind, Body.name_th)
    ).all()
    now = utcnow()
    base = sa.select(Meeting).options(joinedload(Meeting.body))
    coming = db.session.scalars(
        _visible_meetings(base.where(Meeting.starts_at >= now))
        .order_by(Meeting.starts_at)
        .limit(10)
    ).all()
    past = db.session.scalars(
        _visible_meetings(base.where(Meeting.starts_at < now))
        .order_by(Meeting.starts_at.desc())
        .limit(10)
    ).all()
    top_ids = {b.id for b in rows if b.parent_id is None}
    return render_template(
        "governance/bodies.html", bodies=rows, top_ids=top_ids, coming=coming, past=past
    )


@bp.get("/bodies/<int:body_id>")
def body(body_id: int):
    """A body: purpose, members now, members before, and its meetings."""
    found = db.get_or_404(Body, body_id)
    today = to_bangkok(utcnow()).date()
    current = members_on(found.id, today)
    current_ids = {m.id for m in current}
    earlier = db.session.scalars(
        sa.select(BodyMember)
        .where(BodyMember.body_id == found.id, BodyMember.id.notin_(current_ids or [-1]))
        .options(joinedload(BodyMember.organisation))
        .order_by(BodyMember.starts_on.desc(), BodyMember.id.desc())
    ).all()
    meetings = db.session.scalars(
        _visible_meetings(sa.select(Meeting).where(Meeting.body_id == found.id)).order_by(
            Meeting.starts_at.desc()
        )
    ).all()
    children = db.session.scalars(
        sa.select(Body).where(Body.parent_id == found.id).order_by(Body.name_th)
    ).all()
    cited = {r for m in (*current, *earlier) for r in (m.appointed_by_id, m.ended_by_id) if r}
    readable = (
        set(
            db.session.scalars(
                _visible_meetings(
                    sa.select(Resolution.id)
                    .join(AgendaItem, AgendaItem.id == Resolution.agenda_item_id)
                    .join(Meeting, Meeting.id == AgendaItem.meeting_id)
                    .where(Resolution.id.in_(cited))
                )
            )
        )
        if cited
        else set()
    )
    return render_template(
        "governance/body.html",
        readable_resolutions=readable,
        body=found,
        current=current,
        earlier=earlier,
        meetings=meetings,
        children=children,
        today=today,
        can_record=can_record(current_user, found),
    )


def _meeting(meeting_id: int) -> Meeting:
    """The meeting, or 404 for a visitor who may not see it (its existence stays private)."""
    meeting = db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.body),
            joinedload(Meeting.chair),
            selectinload(Meeting.agenda).options(
                joinedload(AgendaItem.proposed_by_organisation),
                joinedload(AgendaItem.resolution).selectinload(Resolution.links),
            ),
            selectinload(Meeting.attendance),
        )
    )
    if meeting is None or not can_view_meeting(current_user, meeting):
        abort(404)
    return meeting


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    """A meeting: when and where, its agenda with each item's resolution, who attended."""
    found = _meeting(meeting_id)
    return render_template(
        "governance/meeting.html",
        meeting=found,
        quorum=quorum(found),
        can_record=can_record(current_user, found.body),
    )


@bp.get("/resolutions/<int:resolution_id>")
def resolution(resolution_id: int):
    """A resolution, its meeting, and each record in the app it decided (with links)."""
    found = db.session.scalar(
        sa.select(Resolution)
        .where(Resolution.id == resolution_id)
        .options(
            joinedload(Resolution.agenda_item)
            .joinedload(AgendaItem.meeting)
            .joinedload(Meeting.body),
            selectinload(Resolution.links),
        )
    )
    if found is None or not can_view_meeting(current_user, found.agenda_item.meeting):
        abort(404)
    return render_template(
        "governance/resolution.html",
        resolution=found,
        item=found.agenda_item,
        meeting=found.agenda_item.meeting,
        decided=decided_records(found.links),
    )
