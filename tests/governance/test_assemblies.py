"""Assemblies (สมัชชา): the public page lists the national and provincial assemblies with their
public sittings, policy proposals and adopted resolutions; the province page lists a province's
assemblies and their latest sitting. And the permission matrix of every route of assemblies and
public sessions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.governance import services
from partnership.governance.assemblies import province_assemblies
from partnership.governance.models import Body, BodyKind, MemberRole, Visibility
from partnership.governance.sessions.services import register
from partnership.registry.models import Sector
from tests.crowd import counted_queries

from .sessions_fixtures import *  # noqa: F403  (the fixtures)

pytestmark = pytest.mark.usefixtures("english")


def test_the_assemblies_page_shows_sittings_proposals_and_adopted_resolutions(
    client, khon_kaen_assembly
):
    body, sitting, hidden = khon_kaen_assembly
    national = Body(kind=BodyKind.NATIONAL_ASSEMBLY, name_th="สมัชชาการศึกษาแห่งชาติ")
    db.session.add(national)
    db.session.commit()
    response = client.get("/governance/assemblies")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.index("สมัชชาการศึกษาแห่งชาติ") < text.index("Khon Kaen Assembly")  # national first
    assert "Khon Kaen" in text  # the province's name
    assert f"/governance/meetings/{sitting.id}" in text
    assert "ข้อเสนอเชิงนโยบายเด็กปฐมวัย" in text and "ข้อเสนอเมืองแห่งการเรียนรู้" in text
    assert "รับรองข้อเสนอเด็กปฐมวัย" in text  # adopted
    assert "เลื่อนการพิจารณา" not in text  # deferred: a proposal, not an adopted resolution
    assert "ประชุมเฉพาะสมาชิก" not in text and f"/governance/meetings/{hidden.id}" not in text
    # The sitting's own page is the meeting page.
    assert client.get(f"/governance/meetings/{sitting.id}").status_code == 200


def _more_assemblies(count: int) -> None:
    from partnership.governance.models import AgendaKind, Outcome

    for n in range(count):
        body = Body(kind=BodyKind.PROVINCIAL_ASSEMBLY, province_code="41", name_th=f"สมัชชา {n}")
        db.session.add(body)
        db.session.flush()
        meeting = services.schedule_meeting(
            body, starts_at=datetime(2024, 1, 1 + n, 2, tzinfo=UTC), place="ห้อง",
            visibility=Visibility.PUBLIC,
        )  # fmt: skip
        item = services.add_agenda_item(meeting, kind=AgendaKind.CONSIDERATION, title_th="ข้อเสนอ")
        services.record_resolution(item, Outcome.APPROVED, "รับรอง")
    db.session.commit()


def test_the_assemblies_page_query_count_does_not_grow(client):
    _more_assemblies(1)
    with counted_queries() as one:
        assert client.get("/governance/assemblies").status_code == 200
    _more_assemblies(4)
    with counted_queries() as many:
        assert client.get("/governance/assemblies").status_code == 200
    assert len(one) == len(many)


def test_the_province_page_lists_its_assemblies_and_their_latest_public_sitting(
    client, khon_kaen_assembly
):
    body, sitting, hidden = khon_kaen_assembly
    text = client.get("/figures/provinces/40").get_data(as_text=True)
    assert 'id="province-assemblies"' in text
    assert "Khon Kaen Assembly" in text
    assert f"/governance/meetings/{sitting.id}" in text  # the latest PUBLIC sitting
    assert f"/governance/meetings/{hidden.id}" not in text
    other = client.get("/figures/provinces/50").get_data(as_text=True)
    assert "Khon Kaen Assembly" not in other
    assert [(b.id, m.id) for b, m in province_assemblies("40")] == [(body.id, sitting.id)]


def test_province_assemblies_is_one_query(app, khon_kaen_assembly):
    _more_assemblies(3)
    with counted_queries() as statements:
        rows = province_assemblies("41")
        [m.number_label for _b, m in rows]
    assert len(rows) == 3 and len(statements) == 1


# The permission matrix ------------------------------------------------------------------------

ROLES = ("visitor", "signed in", "member", "secretary", "staff")
OK = "ok"
LOGIN = "login"
NO = 403
EVERYONE = dict.fromkeys(ROLES, OK)
STAFF_ONLY = {r: (OK if r == "staff" else LOGIN if r == "visitor" else NO) for r in ROLES}

SESSION_FORM = {
    "title_th": "ส่วนสาธารณะ", "starts_at": "2030-01-10T13:30", "ends_at": "2030-01-10T14:45",
    "capacity": "500", "registration_opens_at": "2029-12-01T09:00",
    "registration_closes_at": "2030-01-09T17:00",
}  # fmt: skip

CASES = [
    ("assemblies", "GET", "/governance/assemblies", None, EVERYONE),
    ("sessions", "GET", "/governance/sessions/", None, EVERYONE),
    ("session page", "GET", "/governance/sessions/{s}", None, EVERYONE),
    ("register", "POST", "/governance/sessions/{s}/register",
     {"name": "ผู้สนใจ", "email": "someone@example.org"}, EVERYONE),
    ("cancel link", "GET", "/governance/sessions/cancel/{token}", None, EVERYONE),
    ("cancel", "POST", "/governance/sessions/cancel/{token}", {}, EVERYONE),
    ("session form", "GET", "/staff/sessions/meetings/{m}", None, STAFF_ONLY),
    ("save session", "POST", "/staff/sessions/meetings/{m}", SESSION_FORM, STAFF_ONLY),
    ("registrations", "GET", "/staff/sessions/{s}/registrations", None, STAFF_ONLY),
    ("registrations csv", "GET", "/staff/sessions/{s}/registrations.csv", None, STAFF_ONLY),
    ("registrations xlsx", "GET", "/staff/sessions/{s}/registrations.xlsx", None, STAFF_ONLY),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "data", "expected"), CASES)
def test_permissions(client, login, make_user, make_session, role, name, method, path, data,
                     expected):  # fmt: skip
    session = make_session(capacity=5)
    body = session.meeting.body
    token = register(session, name="ผู้ลงทะเบียน", email="holder@example.org").token
    db.session.commit()
    if role != "visitor":
        user = make_user(is_staff=role == "staff")
        if role in ("member", "secretary"):
            services.appoint_member(
                body, person_name="สมาชิก", sector=Sector.PRIVATE, user_id=user.id,
                role=MemberRole.SECRETARY if role == "secretary" else MemberRole.MEMBER,
                starts_on=datetime(2020, 1, 1).date(),
            )  # fmt: skip
            db.session.commit()
        login(user)
    url = path.format(s=session.id, m=session.meeting_id, token=token)
    response = client.open(url, method=method, data=data)
    want = expected[role]
    if want == OK:
        assert response.status_code in (200, 303), (name, role, response.status_code)
    elif want == LOGIN:
        assert response.status_code in (302, 401)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == want, (name, role, response.status_code)


def test_a_members_only_meeting_stays_hidden_behind_its_public_session(client, make_session):
    """The public session of a members-only meeting is public; the meeting itself is not, and
    the session page does not link to it for a visitor."""
    session = make_session(visibility=Visibility.MEMBERS)
    page = client.get(f"/governance/sessions/{session.id}").get_data(as_text=True)
    assert f"/governance/meetings/{session.meeting_id}" not in page
    assert client.get(f"/governance/meetings/{session.meeting_id}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Body.id))) == 1


def test_the_meeting_page_offers_its_public_session(client, login, make_user, make_session):
    session = make_session(visibility=Visibility.PUBLIC)
    page = client.get(f"/governance/meetings/{session.meeting_id}").get_data(as_text=True)
    assert 'id="public-session"' in page and f"/governance/sessions/{session.id}" in page
