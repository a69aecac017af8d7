"""Who sits on a body on a given day, and the invited list of a meeting still to come, which
follows it: a member appointed before the meeting's day is invited, a member whose term ends
before it is no longer on the list, and moving the meeting recomputes the list. A held or
cancelled meeting's list never changes.

Only a row nobody has answered yet (INVITED) is taken off the list. Such a row is a plan for
a meeting still to come, not history: nothing refers to it, and the reason it went (the end of
the member's term, the meeting's new date) stays recorded on the membership and the meeting.
A row with an answer (apologies sent in advance) is kept as it was given.

Each change is one statement: a member's row is added by ``INSERT … ON CONFLICT DO NOTHING``
on the (meeting, member) unique key, so two appointments at once never give a member two rows;
a row is removed by a ``DELETE`` that still requires it to be unanswered (STYLE.md 12)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..core.transitions import hold_row, insert_once
from ..extensions import db
from ..i18n import to_bangkok
from .models import Attendance, AttendanceStatus, BodyMember, Meeting, MeetingState, MemberRole


def members_on(body_id: int, day: date) -> list[BodyMember]:
    """The body's members whose term covers ``day`` (chair first, then by role and name)."""
    rows = db.session.scalars(
        sa.select(BodyMember)
        .where(
            BodyMember.body_id == body_id,
            BodyMember.starts_on <= day,
            sa.or_(BodyMember.ends_on.is_(None), BodyMember.ends_on > day),
        )
        .options(joinedload(BodyMember.organisation))
        .order_by(BodyMember.id)
    ).all()
    order = list(MemberRole)
    return sorted(rows, key=lambda m: (order.index(m.role), m.person_name))


def meeting_day(meeting: Meeting) -> date:
    """The meeting's day in Bangkok (the day whose members are invited)."""
    return to_bangkok(meeting.starts_at).date()


def sync_invited(meeting: Meeting) -> None:
    """Make a scheduled meeting's invited members those sitting on its day.

    The meeting's row is held first, so a meeting being marked as held at the same moment is
    either changed before it is held or not at all."""
    hold_row(Meeting, meeting.id)
    state = db.session.scalar(sa.select(Meeting.state).where(Meeting.id == meeting.id))
    if state is not MeetingState.SCHEDULED:
        return
    sitting = {m.id for m in members_on(meeting.body_id, meeting_day(meeting))}
    listed = dict(
        db.session.execute(
            sa.select(Attendance.member_id, Attendance.id).where(
                Attendance.meeting_id == meeting.id, Attendance.member_id.is_not(None)
            )
        ).all()
    )
    for member_id in sorted(sitting - listed.keys()):
        insert_once(
            Attendance,
            {
                "meeting_id": meeting.id,
                "member_id": member_id,
                "status": AttendanceStatus.INVITED.value,
                "person_name": "",
                "organisation_name": "",
            },
            unique=["meeting_id", "member_id"],
        )
    gone = [row_id for member_id, row_id in listed.items() if member_id not in sitting]
    if gone:
        table = Attendance.__table__
        removed = set(
            db.session.scalars(
                sa.delete(table)
                .where(table.c.id.in_(gone), table.c.status == AttendanceStatus.INVITED.value)
                .returning(table.c.id),
                execution_options={"synchronize_session": False},
            )
        )
        for row in [r for r in meeting.attendance if r.id in removed]:
            db.session.expunge(row)
    db.session.expire(meeting, ["attendance"])


def sync_body(body_id: int) -> None:
    """After a change of membership: every scheduled meeting of the body follows it."""
    ids = db.session.scalars(
        sa.select(Meeting.id)
        .where(Meeting.body_id == body_id, Meeting.state == MeetingState.SCHEDULED)
        .order_by(Meeting.id)
    ).all()
    for meeting_id in ids:
        sync_invited(db.session.get(Meeting, meeting_id))
