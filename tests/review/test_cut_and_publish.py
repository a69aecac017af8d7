"""The suggested cut decides only what is undecided; publishing waits for the required reviews
unless staff give a reason (issue 16, item 1)."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.applications.models import ApplicationState
from partnership.notifications.models import OutgoingMail
from partnership.programmes.models import ProgrammeEvent, ProgrammeState
from partnership.registry.models import Sector

A = ApplicationState


def _scored(programme, make_application, public, private, assign, write_review, n, **kw):
    apps = []
    for i in range(n):
        app = make_application(programme, state=A.IN_REVIEW, requested=10_000_00, **kw)
        write_review(assign(public, app), [9 - i, 5])
        write_review(assign(private, app), [9 - i, 5])
        apps.append(app)
    return apps


def test_the_cut_never_overwrites_a_decision_taken_by_hand(
    client, db, login_as, make_programme, make_application, make_member, assign, write_review
):
    programme = make_programme(budget_total_satang=20_000_00)
    public, private = make_member(programme, Sector.PUBLIC), make_member(programme, Sector.PRIVATE)
    rejected, waitlisted, top_left, below = _scored(
        programme, make_application, public, private, assign, write_review, 4
    )
    login_as("staff")
    for app, decision, reason in (
        (rejected, "rejected", "ครุภัณฑ์ซ้ำกับที่ได้รับปีที่แล้ว"),
        (waitlisted, "waitlisted", "รอผลการตรวจสถานที่"),
    ):
        response = client.post(
            f"/review/programmes/{programme.id}/applications/{app.id}/decide",
            data={"decision": decision, "reason": reason},
        )
        assert response.status_code == 302
    response = client.post(f"/review/programmes/{programme.id}/cut", follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    # The first two are inside the budget line; the hand decisions stay as they were.
    assert (rejected.state, rejected.decision_reason) == (
        A.REJECTED, "ครุภัณฑ์ซ้ำกับที่ได้รับปีที่แล้ว",
    )  # fmt: skip
    assert (waitlisted.state, waitlisted.decision_reason) == (A.WAITLISTED, "รอผลการตรวจสถานที่")
    assert top_left.state == A.WAITLISTED and below.state == A.WAITLISTED
    assert "Decisions already taken were kept" in response.text
    # A second cut changes nothing at all.
    client.post(f"/review/programmes/{programme.id}/cut")
    db.session.expire_all()
    assert [a.state for a in (rejected, waitlisted, top_left, below)] == [
        A.REJECTED, A.WAITLISTED, A.WAITLISTED, A.WAITLISTED,
    ]  # fmt: skip
    assert rejected.decision_reason == "ครุภัณฑ์ซ้ำกับที่ได้รับปีที่แล้ว"


def test_publishing_with_missing_reviews_needs_a_recorded_reason(
    client, db, login_as, make_programme, make_application, make_member, assign, write_review,
    make_user, add_membership, login,
):  # fmt: skip
    programme = make_programme(reviews_per_application=2)
    public, private = make_member(programme, Sector.PUBLIC), make_member(programme, Sector.PRIVATE)
    [full] = _scored(programme, make_application, public, private, assign, write_review, 1)
    short = make_application(programme, state=A.IN_REVIEW, requested=10_000_00)
    write_review(assign(public, short), [6, 3])  # one of the two required
    assign(private, short)  # assigned, never submitted
    teacher = make_user()
    add_membership(teacher, school=short.school)
    login_as("staff")
    client.post(f"/review/programmes/{programme.id}/cut")
    db.session.expire_all()
    assert full.state in (A.APPROVED, A.WAITLISTED) and short.state != A.IN_REVIEW

    page = client.get(f"/review/programmes/{programme.id}/ranking")
    assert "Publish anyway" in page.text
    response = client.post(f"/review/programmes/{programme.id}/publish", follow_redirects=True)
    assert "fewer submitted reviews than the programme requires" in response.text
    db.session.expire_all()
    assert programme.state == ProgrammeState.REVIEWING
    assert db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) == 0

    client.post(
        f"/review/programmes/{programme.id}/publish",
        data={"override_reason": "   "},  # blank is no reason
    )
    db.session.expire_all()
    assert programme.state == ProgrammeState.REVIEWING

    client.post(
        f"/review/programmes/{programme.id}/publish",
        data={"override_reason": "กรรมการลาออกกลางรอบ"},
    )
    db.session.expire_all()
    assert programme.state == ProgrammeState.DECIDED
    event = db.session.scalars(
        sa.select(ProgrammeEvent).where(
            ProgrammeEvent.programme_id == programme.id,
            ProgrammeEvent.to_state == ProgrammeState.DECIDED,
        )
    ).one()
    assert "กรรมการลาออกกลางรอบ" in event.reason and "1" in event.reason
    assert event.actor.is_staff

    login(teacher)
    feedback = client.get(f"/applications/{short.id}/feedback")
    assert "Only 1 of the 2 reviews this programme requires" in feedback.text
    login_as("staff")
    assert (
        "reviews this programme requires"
        not in client.get(f"/applications/{full.id}/feedback").text
    )
