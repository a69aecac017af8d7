"""Public sessions: registration (a place or the waiting list), the confirmation mail with the
meeting link and invite.ics, one registration per address, closed registration, the cancel link
that moves the first on the waiting list up, staff's list and CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.governance.sessions.services import (
    PublicSession,
    RegistrationState,
    SessionRefused,
    SessionRegistration,
    cancel,
    register,
    registration_by_token,
    waiting_position,
)
from partnership.notifications.models import OutgoingMail

from .sessions_fixtures import *  # noqa: F403  (the fixtures)
from .sessions_fixtures import cancel_token_in

pytestmark = pytest.mark.usefixtures("english")


def _post(client, session, n, **extra):
    data = {"name": f"ผู้ลงทะเบียน {n}", "email": f"person{n}@example.org", "organisation": "โรงเรียน"}
    data.update(extra)
    return client.post(f"/governance/sessions/{session.id}/register", data=data)


def _states(session) -> dict[str, RegistrationState]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(SessionRegistration).where(SessionRegistration.session_id == session.id)
    ).all()
    return {r.email: r.state for r in rows}


def test_registration_takes_a_place_and_mails_the_link_and_the_event(client, make_session, smtp):
    session = make_session(capacity=2)
    response = _post(client, session, 1, email="Person1@Example.org ")
    assert response.status_code == 303
    assert "You are registered" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PublicSession, session.id).taken == 1
    [body] = smtp.bodies_to("person1@example.org")
    assert "https://zoom.example.org/j/123" in body and "/governance/sessions/cancel/" in body
    [(name, content_type, text)] = smtp.attachments_to("person1@example.org")
    assert (name, content_type) == ("invite.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Public part"
    assert event.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") == session.ends_at.replace(microsecond=0)
    assert str(event["url"]) == "https://zoom.example.org/j/123"
    # The log keeps neither the cancel link nor the meeting link.
    logged = db.session.scalar(sa.select(OutgoingMail.body))
    assert "/governance/sessions/cancel/" not in logged and "j/123" not in logged
    # Only a hash of the secret is stored.
    token = cancel_token_in(body)
    assert db.session.scalar(sa.select(SessionRegistration.token_hash)) != token
    assert registration_by_token(token).email == "person1@example.org"


def test_beyond_capacity_the_waiting_list_in_order_with_its_position_in_the_mail(
    client, make_session, smtp
):
    session = make_session(capacity=1)
    for n in range(1, 4):
        assert _post(client, session, n).status_code == 303
    states = _states(session)
    assert states == {
        "person1@example.org": RegistrationState.CONFIRMED,
        "person2@example.org": RegistrationState.WAITING,
        "person3@example.org": RegistrationState.WAITING,
    }
    assert "number 2 on the waiting list" in smtp.bodies_to("person3@example.org")[0]
    assert smtp.attachments_to("person3@example.org") == []  # no place, no link, no event
    assert "zoom.example.org/j/123" not in smtp.bodies_to("person3@example.org")[0]
    page = client.get(f"/governance/sessions/{session.id}").get_data(as_text=True)
    assert "waiting list" in page and "zoom.example.org/j/123" not in page


def test_the_same_address_twice_is_one_registration_with_a_clear_message(
    client, make_session, smtp
):
    session = make_session(capacity=5)
    assert _post(client, session, 1).status_code == 303
    response = _post(client, session, 1, email="PERSON1@example.org", name="อีกครั้ง")
    assert response.status_code == 409
    assert "already registered for this session" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PublicSession, session.id).taken == 1
    assert len(_states(session)) == 1
    assert len(smtp.bodies_to("person1@example.org")) == 1


def test_the_unique_constraint_backs_a_simultaneous_duplicate(app, make_session):
    """Had two requests passed the check at once, the loser's insert finds the row and its whole
    transaction (its place too) rolls back."""
    session = make_session(capacity=5)
    register(session, name="ก", email="same@example.org")
    db.session.commit()
    from partnership.governance.sessions import services as module

    original = module.already_registered
    module.already_registered = lambda *a, **k: False
    try:
        with pytest.raises(SessionRefused):
            register(session, name="ข", email="same@example.org")
    finally:
        module.already_registered = original
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(PublicSession, session.id).taken == 1


@pytest.mark.parametrize("when", ["not yet open", "closed", "meeting cancelled"])
def test_registration_outside_its_window_is_refused_and_writes_nothing(client, make_session, when):
    if when == "not yet open":
        session = make_session(open_now=False)
    elif when == "closed":
        now = utcnow()
        session = make_session(
            registration_opens_at=now - timedelta(days=3),
            registration_closes_at=now - timedelta(minutes=1),
        )
    else:
        from partnership.governance.services import cancel_meeting

        session = make_session()
        cancel_meeting(session.meeting)
        db.session.commit()
    page = client.get(f"/governance/sessions/{session.id}").get_data(as_text=True)
    assert 'id="register-form"' not in page
    response = _post(client, session, 1)
    assert response.status_code == 409
    assert _states(session) == {}
    assert db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) == 0


def test_an_invalid_form_is_shown_again_and_writes_nothing(client, make_session):
    session = make_session()
    response = _post(client, session, 1, email="not an address", name="")
    assert response.status_code == 422
    assert _states(session) == {}


def test_cancelling_a_place_moves_the_first_on_the_waiting_list_up_with_a_mail(
    client, make_session, smtp
):
    session = make_session(capacity=1)
    for n in range(1, 4):
        _post(client, session, n)
    token = cancel_token_in(smtp.bodies_to("person1@example.org")[0])
    page = client.get(f"/governance/sessions/cancel/{token}")
    assert page.status_code == 200 and "Cancel and free my place" in page.get_data(as_text=True)
    assert _states(session)["person1@example.org"] is RegistrationState.CONFIRMED  # GET: no change
    response = client.post(f"/governance/sessions/cancel/{token}")
    assert response.status_code == 303
    states = _states(session)
    assert states["person1@example.org"] is RegistrationState.CANCELLED
    assert states["person2@example.org"] is RegistrationState.CONFIRMED
    assert states["person3@example.org"] is RegistrationState.WAITING
    assert db.session.get(PublicSession, session.id).taken == 1
    moved = smtp.bodies_to("person2@example.org")
    assert len(moved) == 2 and "A place became free" in moved[1]
    assert "zoom.example.org/j/123" in moved[1]
    assert [a[0] for a in smtp.attachments_to("person2@example.org")] == ["invite.ics"]
    third = db.session.scalar(
        sa.select(SessionRegistration).where(SessionRegistration.email == "person3@example.org")
    )
    assert waiting_position(third) == 1
    # The same link again: refused, nothing moves.
    again = client.post(f"/governance/sessions/cancel/{token}")
    assert again.status_code in (303, 409)
    assert _states(session)["person3@example.org"] is RegistrationState.WAITING


def test_cancelling_without_a_waiting_list_gives_the_place_back(app, make_session):
    session = make_session(capacity=2)
    first = register(session, name="ก", email="a@example.org")
    db.session.commit()
    assert cancel(first.registration) is None
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(PublicSession, session.id).taken == 0


def test_leaving_the_waiting_list_moves_nobody_and_keeps_the_order(app, make_session):
    session = make_session(capacity=1)
    results = [register(session, name=f"{n}", email=f"{n}@example.org") for n in range(4)]
    db.session.commit()
    assert [r.position for r in results] == [None, 1, 2, 3]
    assert cancel(results[1].registration) is None
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(PublicSession, session.id).taken == 1
    assert waiting_position(results[2].registration) == 1
    assert waiting_position(results[3].registration) == 2


def test_an_unknown_cancel_link_is_404(client, make_session):
    make_session()
    assert client.get("/governance/sessions/cancel/nothing-here").status_code == 404
    assert client.post("/governance/sessions/cancel/nothing-here").status_code == 404


def test_staff_see_the_registrations_with_counts_and_download_them(client, make_session, login_as):
    session = make_session(capacity=1)
    for n in range(3):
        register(session, name=f"คน {n}", email=f"{n}@example.org", organisation="องค์กร")
    db.session.commit()
    login_as("staff")
    page = client.get(f"/staff/sessions/{session.id}/registrations")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "1 of 1 taken" in text and "number 2" in text
    response = client.get(f"/staff/sessions/{session.id}/registrations.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "no-store" in response.headers["Cache-Control"]
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [line[1] for line in lines[1:]] == ["0@example.org", "1@example.org", "2@example.org"]
    assert [line[4] for line in lines[1:]] == ["", "1", "2"]


def test_staff_add_and_change_a_session_but_never_below_the_places_taken(
    client, make_session, login_as
):
    session = make_session(capacity=3)
    for n in range(2):
        register(session, name=f"คน {n}", email=f"{n}@example.org")
    db.session.commit()
    login_as("staff")
    form = {
        "title_th": "ส่วนสาธารณะ", "title_en": "", "description_th": "", "description_en": "",
        "starts_at": "2030-01-10T13:30", "ends_at": "2030-01-10T14:45", "capacity": "1",
        "registration_opens_at": "2029-12-01T09:00", "registration_closes_at": "2030-01-09T17:00",
        "meeting_url": "", "stream_url_th": "", "stream_url_en": "",
    }  # fmt: skip
    url = f"/staff/sessions/meetings/{session.meeting_id}"
    assert client.post(url, data=form).status_code == 409
    db.session.expire_all()
    assert db.session.get(PublicSession, session.id).capacity == 3
    assert client.post(url, data=form | {"capacity": "500"}).status_code == 303
    db.session.expire_all()
    changed = db.session.get(PublicSession, session.id)
    assert changed.capacity == 500 and changed.title_th == "ส่วนสาธารณะ"
    assert changed.starts_at.hour == 6  # 13:30 in Bangkok
    bad = client.post(url, data=form | {"ends_at": "2030-01-10T12:00", "capacity": "500"})
    assert bad.status_code == 409


REGISTRATION_FIELDS = ("name", "email", "organisation")
STAFF_FIELDS = (
    "title_th", "title_en", "description_th", "description_en", "starts_at", "ends_at",
    "capacity", "registration_opens_at", "registration_closes_at", "meeting_url",
    "stream_url_th", "stream_url_en",
)  # fmt: skip


def test_the_hostile_corpus_through_the_forms_is_never_a_500_and_writes_nothing(
    client, make_session, login_as
):
    from tests.hostile import CORPUS

    session = make_session(capacity=5)
    for n, (key, value) in enumerate(CORPUS.items()):
        for field in REGISTRATION_FIELDS:
            valid = {"name": "ผู้สนใจ", "email": f"ok{n}{field}@example.org", "organisation": ""}
            before = len(_states(session))
            response = client.post(
                f"/governance/sessions/{session.id}/register", data=valid | {field: value}
            )
            assert response.status_code < 500, (key, field)
            if response.status_code != 303:  # refused: nothing written
                assert len(_states(session)) == before, (key, field)
        for token in (value, "x" * 200):
            assert client.get(f"/governance/sessions/cancel/{token[:300]}").status_code in (
                404,
                405,
            )
    login_as("staff")
    url = f"/staff/sessions/meetings/{session.meeting_id}"
    before = db.session.get(PublicSession, session.id).title_th
    for key, value in CORPUS.items():
        for field in STAFF_FIELDS:
            response = client.post(
                url, data={name: value for name in STAFF_FIELDS} | {field: value}
            )
            assert response.status_code < 500, (key, field)
    db.session.expire_all()
    assert db.session.get(PublicSession, session.id).title_th == before
