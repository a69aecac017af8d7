"""Running a meeting: every route for every role, the agenda's papers, attendance and quorum,
marking it held, a resolution once (also against a crafted POST), and the invitation with the
agenda mailed once to each member even when two sends race on a live server."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.governance import meetings, services
from partnership.governance.models import (
    AgendaAttachment,
    AgendaKind,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingState,
    MemberRole,
    Resolution,
    Visibility,
)
from partnership.i18n import to_bangkok
from partnership.notifications.models import OutgoingMail
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.live import all_at_once, live_server
from tests.smtp_server import SMTPServer

from . import meeting_world
from .meeting_world import bangkok_form, body, meeting, one_page_pdf, seat, user

ROLES = ("visitor", "donor", "school", "sponsor", "committee", "member", "secretary", "staff")
OK = "ok"
LOGIN = "login"
NO = 403
HIDDEN = 404

STAFF_ONLY = {r: OK if r == "staff" else LOGIN if r == "visitor" else NO for r in ROLES}
RECORDERS = {
    r: OK if r in ("secretary", "staff") else LOGIN if r == "visitor" else NO for r in ROLES
}
EVERYONE = dict.fromkeys(ROLES, OK)
MEMBERS = {r: OK if r in ("member", "secretary", "staff") else HIDDEN for r in ROLES}


@pytest.fixture()
def world(app):
    people = meeting_world.world()
    done = meeting(people.body, days=-2, visibility=Visibility.MEMBERS)
    item = services.add_agenda_item(done, kind=AgendaKind.CONSIDERATION, title_th="พิจารณา")
    services.mark_held(done)
    people.ids |= {"done": done.id, "done_item": item.id}
    db.session.commit()
    return people


@pytest.fixture()
def as_role(switch_user, world):
    """as_role(name): that role's person signed in (the visitor: signed out), in English."""
    return lambda name: switch_user(world[name])


#: (name, method, url template, form data, expected answer per role)
ROUTES = [
    ("schedule page", "GET", "/governance/meetings/new/{body}", None, STAFF_ONLY),
    (
        "schedule",
        "POST",
        "/governance/meetings/new/{body}",
        bangkok_form(date(2030, 5, 1)),
        STAFF_ONLY,
    ),
    ("edit page", "GET", "/governance/meetings/{public}/edit", None, STAFF_ONLY),
    ("edit", "POST", "/governance/meetings/{public}/edit", "EDIT", STAFF_ONLY),
    ("cancel", "POST", "/governance/meetings/{private}/cancel", {}, STAFF_ONLY),
    ("agenda page", "GET", "/governance/meetings/{private}/agenda", None, RECORDERS),
    (
        "add an item",
        "POST",
        "/governance/meetings/{private}/agenda",
        {
            "kind": "information",
            "label": "1.1",
            "title_th": "เรื่องแจ้ง",
            "proposed_by_sector": "private",
            "proposed_by_organisation": "0",
        },
        RECORDERS,
    ),  # fmt: skip
    (
        "attach a paper",
        "POST",
        "/governance/meetings/items/{private_item}/papers",
        "PAPER",
        RECORDERS,
    ),
    ("public paper", "GET", "/governance/meetings/papers/{public_paper}", None, EVERYONE),
    ("members' paper", "GET", "/governance/meetings/papers/{private_paper}", None, MEMBERS),
    ("invite", "POST", "/governance/meetings/{private}/invitations", {}, RECORDERS),
    (
        "invite again",
        "POST",
        "/governance/meetings/{private}/invitations/again",
        "AGAIN",
        RECORDERS,
    ),
    ("attendance page", "GET", "/governance/meetings/{past}/attendance", None, RECORDERS),
    ("attendance", "POST", "/governance/meetings/{past}/attendance", "ATTENDANCE", RECORDERS),
    (
        "observer",
        "POST",
        "/governance/meetings/{past}/observers",
        {"person_name": "ผู้สังเกตการณ์", "organisation_name": "มูลนิธิ"},
        RECORDERS,
    ),
    ("held", "POST", "/governance/meetings/{past}/held", {}, RECORDERS),
    (
        "resolution page",
        "GET",
        "/governance/meetings/items/{done_item}/resolution",
        None,
        RECORDERS,
    ),
    (
        "resolution",
        "POST",
        "/governance/meetings/items/{done_item}/resolution",
        {"outcome": "approved", "text_th": "ที่ประชุมมีมติเห็นชอบ"},
        RECORDERS,
    ),
    ("public .ics", "GET", "/governance/meetings/{public}.ics", None, EVERYONE),
    ("members' .ics", "GET", "/governance/meetings/{private}.ics", None, MEMBERS),
]


def _data(world, data, url):
    if data == "PAPER":
        return {"paper": (io.BytesIO(one_page_pdf()), "วาระ.pdf")}
    if data == "EDIT":
        day = to_bangkok(db.session.get(Meeting, world.ids["public"]).starts_at).date()
        return bangkok_form(day, place="ห้องใหม่", visibility="public")
    if data == "AGAIN":
        return _again(world.ids["private"])
    if data == "ATTENDANCE":
        past = db.session.get(Meeting, world.ids["past"])
        db.session.refresh(past)
        return {f"row-{r.id}": "present" for r in past.attendance if r.member_id}
    return dict(data)


def _again(meeting_id: int) -> dict:
    """The "send again" button's form as the agenda page shows it now."""
    db.session.expire_all()
    last = meetings.last_sent(db.session.get(Meeting, meeting_id))
    return {"sent_until": last.isoformat() if last else ""}


def _answer(client, world, method, url, data):
    if method == "GET":
        return client.get(url)
    return client.post(url, data=_data(world, data, url), content_type="multipart/form-data")


def _check(client, response, method, want, where):
    if want == OK:
        assert response.status_code in ((200,) if method == "GET" else (302, 303)), (
            where,
            response.status_code,
            response.get_data(as_text=True)[:800],
        )
        if method == "POST":
            assert "/login" not in response.headers["Location"], where
            after = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "flash-error" not in after, (where, after[:3000])
    elif want == LOGIN:
        assert response.status_code in (302, 401), where
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], where
    else:
        assert response.status_code == want, (where, response.status_code)


CASES = [
    (route, winner)
    for route in ROUTES
    for winner in ([None] if route[1] == "GET" else [r for r in ROLES if route[4][r] == OK])
]


@pytest.mark.parametrize(("route", "winner"), CASES, ids=[f"{r[0]}-{w or 'all'}" for r, w in CASES])
def test_matrix(client, world, as_role, route, winner):
    # mark the past meeting held only after its attendance etc. are asked: its own route does it
    name, method, template, data, expected = route
    url = template.format(**world.ids)
    for role in ROLES:
        if method == "POST" and (expected[role] == OK or role == winner):
            continue
        as_role(role)
        _check(
            client, _answer(client, world, method, url, data), method, expected[role], (name, role)
        )
    if winner is not None:
        as_role(winner)
        _check(client, _answer(client, world, method, url, data), method, OK, (name, winner))


def test_refused_posts_write_nothing(client, world, as_role):
    """Each refused role's POST leaves the meetings, agenda, papers and mail as they were."""

    def counts():
        db.session.expire_all()
        return [
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Meeting, Attendance, AgendaAttachment, Resolution, OutgoingMail)
        ]

    before = counts()
    for _name, method, template, data, expected in ROUTES:
        if method != "POST":
            continue
        for role in ROLES:
            if expected[role] != OK:
                as_role(role)
                _answer(client, world, method, template.format(**world.ids), data)
    assert counts() == before


# Papers ----------------------------------------------------------------------------------------


def test_a_paper_is_checked_stored_and_served_inline_and_never_cached(client, world, as_role):
    as_role("secretary")
    item = world.ids["private_item"]
    response = client.post(
        f"/governance/meetings/items/{item}/papers",
        data={"paper": (io.BytesIO(one_page_pdf()), "../../ข้อเสนอ วาระ 4.1.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    paper = db.session.scalars(
        sa.select(AgendaAttachment).where(AgendaAttachment.agenda_item_id == item)
        .order_by(AgendaAttachment.id.desc())
    ).first()  # fmt: skip
    assert paper.filename == "ข้อเสนอ วาระ 4.1.pdf"
    assert paper.storage_key.startswith("agenda-files/")
    as_role("member")
    served = client.get(f"/governance/meetings/papers/{paper.id}")
    assert served.status_code == 200
    assert served.data.startswith(b"%PDF-")
    assert "no-store" in served.headers["Cache-Control"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get(f"/governance/meetings/{world.ids['private']}").get_data(as_text=True)
    assert f"/governance/meetings/papers/{paper.id}" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 a word file", "must be a PDF, JPEG or PNG"),
        (b"%PDF-1.7 not really", "is not a readable PDF"),
        (b"", "Choose a file to attach"),
    ],
)
def test_a_paper_that_is_not_a_readable_pdf_or_image_is_refused(
    client, world, as_role, content, message
):
    as_role("secretary")
    item = world.ids["private_item"]
    response = client.post(
        f"/governance/meetings/items/{item}/papers",
        data={"paper": (io.BytesIO(content), "x.docx" if content else "")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    count = sa.select(sa.func.count(AgendaAttachment.id)).where(
        AgendaAttachment.agenda_item_id == item
    )
    assert db.session.scalar(count) == 1


def test_the_public_sees_neither_a_members_only_meeting_nor_its_papers(client, world, as_role):
    as_role("visitor")
    for url in (
        f"/governance/meetings/{world.ids['private']}",
        f"/governance/meetings/{world.ids['private']}.ics",
        f"/governance/meetings/papers/{world.ids['private_paper']}",
    ):
        assert client.get(url).status_code == 404, url
    public = client.get(f"/governance/meetings/{world.ids['public']}").get_data(as_text=True)
    assert f"/governance/meetings/papers/{world.ids['public_paper']}" in public
    assert "Run the meeting" not in public


# Attendance and quorum -----------------------------------------------------------------------


@pytest.mark.parametrize(("present", "met"), [(3, True), (2, False)])
def test_attendance_counts_present_members_against_the_quorum(client, app, login, present, met):
    group = body(quorum_percent=50)
    secretary = user()
    seat(group, MemberRole.SECRETARY, account=secretary)
    for _ in range(4):
        seat(group, MemberRole.MEMBER)
    found = meeting(group, days=-1)
    db.session.commit()
    rows = [r for r in found.attendance if r.member_id]
    assert len(rows) == 5
    statuses = ["present"] * present + ["excused"] + ["absent"] * (4 - present)
    login(secretary)
    response = client.post(
        f"/governance/meetings/{found.id}/attendance",
        data={f"row-{r.id}": s for r, s in zip(rows, statuses, strict=True)},
    )
    assert response.status_code == 303
    client.post(
        f"/governance/meetings/{found.id}/observers",
        data={"person_name": "ผู้สังเกตการณ์", "organisation_name": "มูลนิธิ"},
    )
    assert client.post(f"/governance/meetings/{found.id}/held").status_code == 303
    db.session.expire_all()
    quorum = services.quorum(db.session.get(Meeting, found.id))
    assert (quorum.present, quorum.members, quorum.needed, quorum.met) == (present, 5, 3, met)
    page = client.get(f"/governance/meetings/{found.id}").get_data(as_text=True)
    assert f"{present} of 5 members present" in page
    assert ("quorum reached" in page) is met
    assert ("no quorum (3 needed)" in page) is not met
    assert "1 observer" in page


def test_a_status_that_is_not_a_members_is_refused(client, world, as_role):
    as_role("secretary")
    past = db.session.get(Meeting, world.ids["past"])
    row = next(r for r in past.attendance if r.member_id)
    response = client.post(
        f"/governance/meetings/{past.id}/attendance", data={f"row-{row.id}": "observer"}
    )
    assert response.status_code == 422
    db.session.refresh(row)
    assert row.status is AttendanceStatus.INVITED


def test_a_meeting_to_come_cannot_be_marked_held(client, world, as_role):
    as_role("staff")
    response = client.post(f"/governance/meetings/{world.ids['private']}/held")
    assert response.status_code == 303
    assert "only once it has started" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Meeting, world.ids["private"]).state is MeetingState.SCHEDULED


# Resolutions ---------------------------------------------------------------------------------


def test_a_resolution_is_recorded_once_even_from_a_crafted_post(client, world, as_role):
    as_role("secretary")
    url = f"/governance/meetings/items/{world.ids['done_item']}/resolution"
    first = client.post(url, data={"outcome": "approved", "text_th": "เห็นชอบ"})
    assert first.status_code == 303
    second = client.post(url, data={"outcome": "not_approved", "text_th": "ไม่เห็นชอบ"})
    assert second.status_code == 303
    assert "already has its resolution" in client.get(second.headers["Location"]).get_data(
        as_text=True
    )
    rows = db.session.scalars(
        sa.select(Resolution).where(Resolution.agenda_item_id == world.ids["done_item"])
    ).all()
    assert [(r.outcome.value, r.text_th) for r in rows] == [("approved", "เห็นชอบ")]
    page = client.get(url).get_data(as_text=True)
    assert "cannot be changed" not in page and "stands once recorded" in page


def test_no_resolution_before_the_meeting_is_held(client, world, as_role):
    as_role("staff")
    url = f"/governance/meetings/items/{world.ids['private_item']}/resolution"
    response = client.post(url, data={"outcome": "approved", "text_th": "เห็นชอบ"})
    assert response.status_code == 303
    assert "Mark the meeting as held" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count(Resolution.id))) == 0


# Changing and cancelling ---------------------------------------------------------------------


def test_a_meeting_cannot_move_into_another_year(client, world, as_role):
    as_role("staff")
    found = db.session.get(Meeting, world.ids["public"])
    other_year = bangkok_form(date(found.starts_at.year + 2, 1, 15), visibility="public")
    response = client.post(f"/governance/meetings/{found.id}/edit", data=other_year)
    assert "cannot move into another year" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, found.id).starts_at == found.starts_at


def test_a_cancelled_meeting_cannot_be_changed_or_invited_to(client, world, as_role):
    as_role("staff")
    mid = world.ids["private"]
    assert client.post(f"/governance/meetings/{mid}/cancel").status_code == 303
    again = client.post(f"/governance/meetings/{mid}/cancel")
    assert "Only a scheduled meeting can be cancelled" in client.get(
        again.headers["Location"]
    ).get_data(as_text=True)
    edit = client.post(f"/governance/meetings/{mid}/edit", data=bangkok_form(date(2030, 1, 2)))
    assert edit.status_code == 303
    invite = client.post(f"/governance/meetings/{mid}/invitations")
    assert "only for a scheduled meeting" in client.get(invite.headers["Location"]).get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) == 0


# Invitations ---------------------------------------------------------------------------------


@pytest.fixture()
def smtp(app, monkeypatch):
    server = SMTPServer().start()
    for key, value in server.config.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 2)
    try:
        yield server
    finally:
        server.stop()


def _mails() -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(OutgoingMail.to_address, sa.func.count()).group_by(OutgoingMail.to_address)
    ).all()
    return dict(rows)


def test_the_invitation_carries_the_agenda_and_the_event(client, world, as_role, smtp):
    as_role("secretary")
    mid = world.ids["private"]
    response = client.post(f"/governance/meetings/{mid}/invitations")
    assert response.status_code == 303
    addresses = {"chair@example.test", world["member"].email, world["secretary"].email}
    assert _mails() == dict.fromkeys(addresses, 1)
    mail = db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.to_address == world["member"].email)
    ).one()
    assert "เรื่อง" in mail.body  # the agenda's item
    assert f"/governance/meetings/{mid}" in mail.body
    assert "BEGIN:VEVENT" in mail.calendar
    (name, content_type, text) = smtp.attachments_to("chair@example.test")[0]
    assert (name, content_type) == ("invite.ics", "text/calendar")
    assert f"UID:meeting-{mid}@localhost" in text
    # a second click sends nothing more
    client.post(f"/governance/meetings/{mid}/invitations")
    assert _mails() == dict.fromkeys(addresses, 1)
    # "send again" is the deliberate way to mail the changed agenda once more
    button = _again(mid)
    client.post(f"/governance/meetings/{mid}/invitations/again", data=button)
    assert _mails() == dict.fromkeys(addresses, 2)
    # the same page's button pressed twice: no third round
    client.post(f"/governance/meetings/{mid}/invitations/again", data=button)
    assert _mails() == dict.fromkeys(addresses, 2)
    again = db.session.scalars(
        sa.select(OutgoingMail.subject).where(OutgoingMail.to_address == "chair@example.test")
    ).all()
    assert sum("(ฉบับแก้ไข)" in s for s in again) == 1  # the chair has no account: Thai
    bad = client.post(
        f"/governance/meetings/{mid}/invitations/again", data={"sent_until": "yesterday"}
    )
    assert "out of date" in client.get(bad.headers["Location"]).get_data(as_text=True)
    page = client.get(f"/governance/meetings/{mid}/agenda").get_data(as_text=True)
    assert "3 of 3 members invited" in page


def test_a_member_without_an_address_is_not_marked_invited(client, app, login):
    group = body()
    secretary = user()
    seat(group, MemberRole.SECRETARY, account=secretary)
    seat(group, MemberRole.MEMBER)  # no account, no address
    found = meeting(group)
    db.session.commit()
    login(secretary)
    response = client.post(f"/governance/meetings/{found.id}/invitations")
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 member has no e-mail address" in after
    db.session.expire_all()
    invited = [r.invited_at is not None for r in db.session.get(Meeting, found.id).attendance]
    assert sorted(invited) == [False, True]


@pytest.mark.parametrize("threads", [2, 8])
def test_simultaneous_sends_mail_each_member_once(app, world, threads):
    mid = world.ids["private"]
    secretary, staff = world["secretary"], world["staff"]
    addresses = ("chair@example.test", world["member"].email, world["secretary"].email)
    with live_server(app) as server:
        sessions = [server.session_for(secretary if i % 2 else staff) for i in range(threads)]
        url = f"{server.url}/governance/meetings/{mid}/invitations"
        statuses = all_at_once(threads, lambda i: sessions[i].post(url, allow_redirects=False))
        assert _mails() == dict.fromkeys(addresses, 1)
        # "send again" from one page, pressed in several tabs at once: one more round
        button = _again(mid)
        statuses += all_at_once(
            threads, lambda i: sessions[i].post(f"{url}/again", data=button, allow_redirects=False)
        )
    assert server.errors == []
    assert statuses == [303] * threads * 2
    assert _mails() == dict.fromkeys(addresses, 2)


def test_the_bodies_page_lists_a_coming_meeting_for_the_public(client, world, as_role):
    as_role("visitor")
    page = client.get("/governance/").get_data(as_text=True)
    assert f"/governance/meetings/{world.ids['public']}" in page
    assert f'/governance/meetings/{world.ids["private"]}"' not in page


def test_the_meeting_page_asks_few_queries_whatever_the_agenda(client, world, as_role, app):
    """The papers of a long agenda come in one query."""
    from sqlalchemy import event

    found = db.session.get(Meeting, world.ids["public"])
    as_role("visitor")

    def count() -> int:
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/governance/meetings/{found.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = count()
    for n in range(6):
        item = services.add_agenda_item(found, kind=AgendaKind.INFORMATION, title_th=f"เรื่อง {n}")
        db.session.add(
            AgendaAttachment(
                agenda_item_id=item.id, filename="a.pdf", content_type="application/pdf",
                size_bytes=5, storage_key=f"agenda-files/{n + 100:032x}.pdf", sha256="0" * 64,
            )
        )  # fmt: skip
    db.session.commit()
    assert count() == few


def test_times_on_the_pages_are_in_bangkok(client, app, login):
    staff = user(is_staff=True)
    group = body()
    found = services.schedule_meeting(
        group, starts_at=datetime(2031, 3, 4, 2, 0, tzinfo=UTC), place="ห้อง"
    )
    db.session.commit()
    login(staff)
    page = client.get(f"/governance/meetings/{found.id}/edit").get_data(as_text=True)
    assert 'value="09:00"' in page
    assert 'value="2031-03-04"' in page
    assert utcnow() < found.starts_at + timedelta(days=3650)
