"""Places are never over-booked and the waiting list moves up exactly once, under simultaneous
requests against a threaded live server (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest

from partnership.extensions import db
from partnership.governance.sessions.services import (
    PublicSession,
    RegistrationState,
    SessionRegistration,
    positions_of,
    register,
    registrations_of,
)
from tests.live import all_at_once, live_server

from .sessions_fixtures import *  # noqa: F403  (the fixtures)

THREADS = 16


@pytest.fixture()
def server(app):
    with live_server(app) as live:
        yield live
    assert live.errors == [], f"requests failed on the server: {live.errors!r}"


def _rows(session_id: int) -> list[SessionRegistration]:
    db.session.expire_all()
    return registrations_of(db.session.get(PublicSession, session_id))


def test_sixteen_at_once_for_five_places_five_confirmed_eleven_waiting_in_order(
    server, make_session, smtp
):
    session = make_session(capacity=5)
    session_id = session.id
    url = f"{server.url}/governance/sessions/{session_id}/register"
    import requests

    sessions = [requests.Session() for _ in range(THREADS)]
    statuses = all_at_once(
        THREADS,
        lambda i: sessions[i].post(
            url,
            data={"name": f"คนที่ {i}", "email": f"p{i}@example.org", "organisation": "x"},
            allow_redirects=False,
        ),
    )
    assert statuses == [303] * THREADS
    rows = _rows(session_id)
    confirmed = [r for r in rows if r.state is RegistrationState.CONFIRMED]
    waiting = [r for r in rows if r.state is RegistrationState.WAITING]
    assert len(confirmed) == 5 and len(waiting) == 11
    assert sorted(positions_of(rows).values()) == list(range(1, 12))
    assert sorted(r.queue_number for r in waiting) == list(range(1, 12))
    assert db.session.get(PublicSession, session_id).taken == 5
    # Everyone got exactly one mail; the confirmed with the event, the waiting with their number.
    for r in confirmed:
        assert len(smtp.bodies_to(r.email)) == 1
        assert [a[0] for a in smtp.attachments_to(r.email)] == ["invite.ics"]
    numbers = set()
    for r in waiting:
        [body] = smtp.bodies_to(r.email)
        assert smtp.attachments_to(r.email) == []
        # "You are number 3 on the waiting list" / "…รายชื่อสำรองลำดับที่ 3" (the visitor's language)
        numbers.add(int(re.search(r"(?:You are number|ลำดับที่) (\d+)", body).group(1)))
    assert numbers == set(range(1, 12))  # each position told once


def test_the_same_address_at_once_makes_one_registration_and_takes_one_place(server, make_session):
    session = make_session(capacity=5)
    session_id = session.id
    url = f"{server.url}/governance/sessions/{session_id}/register"
    import requests

    sessions = [requests.Session() for _ in range(8)]
    statuses = all_at_once(
        8,
        lambda i: sessions[i].post(
            url, data={"name": "คนเดียว", "email": "same@example.org"}, allow_redirects=False
        ),
    )
    assert sorted(statuses) == [303] + [409] * 7
    assert len(_rows(session_id)) == 1
    assert db.session.get(PublicSession, session_id).taken == 1


def _full_session_with_waiting(make_session, waiting: int):
    session = make_session(capacity=3)
    tokens = {}
    for n in range(3 + waiting):
        result = register(session, name=f"คน {n}", email=f"{n}@example.org")
        tokens[result.registration.id] = result.token
    db.session.commit()
    return session.id, tokens


def test_two_cancellations_at_once_move_two_up_none_twice(server, make_session):
    session_id, tokens = _full_session_with_waiting(make_session, waiting=4)
    rows = _rows(session_id)
    cancelling = [r for r in rows if r.state is RegistrationState.CONFIRMED][:2]
    urls = [f"{server.url}/governance/sessions/cancel/{tokens[r.id]}" for r in cancelling]
    import requests

    sessions = [requests.Session() for _ in range(2)]
    statuses = all_at_once(2, lambda i: sessions[i].post(urls[i], allow_redirects=False))
    assert statuses == [303, 303]
    rows = _rows(session_id)
    states = {r.email: r.state for r in rows}
    assert [states[f"{n}@example.org"] for n in range(7)] == [
        RegistrationState.CANCELLED, RegistrationState.CANCELLED, RegistrationState.CONFIRMED,
        RegistrationState.CONFIRMED, RegistrationState.CONFIRMED,  # the first two moved up
        RegistrationState.WAITING, RegistrationState.WAITING,
    ]  # fmt: skip
    assert db.session.get(PublicSession, session_id).taken == 3
    assert sorted(positions_of(rows).values()) == [1, 2]


def test_one_cancel_link_posted_many_times_at_once_moves_exactly_one_up(server, make_session):
    session_id, tokens = _full_session_with_waiting(make_session, waiting=3)
    first = [r for r in _rows(session_id) if r.state is RegistrationState.CONFIRMED][0]
    url = f"{server.url}/governance/sessions/cancel/{tokens[first.id]}"
    import requests

    sessions = [requests.Session() for _ in range(8)]
    statuses = all_at_once(8, lambda i: sessions[i].post(url, allow_redirects=False))
    assert all(code < 500 for code in statuses), statuses
    rows = _rows(session_id)
    states = [r.state for r in sorted(rows, key=lambda r: r.id)]
    assert states.count(RegistrationState.CANCELLED) == 1
    assert states.count(RegistrationState.CONFIRMED) == 3
    assert states.count(RegistrationState.WAITING) == 2
    assert db.session.get(PublicSession, session_id).taken == 3
