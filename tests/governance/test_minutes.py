"""Minutes: the state machine (every transition), the lock after approval (also against a crafted
POST), the approval recorded as the later meeting's resolution with its link both ways, who may
read minutes in each state, the circulation mail (each member once), and every route's
permissions."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm.attributes import set_committed_value

from partnership.extensions import db
from partnership.governance import services
from partnership.governance.minutes import services as ms
from partnership.governance.minutes.models import TRANSITIONS, Minutes, MinutesEvent, MinutesState
from partnership.governance.models import (
    AgendaKind,
    AttendanceStatus,
    Body,
    BodyKind,
    LinkKind,
    Meeting,
    MemberRole,
    Outcome,
    Resolution,
    ResolutionLink,
    Visibility,
)
from partnership.i18n import BANGKOK
from partnership.notifications.models import OutgoingMail
from partnership.registry.models import Sector
from tests.factories import english  # noqa: F401  (autouse: pages in English)

ROLES = ("visitor", "donor", "school", "member", "secretary", "staff")
OK, LOGIN, NOT_FOUND, NO = "ok", "login", 404, 403
SINCE = date(2021, 1, 15)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=BANGKOK)


class World(dict):
    """role -> user (None for the visitor), plus the body and meetings as attributes."""


@pytest.fixture()
def world(app, make_user, make_school, add_membership):
    """A working group with a secretary, a member with an account (two seats, one address),
    a member known by e-mail only and one with no address; meetings 1/2564 (public, held,
    one resolved item), 2/2564 (members only, held, item "รับรองรายงานการประชุม ครั้งที่
    1/2564") and 3/2564 (members only, held, its item approving 2/2564)."""
    people = World(visitor=None)
    people["donor"] = make_user()
    people["school"] = make_user()
    add_membership(people["school"], school=make_school())
    people["member"] = make_user(name="กรรมการทดสอบ")
    people["secretary"] = make_user(name="เลขานุการทดสอบ")
    people["staff"] = make_user(is_staff=True)
    body = Body(kind=BodyKind.WORKING_GROUP, name_th="คณะทำงานทดสอบ", name_en="Test group")
    db.session.add(body)
    db.session.flush()

    def seat(name, role, user=None, email="", sector=Sector.PRIVATE):
        member = services.appoint_member(
            body, person_name=name, sector=sector, role=role, starts_on=SINCE,
            user_id=user.id if user else None,
        )  # fmt: skip
        member.email = email
        return member

    seat("ประธานทดสอบ", MemberRole.CHAIR, sector=Sector.PUBLIC)
    seat("เลขานุการทดสอบ", MemberRole.SECRETARY, people["secretary"])
    seat("กรรมการทดสอบ", MemberRole.MEMBER, people["member"])
    seat("กรรมการทดสอบ (ผู้แทนอีกองค์กร)", MemberRole.MEMBER, people["member"])
    seat("ผู้แทนไม่มีบัญชี", MemberRole.MEMBER, email="guest.member@example.test")
    seat("ผู้แทนไม่มีอีเมล", MemberRole.MEMBER)
    db.session.flush()

    def meeting(day, visibility, title_th="", kind=AgendaKind.CONSIDERATION):
        found = services.schedule_meeting(
            body, starts_at=_at(day), place="ห้องประชุมชั้น 5", visibility=visibility
        )
        services.mark_held(found)
        services.set_attendance(
            found, {row.id: AttendanceStatus.PRESENT for row in found.attendance}
        )
        if title_th:
            services.add_agenda_item(found, kind=kind, title_th=title_th, label="2")
        return found

    first = meeting(date(2021, 6, 28), Visibility.PUBLIC)
    item = services.add_agenda_item(
        first, kind=AgendaKind.CONSIDERATION, title_th="เปิดโครงการระดมทุน", label="4.1"
    )
    services.record_resolution(item, Outcome.APPROVED, "อนุมัติให้เปิดโครงการ")
    second = meeting(date(2021, 9, 20), Visibility.MEMBERS, "รับรองรายงานการประชุม ครั้งที่ 1/2564")
    third = meeting(date(2021, 12, 10), Visibility.MEMBERS, "รับรองรายงานการประชุม ครั้งที่ 2/2564")
    db.session.commit()
    people.body, people.first, people.second, people.third = body, first, second, third
    return people


@pytest.fixture()
def as_role(switch_user):
    """as_role(world, role): that role's person of ``world`` signed in (the visitor: signed out)."""
    return lambda world, role: switch_user(world[role])


def item_of(meeting):
    return meeting.agenda[0]


def bring(meeting, state: MinutesState, actor) -> Minutes:
    """The meeting's minutes, moved through the real services to ``state``."""
    minutes = ms.start_minutes(meeting, actor)
    if state in (MinutesState.CIRCULATED, MinutesState.LOCKED):
        ms.circulate(minutes, actor)
    if state is MinutesState.LOCKED:  # approved at the next meeting, which locks them
        later = db.session.scalar(
            sa.select(Meeting).where(
                Meeting.body_id == meeting.body_id, Meeting.number == meeting.number + 1
            )
        )
        ms.approve(minutes, item_of(later), actor)
    db.session.commit()
    return minutes


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# The first draft ----------------------------------------------------------------------------


def test_the_default_draft_is_made_from_the_meeting(world):
    minutes = ms.start_minutes(world.first, world["secretary"])
    assert "1/2564" in minutes.text_th
    assert "ประธานทดสอบ" in minutes.text_th and "เลขานุการทดสอบ" in minutes.text_th
    assert "เปิดโครงการระดมทุน" in minutes.text_th and "อนุมัติให้เปิดโครงการ" in minutes.text_th
    assert minutes.text_en and "Test group" in minutes.text_en
    assert minutes.state is MinutesState.DRAFTED and minutes.revision == 1
    (event,) = minutes.events
    assert event.to_state == "drafted" and event.text_th == minutes.text_th
    with pytest.raises(ms.MinutesRefused):
        ms.start_minutes(world.first, world["secretary"])  # one set per meeting


def test_minutes_of_a_meeting_not_held_are_refused(world):
    later = services.schedule_meeting(world.body, starts_at=_at(date(2030, 1, 5)), place="ห้อง")
    with pytest.raises(ms.MinutesRefused):
        ms.start_minutes(later, world["secretary"])
    assert count(Minutes) == 0


# The state machine: every pair of states ----------------------------------------------------

STATES = list(MinutesState)
PAIRS = list(itertools.product(STATES, STATES))


def _values(to: MinutesState, resolution_id: int) -> dict:
    now = datetime(2021, 9, 20, 7, 0, tzinfo=BANGKOK)
    return {
        MinutesState.DRAFTED: {},
        MinutesState.CIRCULATED: {"circulated_at": now},
        MinutesState.APPROVED: {"approval_id": resolution_id, "approved_at": now},
        MinutesState.LOCKED: {"locked_at": now},
    }[to]


def _into(world, state: MinutesState) -> Minutes:
    """Minutes of 1/2564 resting in ``state`` (APPROVED is passed through by ``approve``: it
    is reached here by the machine's own move)."""
    secretary = world["secretary"]
    minutes = ms.start_minutes(world.first, secretary)
    order = [MinutesState.CIRCULATED, MinutesState.APPROVED, MinutesState.LOCKED]
    resolution = services.record_resolution(item_of(world.second), Outcome.APPROVED, "รับรอง")
    for step in order[: STATES.index(state)]:
        ms._move(minutes, step, secretary, **_values(step, resolution.id))
    db.session.commit()
    return minutes, resolution


@pytest.mark.parametrize(("start", "to"), PAIRS, ids=[f"{a.value}-{b.value}" for a, b in PAIRS])
def test_every_transition(world, start, to):
    minutes, resolution = _into(world, start)
    events = count(MinutesEvent)
    if to in TRANSITIONS[start]:
        ms._move(minutes, to, world["secretary"], **_values(to, resolution.id))
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Minutes, minutes.id).state is to
        assert count(MinutesEvent) == events + 1
        last = db.session.scalars(sa.select(MinutesEvent).order_by(MinutesEvent.id.desc())).first()
        assert (last.from_state, last.to_state) == (start.value, to.value)
    else:
        with pytest.raises(ms.IllegalMinutesMove):
            ms._move(minutes, to, world["secretary"], **_values(to, resolution.id))
        db.session.rollback()
        assert db.session.get(Minutes, minutes.id).state is start
        assert count(MinutesEvent) == events


def test_the_table_is_a_line():
    assert {
        MinutesState.DRAFTED: {MinutesState.CIRCULATED},
        MinutesState.CIRCULATED: {MinutesState.APPROVED},
        MinutesState.APPROVED: {MinutesState.LOCKED},
        MinutesState.LOCKED: set(),
    } == TRANSITIONS


def test_a_move_checks_the_state_in_the_update(world):
    """A stale object that still says "drafted" cannot circulate locked minutes."""
    minutes = bring(world.first, MinutesState.LOCKED, world["secretary"])
    set_committed_value(minutes, "state", MinutesState.DRAFTED)
    with pytest.raises(ms.IllegalMinutesMove):
        ms.circulate(minutes, world["secretary"])
    db.session.rollback()
    assert db.session.get(Minutes, minutes.id).state is MinutesState.LOCKED


# Edits and the lock ------------------------------------------------------------------------


def test_edits_are_kept_in_the_history(world):
    minutes = ms.start_minutes(world.first, world["secretary"])
    ms.edit_minutes(minutes, world["secretary"], text_th="ฉบับแก้ไข", text_en="", revision=1,
                    reason="แก้ชื่อ")  # fmt: skip
    ms.circulate(minutes, world["secretary"])
    ms.edit_minutes(minutes, world["staff"], text_th="ฉบับแก้ไขครั้งที่สอง", text_en="Second",
                    revision=2)  # fmt: skip
    db.session.commit()
    kinds = [(e.kind, e.to_state, e.revision, e.text_th) for e in ms.history(minutes)]
    assert kinds[1] == ("edited", None, 2, "ฉบับแก้ไข")
    assert kinds[2][:2] == ("moved", "circulated")
    assert kinds[3] == ("edited", None, 3, "ฉบับแก้ไขครั้งที่สอง")
    assert minutes.revision == 3


def test_a_stale_revision_is_refused(world):
    minutes = ms.start_minutes(world.first, world["secretary"])
    ms.edit_minutes(minutes, world["secretary"], text_th="ก่อน", text_en="", revision=1)
    db.session.commit()
    with force_locale("en"), pytest.raises(ms.MinutesRefused, match="Someone else"):
        ms.edit_minutes(minutes, world["staff"], text_th="ทับ", text_en="", revision=1)
    db.session.rollback()
    assert db.session.get(Minutes, minutes.id).text_th == "ก่อน"


def _snapshot(minutes_id):
    db.session.expire_all()
    row = db.session.get(Minutes, minutes_id)
    return (
        row.state,
        row.text_th,
        row.revision,
        count(MinutesEvent),
        count(OutgoingMail),
        count(Resolution),
        count(ResolutionLink),
    )


def test_locked_minutes_refuse_every_change(world, client, as_role):
    minutes = bring(world.first, MinutesState.LOCKED, world["secretary"])
    before = _snapshot(minutes.id)
    # the service, even with a current revision and a stale object
    set_committed_value(minutes, "state", MinutesState.CIRCULATED)
    with force_locale("en"), pytest.raises(ms.MinutesRefused, match="locked"):
        ms.edit_minutes(minutes, world["secretary"], text_th="แก้หลังรับรอง", text_en="",
                        revision=minutes.revision)  # fmt: skip
    db.session.rollback()
    assert _snapshot(minutes.id) == before
    base = f"/governance/meetings/{world.first.id}/minutes"
    for role in ("secretary", "staff"):
        as_role(world, role)
        revision = str(before[2])
        for url, data in [
            (f"{base}/edit", {"text_th": "แก้หลังรับรอง", "text_en": "", "revision": revision}),
            (f"{base}/circulate", {}),
            (f"{base}/approve", {"item_id": str(item_of(world.third).id), "outcome": "approved"}),
            (f"{base}/start", {}),
        ]:
            response = client.post(url, data=data)
            assert response.status_code == 303, (url, response.status_code)
            page = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "flash-error" in page, url
            assert _snapshot(minutes.id) == before, url
        response = client.get(f"{base}/edit")
        assert response.status_code == 303
        assert "locked" in client.get(response.headers["Location"]).get_data(as_text=True)
    page = client.get(base).get_data(as_text=True)
    assert "Edit the minutes" not in page


# Approval at the later meeting --------------------------------------------------------------


def test_approval_records_the_resolution_and_the_link(world, client, as_role):
    minutes = bring(world.first, MinutesState.CIRCULATED, world["secretary"])
    as_role(world, "secretary")
    base = f"/governance/meetings/{world.first.id}/minutes"
    form = client.get(f"{base}/approve").get_data(as_text=True)
    item = item_of(world.second)
    assert f'<option selected value="{item.id}">' in form  # the item that names 1/2564
    response = client.post(
        f"{base}/approve", data={"item_id": str(item.id), "outcome": "approved_with_changes"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    minutes = db.session.get(Minutes, minutes.id)
    resolution = db.session.get(Resolution, minutes.approval_id)
    assert minutes.state is MinutesState.LOCKED and minutes.locked_at is not None
    assert resolution.agenda_item_id == item.id
    assert resolution.outcome is Outcome.APPROVED_WITH_CHANGES
    assert "1/2564" in resolution.text_th
    (link,) = resolution.links
    assert (link.kind, link.subject_id) == (LinkKind.MINUTES_APPROVED, world.first.id)
    moves = [(e.from_state, e.to_state) for e in ms.history(minutes) if e.is_move]
    assert moves[-2:] == [("circulated", "approved"), ("approved", "locked")]
    assert response.headers["Location"].endswith(f"/governance/resolutions/{resolution.id}")
    # the resolution names what it decided: the minutes of 1/2564, linked to that meeting
    page = client.get(f"/governance/resolutions/{resolution.id}").get_data(as_text=True)
    assert "Minutes approved" in page
    assert f'href="/governance/meetings/{world.first.id}"' in page
    # the minuted meeting says where its minutes were approved, for everyone
    as_role(world, "visitor")
    page = client.get(f"/governance/meetings/{world.first.id}").get_data(as_text=True)
    assert "Approved at meeting 2/2564" in page
    assert f"/governance/resolutions/{resolution.id}" not in page  # 2/2564 is members only
    as_role(world, "member")
    page = client.get(f"/governance/meetings/{world.first.id}").get_data(as_text=True)
    assert "Approved at meeting 2/2564" in page
    assert f"/governance/resolutions/{resolution.id}" in page


@pytest.mark.parametrize("which", ["earlier", "other body", "resolved"])
def test_approval_only_at_a_later_meeting_of_the_same_body(world, which):
    minutes = bring(world.second, MinutesState.CIRCULATED, world["secretary"])
    if which == "earlier":
        item = services.add_agenda_item(world.first, kind=AgendaKind.CONSIDERATION, title_th="x")
    elif which == "other body":
        other = Body(kind=BodyKind.COMMITTEE, name_th="คณะอื่น")
        db.session.add(other)
        db.session.flush()
        later = services.schedule_meeting(other, starts_at=_at(date(2022, 1, 5)), place="ห้อง")
        item = services.add_agenda_item(later, kind=AgendaKind.CONSIDERATION, title_th="x")
    else:
        item = item_of(world.third)
        services.record_resolution(item, Outcome.DEFERRED, "เลื่อน")
    db.session.commit()
    assert item.id not in {i.id for i in ms.approval_items(minutes)}
    with pytest.raises(ms.MinutesRefused):
        ms.approve(minutes, item, world["secretary"])
    db.session.rollback()
    assert db.session.get(Minutes, minutes.id).state is MinutesState.CIRCULATED


def test_a_meeting_still_to_come_cannot_approve_until_it_is_held(world, client, as_role):
    """Approval is a resolution of a later meeting that has been held: a meeting scheduled for
    2030 neither offers its item nor approves by a crafted POST; once held, it approves."""
    minutes = bring(world.third, MinutesState.CIRCULATED, world["secretary"])
    later = services.schedule_meeting(world.body, starts_at=_at(date(2030, 1, 5)), place="ห้อง")
    item = services.add_agenda_item(
        later, kind=AgendaKind.CONSIDERATION, title_th="รับรองรายงานการประชุม ครั้งที่ 3/2564"
    )
    db.session.commit()
    assert item.id not in {i.id for i in ms.approval_items(minutes)}
    with pytest.raises(ms.MinutesRefused):
        ms.approve(minutes, item, world["secretary"])
    db.session.rollback()
    as_role(world, "secretary")
    url = f"/governance/meetings/{world.third.id}/minutes/approve"
    response = client.post(url, data={"item_id": str(item.id), "outcome": "approved"})
    assert response.status_code in (200, 303)
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).state is MinutesState.CIRCULATED
    assert count(Resolution) == 1 and count(ResolutionLink) == 0  # 1/2564's only

    later = db.session.get(Meeting, later.id)
    later.starts_at = _at(date(2022, 1, 5))  # it took place (in the past, so it can be held)
    services.mark_held(later)
    db.session.commit()
    item = db.session.get(type(item), item.id)
    assert item.id in {i.id for i in ms.approval_items(minutes)}
    response = client.post(url, data={"item_id": str(item.id), "outcome": "approved"})
    assert response.status_code == 303
    db.session.expire_all()
    minutes = db.session.get(Minutes, minutes.id)
    assert minutes.state is MinutesState.LOCKED
    assert db.session.get(Resolution, minutes.approval_id).agenda_item_id == item.id


def test_a_crafted_item_of_another_meeting_is_not_a_choice(world, client, as_role):
    minutes = bring(world.second, MinutesState.CIRCULATED, world["secretary"])
    as_role(world, "secretary")
    wrong = item_of(world.first)  # earlier meeting
    response = client.post(
        f"/governance/meetings/{world.second.id}/minutes/approve",
        data={"item_id": str(wrong.id), "outcome": "approved"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert db.session.get(Minutes, minutes.id).state is MinutesState.CIRCULATED
    assert count(ResolutionLink) == 0


# Circulation --------------------------------------------------------------------------------


def test_circulation_mails_each_member_once(world, client, as_role):
    bring(world.first, MinutesState.DRAFTED, world["secretary"])
    as_role(world, "secretary")
    response = client.post(f"/governance/meetings/{world.first.id}/minutes/circulate")
    assert response.status_code == 303
    mails = db.session.scalars(sa.select(OutgoingMail)).all()
    addresses = sorted(m.to_address for m in mails)
    assert addresses == sorted(
        [world["member"].email, world["secretary"].email, "guest.member@example.test"]
    )
    assert all(f"/governance/meetings/{world.first.id}/minutes" in m.body for m in mails)
    assert "sent to 3 members" in client.get(response.headers["Location"]).get_data(as_text=True)
    # a second press mails nobody again
    client.post(f"/governance/meetings/{world.first.id}/minutes/circulate")
    assert count(OutgoingMail) == 3


# Who reads what ------------------------------------------------------------------------------

#: (meeting, state) -> roles that read the minutes
READERS = {
    ("public", "drafted"): {"secretary", "staff"},
    ("public", "circulated"): {"member", "secretary", "staff"},
    ("public", "locked"): set(ROLES),
    ("members", "drafted"): {"secretary", "staff"},
    ("members", "circulated"): {"member", "secretary", "staff"},
    ("members", "locked"): {"member", "secretary", "staff"},
}
VISIBILITY_CASES = [(m, s, r) for (m, s) in READERS for r in ROLES]


@pytest.mark.parametrize(
    ("meeting", "state", "role"), VISIBILITY_CASES, ids=["-".join(c) for c in VISIBILITY_CASES]
)
def test_visibility_matrix(world, client, as_role, meeting, state, role):
    target = world.first if meeting == "public" else world.second
    bring(target, MinutesState(state), world["secretary"])
    as_role(world, role)
    base = f"/governance/meetings/{target.id}/minutes"
    readable = role in READERS[(meeting, state)]
    for url in (base, f"{base}/print", f"{base}-th.pdf"):
        response = client.get(url)
        assert response.status_code == (200 if readable else 404), (url, response.status_code)
    listed = client.get("/governance/minutes").get_data(as_text=True)
    assert (f'href="{base}"' in listed) == (meeting == "public" and state == "locked")
    meeting_page = client.get(f"/governance/meetings/{target.id}")
    if meeting_page.status_code == 200:
        shown = 'id="minutes"' in meeting_page.get_data(as_text=True)
        assert shown == readable


def test_published_minutes_for_the_library(world):
    bring(world.first, MinutesState.LOCKED, world["secretary"])
    bring(world.second, MinutesState.LOCKED, world["secretary"])  # members only: not published
    found = db.session.scalars(ms.published_minutes()).unique().all()
    assert [m.meeting_id for m in found] == [world.first.id]
    assert found[0].meeting.body.name_th == "คณะทำงานทดสอบ"
    assert db.session.scalars(ms.published_minutes(year_be=2565)).unique().all() == []
    query = ms.published_minutes(body_id=world.body.id, search="100%")
    assert db.session.scalars(query).all() == []
    assert len(db.session.scalars(ms.published_minutes(search="ระดมทุน")).unique().all()) == 1


# Every route, every role ---------------------------------------------------------------------

RECORDERS = {
    r: OK if r in ("secretary", "staff") else LOGIN if r == "visitor" else NO for r in ROLES
}
DRAFT_READERS = {r: OK if r in ("secretary", "staff") else NOT_FOUND for r in ROLES}
EVERYONE = dict.fromkeys(ROLES, OK)

#: (name, method, path after the meeting's minutes, form, state the minutes are in, answers)
ROUTES = [
    ("published list", "GET", "/governance/minutes", None, MinutesState.LOCKED, EVERYONE),
    ("minutes page", "GET", "{m}", None, MinutesState.DRAFTED, DRAFT_READERS),
    ("minutes page, none yet", "GET", "{m}", None, None, DRAFT_READERS),
    ("published page", "GET", "{m}", None, MinutesState.LOCKED, EVERYONE),
    ("print", "GET", "{m}/print", None, MinutesState.DRAFTED, DRAFT_READERS),
    ("pdf", "GET", "{m}-en.pdf", None, MinutesState.LOCKED, EVERYONE),
    ("start", "POST", "{m}/start", {}, None, RECORDERS),
    ("edit form", "GET", "{m}/edit", None, MinutesState.DRAFTED, RECORDERS),
    (
        "edit",
        "POST",
        "{m}/edit",
        {"text_th": "รายงานการประชุมฉบับแก้ไข", "text_en": "", "revision": "1"},
        MinutesState.DRAFTED,
        RECORDERS,
    ),
    ("circulate", "POST", "{m}/circulate", {}, MinutesState.DRAFTED, RECORDERS),
    ("approve form", "GET", "{m}/approve", None, MinutesState.CIRCULATED, RECORDERS),
    (
        "approve",
        "POST",
        "{m}/approve",
        {"item_id": "{item}", "outcome": "approved", "text_th": ""},
        MinutesState.CIRCULATED,
        RECORDERS,
    ),
]
CASES = [
    (route, winner)
    for route in ROUTES
    for winner in ([None] if route[1] == "GET" else [r for r in ROLES if route[5][r] == OK])
]


def _check(client, response, method, want):
    if want == OK:
        expected = (200,) if method == "GET" else (302, 303)
        assert response.status_code in expected, response.get_data(as_text=True)[:400]
        if method == "POST":
            after = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "flash-error" not in after
    elif want == LOGIN:
        assert response.status_code in (302, 401)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == want, response.status_code


@pytest.mark.parametrize(("route", "winner"), CASES, ids=[f"{r[0]}-{w or 'all'}" for r, w in CASES])
def test_permission_matrix(world, client, as_role, route, winner):
    _name, method, path, data, state, expected = route
    if state is not None:
        bring(world.first, state, world["secretary"])
    minutes_url = f"/governance/meetings/{world.first.id}/minutes"
    url = path.format(m=minutes_url)
    form = {k: v.format(item=item_of(world.second).id) for k, v in (data or {}).items()}
    for role in ROLES:
        if method == "POST" and expected[role] == OK:
            continue
        as_role(world, role)
        answer = client.get(url) if method == "GET" else client.post(url, data=form)
        _check(client, answer, method, expected[role])
    if winner is not None:
        as_role(world, winner)
        _check(client, client.post(url, data=form), method, OK)
