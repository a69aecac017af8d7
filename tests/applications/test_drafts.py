"""A draft saves half done; submitting asks for what is missing; a second tab's submit is told
the application is already in (issue 16, items 13 and 16)."""

from __future__ import annotations

from partnership.applications.models import Application, ApplicationState
from partnership.notifications.models import OutgoingMail

BUDGET = {"budget-0-item": "โน้ตบุ๊ก", "budget-0-unit_price": "14,990", "budget-0-quantity": "2"}
FULL = {"summary": "สรุป", "need": "ความต้องการ", "delivery_plan": "แผน", "teachers_benefiting": "1"}
FULL |= BUDGET


def test_a_half_done_draft_saves_and_submitting_asks_for_the_rest(
    client, db, make_programme, school_staff, login
):
    programme = make_programme()
    user, school = school_staff()
    login(user)
    form = client.get(f"/programmes/{programme.id}/apply?school={school.id}")
    assert "only the title is needed now" in form.text
    # Only a title: no summary, need, plan, teacher count or budget.
    response = client.post(
        f"/programmes/{programme.id}/apply?school={school.id}", data={"title": "ห้องสมุด"}
    )
    assert response.status_code == 302, response.text
    application = db.session.scalar(db.select(Application))
    assert (application.title, application.summary, application.teachers_benefiting) == (
        "ห้องสมุด", "", 0,
    )  # fmt: skip
    page = client.get(f"/applications/{application.id}")
    assert "Write the summary." in page.text and "Write the delivery plan." in page.text

    response = client.post(f"/applications/{application.id}/submit", follow_redirects=True)
    assert "Describe the need." in response.text
    db.session.expire_all()
    assert application.state == ApplicationState.DRAFT
    assert db.session.scalar(db.select(db.func.count(OutgoingMail.id))) == 0

    # Half more, saved again; then the rest, and it goes in.
    edit = f"/applications/{application.id}/edit"
    assert client.post(edit, data={"title": "ห้องสมุด", "summary": "สรุป"}).status_code == 302
    assert client.post(edit, data={"title": "ห้องสมุด", **FULL}).status_code == 302
    client.post(f"/applications/{application.id}/submit")
    db.session.expire_all()
    assert application.state == ApplicationState.ELIGIBLE


def test_a_draft_still_needs_its_title(client, db, make_programme, school_staff, login):
    programme = make_programme()
    user, school = school_staff()
    login(user)
    response = client.post(
        f"/programmes/{programme.id}/apply?school={school.id}", data={"summary": "สรุป"}
    )
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_submitting_again_from_a_second_tab_says_already_submitted(
    client, db, make_programme, school_staff, login, login_as
):
    programme = make_programme()
    user, school = school_staff()
    login(user)
    client.post(
        f"/programmes/{programme.id}/apply?school={school.id}", data={"title": "ห้องสมุด", **FULL}
    )
    application = db.session.scalar(db.select(Application))
    assert client.post(f"/applications/{application.id}/submit").status_code == 302
    second = client.post(f"/applications/{application.id}/submit")
    assert second.status_code == 302
    assert second.headers["Location"].endswith(f"/applications/{application.id}")
    page = client.get(second.headers["Location"])
    assert "already submitted" in page.text
    db.session.expire_all()
    assert application.state == ApplicationState.ELIGIBLE
    assert len(application.events) == 3  # draft, submitted, eligible: nothing twice
    # Someone who is not the school's staff still gets no such answer.
    login_as("school")
    assert client.post(f"/applications/{application.id}/submit").status_code == 403
