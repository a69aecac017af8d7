"""Loading a meeting (or an agenda item) for a page, with the visitor's right checked: 404 where
the meeting's existence stays private, 403 on the secretary's pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..permissions import require
from .access import can_record, can_view_meeting
from .models import AgendaItem, Attendance, Meeting


def load_meeting(meeting_id: int) -> Meeting:
    """The meeting with its body, chair, agenda and attendance, or 404."""
    meeting = db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.body),
            joinedload(Meeting.chair),
            selectinload(Meeting.agenda).options(
                joinedload(AgendaItem.resolution), joinedload(AgendaItem.proposed_by_organisation)
            ),
            selectinload(Meeting.attendance).joinedload(Attendance.member),
        )
    )
    if meeting is None:
        abort(404)
    return meeting


def viewable_meeting(meeting_id: int) -> Meeting:
    """The meeting, or 404 for a visitor who may not see it (its existence stays private)."""
    meeting = load_meeting(meeting_id)
    if not can_view_meeting(current_user, meeting):
        abort(404)
    return meeting


def recordable_meeting(meeting_id: int) -> Meeting:
    """The meeting for its secretary or staff: log in first, then 403 for anyone else."""
    meeting = load_meeting(meeting_id)
    require(can_record(current_user, meeting.body))
    return meeting


def recordable_item(item_id: int) -> AgendaItem:
    """The agenda item for its body's secretary or staff, else 404 / 403."""
    item = db.session.scalar(
        sa.select(AgendaItem)
        .where(AgendaItem.id == item_id)
        .options(joinedload(AgendaItem.meeting).joinedload(Meeting.body))
    )
    if item is None:
        abort(404)
    require(can_record(current_user, item.meeting.body))
    return item
