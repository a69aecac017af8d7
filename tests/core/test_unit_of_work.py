"""The request is the unit of work (``core.unit_of_work``): one commit after a successful unsafe
request, then its mail; a refusal or any other exception writes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from partnership.core.unit_of_work import Refused, commit_now, finish_request
from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from partnership.registry import services as registry_services
from partnership.registry.models import SchoolYearStat
from partnership.registry.services import RegistryError
from tests.smtp_server import SMTPServer

#: The start of the refusal's message in Thai, the default language.
NOTHING_CHANGED_TH = "ทำรายการนี้ไม่ได้"
FIGURES = {"academic_year": "2568", "pupils": "100", "teachers": "6"}


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


@pytest.fixture()
def commits():
    """How many commits each session made while the test ran."""
    seen = []

    def count(session):
        seen.append(session)

    sa.event.listen(Session, "after_commit", count)
    try:
        yield seen
    finally:
        sa.event.remove(Session, "after_commit", count)


def _stats(school_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(sa.func.count(SchoolYearStat.id)).where(SchoolYearStat.school_id == school_id)
    )


@pytest.fixture()
def school_editor(make_school, login_as):
    """A school's staff member while the collection for 2568 (FIGURES' year) is open."""
    from datetime import timedelta

    from partnership.registry.school_data.models import CollectionWindow
    from partnership.registry.school_data.services import today

    school = make_school()
    db.session.add(
        CollectionWindow(academic_year=2025, opens_on=today(), closes_on=today() + timedelta(30))
    )
    db.session.commit()
    login_as("school", school=school)
    return school


def _write_then(error: Exception):
    """``record_year_stat`` that writes its row and then fails with ``error``."""
    real = registry_services.record_year_stat

    def record(*args, **kwargs):
        real(*args, **kwargs)  # flushed: the row is in the transaction
        raise error

    return record


def test_a_successful_post_commits_once_and_then_delivers_its_mail(
    app, client, make_user, smtp, commits, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "inline")
    user = make_user("reset-me@example.org")
    from partnership.notifications import delivery

    real_deliver = delivery.deliver_one
    at_delivery = []

    def deliver_one(mail_id):
        at_delivery.append((len(commits), list(smtp.subjects())))
        return real_deliver(mail_id)

    monkeypatch.setattr(delivery, "deliver_one", deliver_one)
    commits.clear()
    response = client.post("/password/reset", data={"email": user.email})
    assert response.status_code == 302
    # The request's work was committed once, and only then did its one mail go out.
    assert at_delivery == [(1, [])]
    assert len(smtp.subjects()) == 1
    db.session.expire_all()
    assert db.session.scalars(sa.select(OutgoingMail.to_address)).all() == [user.email]


def test_a_post_that_fails_leaves_nothing_written(client, school_editor, monkeypatch):
    monkeypatch.setattr(
        "partnership.registry.views.services.record_year_stat",
        _write_then(RuntimeError("a bug after the write")),
    )
    with pytest.raises(RuntimeError):  # TESTING propagates it; a server answers 500
        client.post(f"/schools/{school_editor.id}/stats", data=FIGURES)
    assert _stats(school_editor.id) == 0


def test_a_refused_form_is_rolled_back_and_sent_back_with_the_reason(
    client, school_editor, monkeypatch
):
    monkeypatch.setattr(
        "partnership.registry.views.services.record_year_stat", _write_then(RegistryError("no"))
    )
    back = f"http://localhost/schools/{school_editor.id}?tab=stats"
    response = client.post(
        f"/schools/{school_editor.id}/stats", data=FIGURES, headers={"Referer": back}
    )
    assert response.status_code == 303
    assert response.location == f"/schools/{school_editor.id}?tab=stats"
    assert _stats(school_editor.id) == 0
    with client.session_transaction() as session:
        [(category, message)] = session["_flashes"]
    assert category == "error" and message.startswith(NOTHING_CHANGED_TH)


def test_a_refused_form_from_elsewhere_goes_back_to_our_home_page(
    client, school_editor, monkeypatch
):
    monkeypatch.setattr(
        "partnership.registry.views.services.record_year_stat", _write_then(RegistryError("no"))
    )
    response = client.post(
        f"/schools/{school_editor.id}/stats",
        data=FIGURES,
        headers={"Referer": "https://evil.example/phish"},
    )
    assert response.status_code == 303 and response.location == "/"
    assert _stats(school_editor.id) == 0


def test_a_refusal_asked_for_json_answers_409_json(client, school_editor, monkeypatch):
    monkeypatch.setattr(
        "partnership.registry.views.services.record_year_stat", _write_then(RegistryError("no"))
    )
    response = client.post(
        f"/schools/{school_editor.id}/stats",
        data=FIGURES,
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409 and response.json["status"] == 409
    assert _stats(school_editor.id) == 0


def test_a_refusal_outside_a_form_answers_the_409_page(client, school_editor, monkeypatch):
    def refuse():
        raise RegistryError("no")

    monkeypatch.setattr("partnership.registry.views.current_academic_year", refuse)
    response = client.get(f"/schools/{school_editor.id}")  # the editor's figures form
    assert response.status_code == 409
    assert NOTHING_CHANGED_TH in response.text


def test_an_error_answer_to_a_post_is_rolled_back(app, make_school):
    school = make_school()
    with app.test_request_context(method="POST"):
        db.session.add(SchoolYearStat(school=school, academic_year=2025, pupils=1, teachers=1))
        db.session.flush()
        finish_request(app.response_class("invalid", status=422))
    assert _stats(school.id) == 0


def test_a_get_commits_nothing(app, make_school):
    school = make_school()
    with app.test_request_context(method="GET"):
        db.session.add(SchoolYearStat(school=school, academic_year=2025, pupils=1, teachers=1))
        db.session.flush()
        finish_request(app.response_class("page"))
        db.session.rollback()  # what the request's teardown does
    assert _stats(school.id) == 0


def test_a_refusal_raised_with_a_sentence_shows_that_sentence(app):
    from flask_babel import lazy_gettext as _l

    with app.test_request_context():
        assert Refused(_l("A sentence for the person")).user_message() == (
            "A sentence for the person"
        )
        # A machine's internal detail is never shown: the person reads that nothing changed.
        assert Refused("campaign 3 changed under us").user_message().startswith(NOTHING_CHANGED_TH)


def test_an_early_commit_says_why(app):
    with pytest.raises(ValueError):
        commit_now(reason=" ")


class _NotNow(RegistryError):
    """A refusal whose every instance means one thing: the class says it."""

    message = _l("Test refusal: not now.")  # not in the catalogue: read as written


@pytest.mark.parametrize("accept", [None, "*/*", "text/html"])
def test_a_view_s_return_page_wins_over_the_referrer(client, school_editor, monkeypatch, accept):
    """The network re-apply button says where a refusal returns to (the school's page): that
    is where the person lands, with the class's sentence, whatever page they came from and
    even from a client that accepts anything."""

    def refuse(*args):
        raise _NotNow("internal detail, never shown")

    monkeypatch.setattr("partnership.registry.views.services.request_network_admission", refuse)
    headers = {"Referer": "http://localhost/account"} | ({"Accept": accept} if accept else {})
    response = client.post(f"/schools/{school_editor.id}/network/apply", headers=headers)
    assert response.status_code == 303
    assert response.location == f"/schools/{school_editor.id}"
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", "Test refusal: not now.")]


def test_a_client_preferring_json_still_gets_the_409_json(client, school_editor, monkeypatch):
    def refuse(*args):
        raise _NotNow("internal detail, never shown")

    monkeypatch.setattr("partnership.registry.views.services.request_network_admission", refuse)
    response = client.post(
        f"/schools/{school_editor.id}/network/apply", headers={"Accept": "application/json"}
    )
    assert response.status_code == 409
    assert response.json == {"error": "Test refusal: not now.", "status": 409}
