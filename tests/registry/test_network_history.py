"""Network admission keeps its history: every change of a school's network status appends an
event (who, when, from, to, the note) and the staff pages where it is decided show it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.registry.models import NetworkEvent, NetworkStatus, School

from .conftest import snapshot
from .test_registry import application

N = NetworkStatus


@pytest.fixture()
def applied(client, make_user, login):
    """A new user applies for a new school through /network/apply."""
    applicant = login(make_user(email="principal@example.test"))
    assert client.post("/network/apply", data=application()).status_code == 302
    return applicant, db.session.scalar(sa.select(School).where(School.code == "1040077701"))


def _moves(school_id: int) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(NetworkEvent).where(NetworkEvent.school_id == school_id).order_by(NetworkEvent.id)
    )
    return [(e.kind, e.from_state, e.to_state, e.actor_id, e.reason) for e in rows]


def test_every_admission_step_appends_an_event_and_the_columns_say_where_it_stands(
    client, make_user, school_staff, login
):
    teacher, school = school_staff(network_status=N.NONE)
    login(teacher)
    client.post(f"/schools/{school.id}/network/apply")
    staff = login(make_user(is_staff=True))
    client.post(f"/schools/{school.id}/network/decline", data={"note": "ส่งเอกสารไม่ครบ"})
    login(teacher)
    client.post(f"/schools/{school.id}/network/apply")
    login(staff)
    client.post(f"/schools/{school.id}/network/accept", data={"note": "ยินดีต้อนรับ"})
    client.post(f"/schools/{school.id}/network/leave", data={"note": "ย้ายไปเครือข่ายอื่น"})

    assert _moves(school.id) == [
        ("moved", N.NONE, N.APPLICANT, teacher.id, ""),
        ("moved", N.APPLICANT, N.DECLINED, staff.id, "ส่งเอกสารไม่ครบ"),
        ("moved", N.DECLINED, N.APPLICANT, teacher.id, ""),
        ("moved", N.APPLICANT, N.MEMBER, staff.id, "ยินดีต้อนรับ"),
        ("moved", N.MEMBER, N.LEFT, staff.id, "ย้ายไปเครือข่ายอื่น"),
    ]
    school = db.session.get(School, school.id)
    # The columns still hold the current state (the pages read them); the note is the last one.
    assert school.network_status == N.LEFT
    assert school.network_note == "ย้ายไปเครือข่ายอื่น"
    assert school.network_joined_on is not None and school.network_left_on is not None
    times = [e.at for e in school.network_events]
    assert times == sorted(times)


def test_a_new_school_applying_opens_its_history_with_the_motivation(applied):
    applicant, school = applied
    assert _moves(school.id) == [
        ("moved", None, N.APPLICANT, applicant.id, application()["motivation"])
    ]


def test_a_refused_move_appends_nothing(client, make_school, login_as):
    school = make_school(network_status=N.MEMBER)
    login_as("staff")
    before = snapshot()
    events = _moves(school.id)
    response = client.post(f"/schools/{school.id}/network/accept", data={"note": "ซ้ำ"})
    assert response.status_code in (302, 303)
    assert _moves(school.id) == events == []
    assert snapshot() == before


def test_staff_see_the_history_where_they_decide(client, make_user, school_staff, login):
    teacher, school = school_staff(network_status=N.NONE)
    login(teacher)
    client.post(f"/schools/{school.id}/network/apply")
    staff = login(make_user(is_staff=True, name="Somchai Staff"))
    client.post(f"/schools/{school.id}/network/decline", data={"note": "ส่งเอกสารไม่ครบ"})
    login(teacher)
    client.post(f"/schools/{school.id}/network/apply")

    login(staff)
    queue = client.get("/staff/network").text
    assert "Network history (3)" in queue  # applied, declined, applied again
    assert "ส่งเอกสารไม่ครบ" in queue and "Somchai Staff" in queue
    page = client.get(f"/schools/{school.id}").text
    assert 'id="network-history"' in page and "Application declined" in page

    # The school's own staff and the public see where it stands, not who decided what.
    login(teacher)
    assert 'id="network-history"' not in client.get(f"/schools/{school.id}").text
    client.post("/logout")
    assert 'id="network-history"' not in client.get(f"/schools/{school.id}").text


def test_a_first_application_is_not_folded_into_a_history_on_the_queue(client, applied, login_as):
    login_as("staff")
    queue = client.get("/staff/network").text
    assert "Network history" not in queue  # its one event is the "Applied" column
