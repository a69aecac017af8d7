"""The governance foundation: numbering, terms, quorum, resolutions once, links both ways, and
who sees which meeting on the public pages (with a fixed query count)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.governance import services
from partnership.governance.models import (
    AgendaKind,
    AttendanceStatus,
    Body,
    BodyKind,
    LinkKind,
    MemberRole,
    Outcome,
    ResolutionLink,
    Visibility,
)
from partnership.governance.services import GovernanceRefused
from partnership.registry.models import Sector
from tests.crowd import counted_queries

#: 28 June 2564, 09:30 in Bangkok.
JUNE_28 = datetime(2021, 6, 28, 2, 30, tzinfo=UTC)


def _body(name: str = "คณะทำงานทดสอบ", **values) -> Body:
    body = Body(kind=BodyKind.WORKING_GROUP, name_th=name, **values)
    db.session.add(body)
    db.session.flush()
    return body


def _seat(body: Body, name: str, role=MemberRole.MEMBER, starts_on=date(2021, 1, 1), **kw):
    return services.appoint_member(
        body, person_name=name, sector=Sector.PRIVATE, role=role, starts_on=starts_on, **kw
    )


def _meeting(body: Body, starts_at=JUNE_28, **kw):
    kw.setdefault("online_url", "https://meet.example.org/x")
    return services.schedule_meeting(body, starts_at=starts_at, **kw)


def _resolved_item(meeting, text="เห็นชอบ"):
    item = services.add_agenda_item(meeting, kind=AgendaKind.CONSIDERATION, title_th="เรื่อง")
    return item, services.record_resolution(item, Outcome.APPROVED, text)


def test_meetings_are_numbered_per_body_and_buddhist_year(app):
    group, other = _body(), _body("คณะอื่น")
    first = _meeting(group)
    second = _meeting(group, starts_at=datetime(2021, 9, 20, 6, 30, tzinfo=UTC))
    # 31 Dec 2021 18:00 UTC is already 1 Jan 2565 in Bangkok: a new year, numbered from 1.
    new_year = _meeting(group, starts_at=datetime(2021, 12, 31, 18, 0, tzinfo=UTC))
    elsewhere = _meeting(other)
    assert [m.number_label for m in (first, second, new_year, elsewhere)] == [
        "1/2564",
        "2/2564",
        "1/2565",
        "1/2564",
    ]


def test_a_meeting_needs_a_place_or_a_link_and_ends_after_it_starts(app):
    group = _body()
    with pytest.raises(GovernanceRefused):
        services.schedule_meeting(group, starts_at=JUNE_28)
    with pytest.raises(GovernanceRefused):
        _meeting(group, ends_at=JUNE_28)


def test_members_sitting_on_the_day_are_invited_and_the_chair_chairs(app):
    group = _body()
    chair = _seat(group, "ประธาน", MemberRole.CHAIR)
    member = _seat(group, "กรรมการ")
    _seat(group, "มาทีหลัง", starts_on=date(2021, 7, 1))
    gone = _seat(group, "พ้นแล้ว")
    services.end_term(gone, date(2021, 6, 1), "ลาออก")
    meeting = _meeting(group)
    assert {row.member_id for row in meeting.attendance} == {chair.id, member.id}
    assert meeting.chair_id == chair.id


def test_a_term_ends_once_and_never_before_it_started(app):
    group = _body()
    member = _seat(group, "กรรมการ", starts_on=date(2021, 3, 1))
    with pytest.raises(GovernanceRefused):
        services.end_term(member, date(2021, 2, 1), "ก่อนเริ่ม")
    services.end_term(member, date(2021, 6, 30), "ครบวาระ")
    with pytest.raises(GovernanceRefused):
        services.end_term(member, date(2021, 7, 30), "อีกครั้ง")
    db.session.expire_all()
    assert (member.ends_on, member.end_reason) == (date(2021, 6, 30), "ครบวาระ")
    assert services.members_on(group.id, date(2021, 7, 1)) == []


def test_quorum_counts_members_present_never_observers(app):
    group = _body(quorum_percent=50)
    for n in range(5):
        _seat(group, f"กรรมการ {n}")
    meeting = _meeting(group)
    rows = meeting.attendance
    services.add_observer(meeting, "ผู้สังเกตการณ์")
    services.set_attendance(meeting, {rows[0].id: AttendanceStatus.PRESENT})
    services.set_attendance(meeting, {rows[1].id: AttendanceStatus.PRESENT})
    db.session.expire(meeting, ["attendance"])
    short = services.quorum(meeting)
    assert (short.present, short.members, short.needed, short.met) == (2, 5, 3, False)
    services.set_attendance(meeting, {rows[2].id: AttendanceStatus.PRESENT})
    assert services.quorum(meeting).met


def test_an_observer_cannot_be_given_a_members_status(app):
    group = _body()
    _seat(group, "กรรมการ")
    meeting = _meeting(group)
    guest = services.add_observer(meeting, "แขก")
    with pytest.raises(GovernanceRefused):
        services.set_attendance(meeting, {guest.id: AttendanceStatus.PRESENT})


def test_agenda_positions_follow_each_other_and_a_resolution_is_taken_once(app):
    meeting = _meeting(_body())
    first, resolution = _resolved_item(meeting)
    second = services.add_agenda_item(meeting, kind=AgendaKind.INFORMATION, title_th="แจ้ง")
    assert (first.position, second.position) == (1, 2)
    with pytest.raises(GovernanceRefused):
        services.record_resolution(first, Outcome.NOT_APPROVED, "ไม่เห็นชอบ")
    db.session.expire_all()
    assert first.resolution.id == resolution.id
    assert first.resolution.outcome is Outcome.APPROVED


def test_a_cancelled_meeting_takes_no_items_and_keeps_its_number(app):
    group = _body()
    meeting = _meeting(group)
    services.cancel_meeting(meeting)
    with pytest.raises(GovernanceRefused):
        services.add_agenda_item(meeting, kind=AgendaKind.INFORMATION, title_th="แจ้ง")
    with pytest.raises(GovernanceRefused):
        services.mark_held(meeting)
    assert _meeting(group).number == 2


def test_an_appointment_by_resolution_links_both_ways_once(app):
    group = _body()
    _, resolution = _resolved_item(_meeting(group))
    member = _seat(group, "ผู้ได้รับแต่งตั้ง", resolution=resolution)
    assert not services.link(resolution, LinkKind.MEMBER_APPOINTED, member.id)  # already there
    links = db.session.scalars(sa.select(ResolutionLink)).all()
    assert [(link.kind, link.subject_id) for link in links] == [
        (LinkKind.MEMBER_APPOINTED, member.id)
    ]
    assert services.resolutions_deciding(LinkKind.MEMBER_APPOINTED, [member.id]) == {
        member.id: [resolution]
    }


@pytest.fixture()
def linked(app, make_school):
    """A school admitted by a resolution of a public meeting, another by a members-only one."""
    group = _body()
    public = _meeting(group, visibility=Visibility.PUBLIC)
    private = _meeting(group, visibility=Visibility.MEMBERS)
    _, open_resolution = _resolved_item(public)
    _, closed_resolution = _resolved_item(private)
    seen, hidden = make_school(), make_school()
    services.link(open_resolution, LinkKind.SCHOOL_ADMITTED, seen.id)
    services.link(closed_resolution, LinkKind.SCHOOL_ADMITTED, hidden.id)
    db.session.commit()
    return {
        "group": group,
        "public": public,
        "private": private,
        "open": open_resolution,
        "closed": closed_resolution,
        "seen": seen,
        "hidden": hidden,
    }


def test_a_record_shows_the_resolution_that_decided_it(client, linked):
    page = client.get(f"/schools/{linked['seen'].id}").get_data(as_text=True)
    assert f"/governance/resolutions/{linked['open'].id}" in page
    resolution_page = client.get(f"/governance/resolutions/{linked['open'].id}")
    assert f"/schools/{linked['seen'].id}" in resolution_page.get_data(as_text=True)


def test_a_members_only_resolution_is_not_cited_to_the_public(client, linked, login_as):
    page = client.get(f"/schools/{linked['hidden'].id}").get_data(as_text=True)
    assert "/governance/resolutions/" not in page
    assert client.get(f"/governance/resolutions/{linked['closed'].id}").status_code == 404
    assert client.get(f"/governance/meetings/{linked['private'].id}").status_code == 404
    login_as("staff")
    page = client.get(f"/schools/{linked['hidden'].id}").get_data(as_text=True)
    assert f"/governance/resolutions/{linked['closed'].id}" in page


def test_a_member_sees_the_members_only_meeting(client, linked, make_user, login):
    member = make_user()
    _seat(linked["group"], "กรรมการ", user_id=member.id, starts_on=date(2020, 1, 1))
    db.session.commit()
    login(member)
    assert client.get(f"/governance/meetings/{linked['private'].id}").status_code == 200
    listing = client.get("/governance/").get_data(as_text=True)
    assert f"/governance/meetings/{linked['private'].id}" in listing


def test_the_public_list_leaves_members_only_meetings_out(client, linked):
    listing = client.get("/governance/").get_data(as_text=True)
    assert f"/governance/meetings/{linked['public'].id}" in listing
    assert f"/governance/meetings/{linked['private'].id}" not in listing


def _meeting_page_queries(client, items: int) -> int:
    group = _body(f"คณะ {items}")
    for n in range(4):
        _seat(group, f"กรรมการ {n}")
    meeting = _meeting(group, visibility=Visibility.PUBLIC)
    for _ in range(items):
        _, resolution = _resolved_item(meeting)
        services.link(resolution, LinkKind.MEMBER_APPOINTED, 1)
    services.mark_held(meeting)
    db.session.commit()
    with counted_queries() as statements:
        page = client.get(f"/governance/meetings/{meeting.id}")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('class="resolution"') == items
    return len(statements)


def test_the_meeting_page_query_count_does_not_grow_with_its_agenda(client, app):
    assert _meeting_page_queries(client, 1) == _meeting_page_queries(client, 6)


def test_the_body_page_links_an_appointment_only_to_those_who_may_read_it(
    client, linked, make_user, login
):
    """Appointed by a members-only meeting's resolution: the public sees the member, not the
    link (it would answer 404); a member of the body sees both."""
    appointed = _seat(linked["group"], "ผู้ได้รับแต่งตั้ง", resolution=linked["closed"])
    reader = make_user()
    _seat(linked["group"], "กรรมการ", user_id=reader.id, starts_on=date(2020, 1, 1))
    db.session.commit()
    target = f"/governance/resolutions/{linked['closed'].id}"
    page = client.get(f"/governance/bodies/{linked['group'].id}").get_data(as_text=True)
    assert appointed.person_name in page and target not in page
    login(reader)
    page = client.get(f"/governance/bodies/{linked['group'].id}").get_data(as_text=True)
    assert target in page
