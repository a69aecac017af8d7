"""History is never lost in committee review, and the staff routes that change the committee.

Covers: ending a membership (remove-member route), the chair route, withdrawing a conflict
(remove-conflict route), unassigning (refused once a review has a history), audit rows that
the database refuses to cascade away, and what members see once the round is decided.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.applications.models import Application, ApplicationEvent, ApplicationState
from partnership.extensions import db
from partnership.programmes.models import ProgrammeState
from partnership.registry.models import Sector
from partnership.review.models import (
    CommitteeMember,
    ConflictOfInterest,
    ConflictSource,
    Rating,
    Review,
    ReviewAssignment,
    ReviewEvent,
)
from partnership.review.reviews import reopen_review


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(model.id)).where(*where))


@pytest.fixture()
def round_(make_programme, make_application, make_member, assign, write_review, make_user):
    """A programme in review with one application, one member who submitted and one who did
    not start, and a staff user."""
    programme = make_programme()
    application = make_application(programme)
    scorer = make_member(programme, Sector.PUBLIC)
    idle = make_member(programme, Sector.PRIVATE)
    done = assign(scorer, application)
    review = write_review(done, (8, 4))
    review.events.append(ReviewEvent(kind="submitted", actor_id=scorer.user_id))
    db.session.commit()
    pending = assign(idle, application)
    staff = make_user(is_staff=True)
    return programme, application, scorer, idle, done, pending, staff


# Unassigning -------------------------------------------------------------------------------


def test_a_reopened_review_cannot_be_unassigned_and_keeps_its_trail(client, login, round_):
    programme, application, scorer, idle, done, pending, staff = round_
    review = done.review
    reopen_review(review, "แก้คะแนนข้อ 2", staff)
    db.session.commit()
    login(staff)

    response = client.post(f"/review/assignments/{done.id}/remove", follow_redirects=True)

    assert "cannot be unassigned" in response.text
    assert _count(ReviewAssignment, ReviewAssignment.id == done.id) == 1
    assert _count(Review, Review.id == review.id) == 1
    assert _count(Rating, Rating.review_id == review.id) == 2
    assert _count(ReviewEvent, ReviewEvent.review_id == review.id) == 2  # submitted, reopened


def test_an_assignment_never_started_can_be_unassigned(client, login, round_):
    programme, application, scorer, idle, done, pending, staff = round_
    login(staff)
    response = client.post(f"/review/assignments/{pending.id}/remove", follow_redirects=True)
    assert "Assignment withdrawn." in response.text
    # Ended with who and why, never deleted; it no longer counts as an assignment in force.
    row = db.session.get(ReviewAssignment, pending.id, populate_existing=True)
    assert row.ended_at is not None and row.ended_by_id == staff.id
    assert row.end_reason == "withdrawn by staff" and not row.is_current
    assert (
        _count(
            ReviewAssignment, ReviewAssignment.ended_at.is_(None), ReviewAssignment.id == pending.id
        )
        == 0
    )


def test_a_withdrawn_assignment_can_be_made_again_and_only_one_is_current(round_):
    """The unique rule holds for current assignments only (a partial unique index): a pair
    withdrawn and assigned again has two rows, one ended and one in force."""
    from partnership.review.committee import assign_by_hand, unassign

    programme, application, scorer, idle, done, pending, staff = round_
    unassign(pending, staff)
    unassign(pending, staff)  # withdrawing it again changes nothing
    again = assign_by_hand(idle, application, staff)
    db.session.commit()
    rows = db.session.scalars(
        sa.select(ReviewAssignment)
        .where(ReviewAssignment.member_id == idle.id)
        .order_by(ReviewAssignment.id)
    ).all()
    assert [r.id for r in rows] == [pending.id, again.id]
    assert [r.is_current for r in rows] == [False, True]
    # A second current row for the pair is refused by the database.
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(ReviewAssignment(member_id=idle.id, application_id=application.id))
    db.session.rollback()


# Ending a membership ----------------------------------------------------------------------


def test_ending_a_membership_keeps_the_member_and_their_reviews(client, login, round_):
    programme, application, scorer, idle, done, pending, staff = round_
    login(staff)
    url = f"/review/programmes/{programme.id}/committee/{scorer.id}/remove"

    page = client.get(url)
    assert page.status_code == 200 and "Submitted reviews stay on record" in page.text
    refused = client.post(url, data={"reason": ""})
    assert refused.status_code == 200 and "This field is required." in refused.text
    db.session.expire_all()
    assert scorer.ended_at is None

    response = client.post(url, data={"reason": "ย้ายไปหน่วยงานอื่น"}, follow_redirects=True)

    assert "no longer on the committee" in response.text
    db.session.expire_all()
    assert scorer.ended_at is not None and scorer.ended_by_id == staff.id
    assert scorer.end_reason == "ย้ายไปหน่วยงานอื่น"
    assert _count(CommitteeMember, CommitteeMember.id == scorer.id) == 1
    assert _count(ReviewEvent, ReviewEvent.review_id == done.review.id) == 1
    assert "ย้ายไปหน่วยงานอื่น" in client.get(f"/review/programmes/{programme.id}/committee").text
    # Their submitted review still counts in the ranking.
    ranking = client.get(f"/review/programmes/{programme.id}/ranking")
    assert ranking.status_code == 200

    again = client.post(url, data={"reason": "ซ้ำ"}, follow_redirects=True)
    assert "already ended" in again.text


def test_ending_a_membership_withdraws_untouched_assignments_and_access(client, login, round_):
    programme, application, scorer, idle, done, pending, staff = round_
    login(staff)
    client.post(
        f"/review/programmes/{programme.id}/committee/{idle.id}/remove",
        data={"reason": "ไม่สะดวก"},
    )
    row = db.session.get(ReviewAssignment, pending.id, populate_existing=True)
    assert row.ended_at is not None and row.ended_by_id == staff.id  # kept, ended
    assert row.end_reason == "membership ended: ไม่สะดวก"
    login(idle.user)
    assert client.get(f"/committee/applications/{application.id}").status_code == 403


def test_a_former_member_can_be_appointed_again(round_, login, client):
    from partnership.review.committee import appoint_member, end_membership

    programme, application, scorer, idle, done, pending, staff = round_
    end_membership(idle, "พักงาน", staff)
    db.session.commit()
    again = appoint_member(programme, idle.user, idle.organisation, None, False, staff)
    db.session.commit()
    assert again.id != idle.id
    assert _count(CommitteeMember, CommitteeMember.user_id == idle.user_id) == 2


def test_the_chair_route_toggles_the_chair(client, login, round_):
    programme, application, scorer, idle, done, pending, staff = round_
    login(staff)
    url = f"/review/programmes/{programme.id}/committee/{idle.id}/chair"
    client.post(url)
    db.session.expire_all()
    assert idle.is_chair is True
    client.post(url)
    db.session.expire_all()
    assert idle.is_chair is False


def test_committee_routes_refuse_a_member_of_another_programme(
    client, login, round_, make_programme, make_member
):
    programme, *_rest, staff = round_
    other = make_member(make_programme())
    login(staff)
    base = f"/review/programmes/{programme.id}/committee/{other.id}"
    assert client.post(f"{base}/remove", data={"reason": "x"}).status_code == 404
    assert client.post(f"{base}/chair").status_code == 404
    db.session.expire_all()
    assert other.ended_at is None and other.is_chair is False


# Conflicts ---------------------------------------------------------------------------------


def test_withdrawing_a_conflict_leaves_a_trace(client, login, round_, make_member):
    programme, application, scorer, idle, done, pending, staff = round_
    member = make_member(programme, Sector.PRIVATE)
    conflict = ConflictOfInterest(
        member=member, application=application, source=ConflictSource.DECLARED,
        reason="ญาติเป็นครูที่โรงเรียน", declared_by_id=member.user_id,
    )  # fmt: skip
    db.session.add(conflict)
    db.session.commit()
    login(staff)
    url = f"/review/programmes/{programme.id}/conflicts/{conflict.id}/remove"

    refused = client.post(url, data={"reason": ""})
    assert refused.status_code == 200 and "This field is required." in refused.text
    assert _count(ConflictOfInterest, ConflictOfInterest.withdrawn_at.is_(None)) == 1

    response = client.post(url, data={"reason": "ตรวจแล้วไม่ใช่ญาติ"}, follow_redirects=True)

    assert "Conflict withdrawn." in response.text
    again = client.post(url, data={"reason": "ซ้ำ"}, follow_redirects=True)
    assert "cannot be withdrawn" in again.text
    db.session.expire_all()
    assert conflict.withdrawn_by_id == staff.id
    assert conflict.withdrawal_reason == "ตรวจแล้วไม่ใช่ญาติ"
    assert _count(ConflictOfInterest, ConflictOfInterest.id == conflict.id) == 1
    assert "ตรวจแล้วไม่ใช่ญาติ" in response.text  # listed under withdrawn conflicts
    # Withdrawn, the member may now be assigned; declaring again makes a new row.
    client.post(
        f"/review/programmes/{programme.id}/assignments/add",
        data={"member_id": member.id, "application_id": application.id},
    )
    assert _count(ReviewAssignment, ReviewAssignment.member_id == member.id) == 1


def test_a_conflict_cannot_be_declared_on_a_draft(client, login, round_, make_application):
    programme, application, scorer, idle, done, pending, staff = round_
    draft = make_application(programme, state=ApplicationState.DRAFT)
    login(scorer.user)
    response = client.post(
        f"/committee/applications/{draft.id}/conflict",
        data={"reason": "รู้จักผู้อำนวยการ"},
        follow_redirects=True,
    )
    assert "only on an application under review" in response.text
    assert _count(ConflictOfInterest, ConflictOfInterest.application_id == draft.id) == 0
    # The positive case: on an application under review it is recorded.
    client.post(
        f"/committee/applications/{application.id}/conflict", data={"reason": "รู้จักผู้อำนวยการ"}
    )
    assert _count(ConflictOfInterest, ConflictOfInterest.application_id == application.id) == 1


# Once the round is decided ------------------------------------------------------------------


@pytest.mark.parametrize(
    "state, visible",
    [(ProgrammeState.REVIEWING, True), (ProgrammeState.DECIDED, False),
     (ProgrammeState.ARCHIVED, False)],
)  # fmt: skip
def test_members_see_peer_scores_only_while_reviewing(client, login, round_, state, visible):
    programme, application, scorer, *_ = round_
    programme.state = state
    db.session.commit()
    login(scorer.user)
    response = client.get(f"/committee/applications/{application.id}/scores")
    assert response.status_code == (200 if visible else 403)


# Audit rows never cascade away --------------------------------------------------------------


def test_the_database_refuses_to_delete_rows_that_carry_history(round_):
    programme, application, scorer, idle, done, pending, staff = round_
    db.session.add(
        ApplicationEvent(application_id=application.id, from_state="eligible", to_state="eligible")
    )
    db.session.commit()
    with db.engine.connect() as conn:
        for table, row_id in (
            (Application.__table__, application.id),
            (Review.__table__, done.review.id),
            (CommitteeMember.__table__, scorer.id),
        ):
            with pytest.raises(sa.exc.IntegrityError), conn.begin():
                conn.execute(table.delete().where(table.c.id == row_id))
    assert _count(ApplicationEvent, ApplicationEvent.application_id == application.id) == 1
    assert _count(ReviewEvent, ReviewEvent.review_id == done.review.id) == 1
