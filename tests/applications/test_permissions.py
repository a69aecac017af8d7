"""Who may see and change an application: a matrix of role × state × action."""

from __future__ import annotations

import pytest

from partnership.applications.models import Application, ApplicationState

A = ApplicationState

FORM = {
    "title": "แก้ไขแล้ว", "summary": "s", "need": "n", "delivery_plan": "d",
    "teachers_benefiting": "1", "budget-0-item": "x", "budget-0-unit_price": "1",
    "budget-0-quantity": "1",
}  # fmt: skip


@pytest.fixture()
def world(make_programme, school_staff, make_application, make_user, add_membership, make_org):
    programme = make_programme()
    owner, school = school_staff()
    other, _ = school_staff()
    sponsor = make_user()
    add_membership(sponsor, organisation=make_org())
    return {
        "programme": programme,
        "school": school,
        "owner": owner,
        "other_school": other,
        "sponsor": sponsor,
        "donor": make_user(),
        "staff": make_user(is_staff=True),
    }


ROLES = ["owner", "other_school", "sponsor", "donor", "staff", "anonymous"]
VIEW = {"owner": 200, "other_school": 403, "sponsor": 403, "donor": 403, "staff": 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", [A.DRAFT, A.ELIGIBLE])
def test_view_and_edit_matrix(client, db, world, make_application, act_as, role, state):
    application = make_application(world["programme"], world["school"], state=state)
    act_as(world.get(role))
    view = client.get(f"/applications/{application.id}")
    edit_page = client.get(f"/applications/{application.id}/edit")
    edit_post = client.post(f"/applications/{application.id}/edit", data=FORM)
    submit = client.post(f"/applications/{application.id}/submit")
    if role == "anonymous":
        assert {view.status_code, edit_page.status_code, edit_post.status_code} <= {302, 401}
    else:
        assert view.status_code == VIEW[role]
        may_edit = role == "owner" and state == A.DRAFT
        assert edit_page.status_code == (200 if may_edit else 403)
        assert edit_post.status_code == (302 if may_edit else 403)
        if role == "owner" and state != A.DRAFT:  # told it is already submitted, not a 403
            assert submit.status_code == 302
            assert submit.headers["Location"].endswith(f"/applications/{application.id}")
        elif not may_edit:
            assert submit.status_code == 403
    db.session.expire_all()
    title = db.session.get(Application, application.id).title
    assert title == ("แก้ไขแล้ว" if role == "owner" and state == A.DRAFT else "โครงการโน้ตบุ๊ก")


def test_submitted_application_is_locked_for_the_school(
    client, db, world, make_application, act_as
):
    application = make_application(world["programme"], world["school"])
    act_as(world["owner"])
    assert client.post(f"/applications/{application.id}/submit").status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.state == A.ELIGIBLE
    lines_before = [(b.item, b.unit_price_satang, b.quantity) for b in application.budget_lines]
    assert client.post(f"/applications/{application.id}/edit", data=FORM).status_code == 403
    assert client.post(f"/applications/{application.id}/submit").status_code == 302  # "already"
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.title == "โครงการโน้ตบุ๊ก"
    assert [(b.item, b.unit_price_satang, b.quantity) for b in application.budget_lines] == (
        lines_before
    )
    assert [e.to_state for e in application.events] == ["submitted", "eligible"]


def test_other_school_cannot_withdraw(client, db, world, make_application, act_as):
    application = make_application(world["programme"], world["school"], state=A.ELIGIBLE)
    act_as(world["other_school"])
    assert client.post(f"/applications/{application.id}/withdraw").status_code == 403
    act_as(world["owner"])
    assert (
        client.post(
            f"/applications/{application.id}/withdraw", data={"reason": "ได้งบอื่นแล้ว"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == A.WITHDRAWN


def test_cannot_apply_for_another_school(client, db, world, act_as, make_school):
    act_as(world["owner"])
    stranger = make_school()
    url = f"/programmes/{world['programme'].id}/apply?school={stranger.id}"
    assert client.get(url).status_code == 403
    assert client.post(url, data=FORM).status_code == 403
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_one_application_per_school_unless_allowed(client, db, world, make_application, act_as):
    make_application(world["programme"], world["school"])
    act_as(world["owner"])
    url = f"/programmes/{world['programme'].id}/apply?school={world['school'].id}"
    response = client.get(url, follow_redirects=True)
    assert "already has an application" in response.text
    world["programme"].max_applications_per_school = 2
    db.session.commit()
    assert client.get(url).status_code == 200


def test_closed_programme_refuses_new_drafts(client, db, world, act_as):
    from datetime import timedelta

    from partnership.db_types import utcnow

    world["programme"].closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    act_as(world["owner"])
    url = f"/programmes/{world['programme'].id}/apply?school={world['school'].id}"
    response = client.post(url, data=FORM, follow_redirects=True)
    assert "The closing time has passed" in response.text
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0
