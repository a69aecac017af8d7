"""A scheduled meeting's invited members follow the body's membership on the meeting's day: an
appointment adds the member, the end of a term takes an unanswered invitation off, moving the
date recomputes the list; a held meeting never changes; simultaneous appointments on a live
server give each member one row."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.governance import meetings, services
from partnership.governance.models import (
    Attendance,
    AttendanceStatus,
    BodyMember,
    Meeting,
    MemberRole,
    Visibility,
)
from partnership.registry.models import Sector
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.live import all_at_once, live_server

from .meeting_world import body, seat, user

DAY = date(2031, 3, 10)


def _starts(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 30, tzinfo=UTC)


def _invited(meeting_id: int) -> dict[int, AttendanceStatus]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(Attendance.member_id, Attendance.status).where(
            Attendance.meeting_id == meeting_id, Attendance.member_id.is_not(None)
        )
    ).all()
    return dict(rows)


def _appoint(group, starts_on: date, name: str = "สมาชิกใหม่") -> BodyMember:
    return services.appoint_member(
        group, person_name=name, sector=Sector.PUBLIC, role=MemberRole.MEMBER, starts_on=starts_on
    )


@pytest.fixture()
def scheduled(app):
    group = body()
    chair = seat(group, MemberRole.CHAIR)
    meeting = services.schedule_meeting(group, starts_at=_starts(DAY), place="ห้องประชุม 1")
    db.session.commit()
    return group, chair, meeting


def test_a_member_appointed_before_the_day_is_invited(scheduled):
    group, chair, meeting = scheduled
    early = _appoint(group, date(2031, 3, 1))
    late = _appoint(group, date(2031, 3, 11), "มาทีหลัง")  # sits from the day after
    db.session.commit()
    assert _invited(meeting.id) == {
        chair.id: AttendanceStatus.INVITED,
        early.id: AttendanceStatus.INVITED,
    }
    assert late.id not in _invited(meeting.id)


def test_a_term_ended_before_the_day_is_no_longer_invited(scheduled):
    group, chair, meeting = scheduled
    leaving, staying, answered = (_appoint(group, date(2030, 1, 1), n) for n in "กขค")
    db.session.commit()
    rows = [row for row in meeting.attendance if row.member_id == answered.id]
    services.set_attendance(meeting, {row.id: AttendanceStatus.EXCUSED for row in rows})
    services.end_term(leaving, date(2031, 3, 1), "ลาออก")
    services.end_term(staying, date(2031, 3, 20), "ครบวาระ")  # still sits on the day
    services.end_term(answered, date(2031, 3, 1), "ลาออก")
    db.session.commit()
    invited = _invited(meeting.id)
    assert leaving.id not in invited
    assert invited[staying.id] is AttendanceStatus.INVITED
    # an answer already given is kept as it was given; the membership keeps the term's end
    assert invited[answered.id] is AttendanceStatus.EXCUSED
    assert db.session.get(BodyMember, leaving.id).ends_on == date(2031, 3, 1)


def test_moving_the_date_recomputes_the_list(scheduled):
    group, chair, meeting = scheduled
    ends = _appoint(group, date(2030, 1, 1), "ครบวาระเมษา")
    services.end_term(ends, date(2031, 4, 1), "ครบวาระ")
    starts = _appoint(group, date(2031, 4, 15), "เริ่มกลางเมษา")
    db.session.commit()
    assert set(_invited(meeting.id)) == {chair.id, ends.id}
    meeting = db.session.get(Meeting, meeting.id)
    meetings.update_meeting(
        meeting, starts_at=_starts(date(2031, 4, 20)), ends_at=None, place="ห้องประชุม 1",
        online_platform="", online_url="", visibility=Visibility.MEMBERS, title_th="",
        title_en="", chair=None,
    )  # fmt: skip
    db.session.commit()
    assert _invited(meeting.id) == {
        chair.id: AttendanceStatus.INVITED,
        starts.id: AttendanceStatus.INVITED,
    }


def test_a_held_or_cancelled_meeting_never_changes(scheduled):
    group, chair, meeting = scheduled
    other = services.schedule_meeting(group, starts_at=_starts(date(2031, 5, 1)), place="ห้อง")
    services.mark_held(meeting)
    services.cancel_meeting(other)
    db.session.commit()
    newcomer = _appoint(group, date(2031, 1, 1))
    services.end_term(chair, date(2031, 2, 1), "ลาออก")
    db.session.commit()
    assert _invited(meeting.id) == {chair.id: AttendanceStatus.INVITED}
    assert _invited(other.id) == {chair.id: AttendanceStatus.INVITED}
    assert newcomer.id not in _invited(meeting.id)


def test_simultaneous_appointments_give_each_member_one_row(app):
    """Ten appointments at once on a live server, each one syncing the two meetings still to
    come; a member committed without a sync yet (as a racing request would leave it) is added
    by all ten at once and ends up with one row per meeting."""
    staff = user(is_staff=True)
    group = body()
    seat(group, MemberRole.CHAIR)
    first = services.schedule_meeting(group, starts_at=_starts(DAY), place="ห้อง")
    second = services.schedule_meeting(group, starts_at=_starts(date(2031, 6, 1)), place="ห้อง")
    db.session.execute(
        sa.insert(BodyMember.__table__).values(
            body_id=group.id, person_name="ค้างอยู่", position="", email="", sector="private",
            role="member", starts_on=date(2030, 1, 1), end_reason="",
        )
    )  # fmt: skip
    db.session.commit()
    group_id, meeting_ids = group.id, (first.id, second.id)
    threads = 10
    with live_server(app) as server:
        sessions = [server.session_for(staff) for _ in range(threads)]
        url = f"{server.url}/staff/governance/bodies/{group_id}/members/new"
        statuses = all_at_once(
            threads,
            lambda i: sessions[i].post(
                url,
                data={
                    "person_name": f"พร้อมกัน {i}", "sector": "public", "role": "member",
                    "starts_on": "2031-01-01", "organisation_id": "0", "resolution_id": "0",
                },
                allow_redirects=False,
            ),
        )  # fmt: skip
    assert server.errors == []
    assert statuses == [303] * threads, statuses
    members = set(
        db.session.scalars(sa.select(BodyMember.id).where(BodyMember.body_id == group_id))
    )
    assert len(members) == threads + 2
    for meeting_id in meeting_ids:
        rows = db.session.scalars(
            sa.select(Attendance.member_id).where(Attendance.meeting_id == meeting_id)
        ).all()
        assert sorted(rows) == sorted(members)
