"""State changes happen once and limits hold under simultaneous requests (live server, threads).

Each scenario releases 12 requests at the same moment against a threaded server, on SQLite and
on PostgreSQL. Exactly one wins; the others get the ordinary "not possible" answer; nothing
is written twice and no request fails with a 5xx or "database is locked".
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.applications.models import Application, ApplicationEvent, ApplicationState
from partnership.notifications.models import OutgoingMail
from partnership.programmes.models import ProgrammeEvent, ProgrammeState
from tests.live import all_at_once, live_server

THREADS = 12

DRAFT_FORM = {
    "title": "โน้ตบุ๊กเพื่อห้องเรียน ป.4–6",
    "summary": "โน้ตบุ๊กสำหรับนักเรียน",
    "need": "เครื่องไม่พอ",
    "delivery_plan": "ครูรับมอบและดูแล",
    "teachers_benefiting": "3",
    "pupils-0": "18",
    "budget-0-item": "คอมพิวเตอร์โน้ตบุ๊ก",
    "budget-0-unit_price": "14,990.50",
    "budget-0-quantity": "3",
}


def _scalar(model, *where) -> int:
    from partnership.extensions import db

    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(model.id)).where(*where))


@pytest.fixture()
def server(app):
    with live_server(app) as live:
        yield live
    assert live.errors == [], f"requests failed on the server: {live.errors!r}"


def test_simultaneous_submits_make_one_transition_one_event_one_mail(
    server, make_programme, make_application, school_staff
):
    user, school = school_staff(contact_email="")
    application = make_application(make_programme(), school)
    sessions = [server.session_for(user) for _ in range(THREADS)]
    url = f"{server.url}/applications/{application.id}/submit"  # read here: threads have no app

    statuses = all_at_once(THREADS, lambda i: sessions[i].post(url, allow_redirects=False))

    assert all(code < 500 for code in statuses), statuses
    assert (
        _scalar(
            ApplicationEvent,
            ApplicationEvent.application_id == application.id,
            ApplicationEvent.to_state == ApplicationState.SUBMITTED.value,
        )
        == 1
    )
    # submitted, then the automatic check's result: eligible
    assert _scalar(ApplicationEvent, ApplicationEvent.application_id == application.id) == 2
    assert _scalar(OutgoingMail, OutgoingMail.to_address == user.email) == 1
    assert application.state == ApplicationState.ELIGIBLE


def test_simultaneous_new_applications_respect_the_per_school_limit(
    server, make_programme, school_staff
):
    user, school = school_staff()
    programme = make_programme(max_applications_per_school=1)
    school_id = school.id
    sessions = [server.session_for(user) for _ in range(THREADS)]
    url = f"{server.url}/programmes/{programme.id}/apply"

    statuses = all_at_once(
        THREADS,
        lambda i: sessions[i].post(
            url, data=DRAFT_FORM | {"title": f"ข้อเสนอที่ {i}"}, allow_redirects=False
        ),
    )

    assert all(code < 500 for code in statuses), statuses
    assert _scalar(Application, Application.school_id == school_id) == 1
    assert statuses.count(302) >= 1


def test_simultaneous_publishing_decides_once_and_mails_each_school_once(
    server, make_programme, make_application, school_staff, make_user
):
    staff = make_user(is_staff=True)
    programme = make_programme(state=ProgrammeState.REVIEWING)
    schools = [school_staff(contact_email="") for _ in range(2)]
    for _user, school in schools:
        make_application(programme, school, state=ApplicationState.APPROVED)
    sessions = [server.session_for(staff) for _ in range(THREADS)]
    url = f"{server.url}/review/programmes/{programme.id}/publish"

    # No review was written: publishing needs a reason to go ahead (issue 16 item 1).
    reason = {"override_reason": "ทดสอบพร้อมกัน"}
    statuses = all_at_once(
        THREADS, lambda i: sessions[i].post(url, data=reason, allow_redirects=False)
    )

    assert all(code < 500 for code in statuses), statuses
    assert (
        _scalar(
            ProgrammeEvent,
            ProgrammeEvent.programme_id == programme.id,
            ProgrammeEvent.to_state == ProgrammeState.DECIDED,
        )
        == 1
    )
    for user, _school in schools:
        assert _scalar(OutgoingMail, OutgoingMail.to_address == user.email) == 1
