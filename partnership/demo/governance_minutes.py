"""Demo: the minutes of the working group's meeting 1/2564 (public), drafted by the secretary,
circulated and approved at meeting 2/2564 through its item "รับรองรายงานการประชุม ครั้งที่
1/2564", so they are published; and the draft minutes of meeting 2/2564 (members only)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..accounts.services import find_user
from ..extensions import db
from ..governance.minutes.services import approve, circulate, minutes_of, start_minutes
from ..governance.models import AgendaItem, Body, Meeting, Outcome
from ..i18n import BANGKOK
from .governance import SECRETARY_EMAIL, WORKING_GROUP_TH

APPROVAL_ITEM_TH = "รับรองรายงานการประชุม ครั้งที่ 1/2564"


def seed_governance_minutes() -> None:
    """Minutes of 1/2564 approved at 2/2564 and published; 2/2564's drafted. Once."""
    body = db.session.scalar(sa.select(Body).where(Body.name_th == WORKING_GROUP_TH))
    if body is None:
        return
    meetings = {
        m.number: m
        for m in db.session.scalars(
            sa.select(Meeting).where(Meeting.body_id == body.id, Meeting.year_be == 2564)
        )
    }
    first, second = meetings.get(1), meetings.get(2)
    if first is None or second is None or minutes_of(first.id) is not None:
        return
    secretary = find_user(SECRETARY_EMAIL)
    minutes = start_minutes(first, secretary)
    circulate(minutes, secretary, notify=False, at=datetime(2021, 7, 5, 10, 0, tzinfo=BANGKOK))
    item = db.session.scalar(
        sa.select(AgendaItem).where(
            AgendaItem.meeting_id == second.id, AgendaItem.title_th == APPROVAL_ITEM_TH
        )
    )
    if item is not None and item.resolution is None:
        approve(
            minutes,
            item,
            secretary,
            outcome=Outcome.APPROVED,
            text_th="ที่ประชุมรับรองรายงานการประชุม ครั้งที่ 1/2564 โดยไม่มีการแก้ไข",
            text_en="The meeting approved the minutes of meeting 1/2564 without changes.",
            at=datetime(2021, 9, 20, 14, 0, tzinfo=BANGKOK),
        )
    start_minutes(second, secretary)
    db.session.flush()
