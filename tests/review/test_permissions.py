"""Who may open what: unassigned, conflicted, peeking, locked reviews, schools, staff pages."""

from __future__ import annotations

import pytest

from partnership.programmes.models import ProgrammeState
from partnership.registry.models import Sector
from partnership.review.models import Rating, Review, ReviewState


@pytest.fixture()
def round_(make_programme, make_application, make_member, assign):
    programme = make_programme()
    application = make_application(programme)
    public = make_member(programme, Sector.PUBLIC, name="สมหญิง ผู้ตรวจ")
    private = make_member(programme, Sector.PRIVATE, name="ก้องภพ เอกชน")
    return {
        "programme": programme,
        "application": application,
        "public": public,
        "private": private,
        "a_public": assign(public, application),
        "a_private": assign(private, application),
    }


def test_unassigned_member_gets_403(client, login, round_, make_member, make_application):
    other = make_member(round_["programme"], Sector.PRIVATE)
    login(other.user)
    app_id = round_["application"].id
    assert client.get(f"/committee/applications/{app_id}").status_code == 403
    assert client.get(f"/committee/applications/{app_id}/review").status_code == 403
    assert client.get(f"/committee/applications/{app_id}/scores").status_code == 403
    assert not round_["application"].can_view(other.user)


def test_assigned_member_may_open_the_application(client, login, round_):
    login(round_["public"].user)
    app_id = round_["application"].id
    assert client.get(f"/committee/applications/{app_id}").status_code == 200
    assert client.get(f"/committee/applications/{app_id}/review").status_code == 200
    assert round_["application"].can_view(round_["public"].user)


def test_partnership_makes_an_assigned_member_conflicted(client, login, round_, make_partnership):
    member = round_["private"]
    make_partnership(member.organisation, round_["application"].school)
    login(member.user)
    app_id = round_["application"].id
    assert client.get(f"/committee/applications/{app_id}").status_code == 403
    assert (
        client.post(
            f"/committee/applications/{app_id}/review", data={"action": "draft"}
        ).status_code
        == 403
    )
    assert not round_["application"].can_view(member.user)


def test_declared_conflict_withdraws_the_assignment(client, login, round_, db):
    member = round_["public"]
    login(member.user)
    app_id = round_["application"].id
    response = client.post(
        f"/committee/applications/{app_id}/conflict", data={"reason": "ภรรยาเป็นครูที่โรงเรียนนี้"}
    )
    assert response.status_code == 302
    assert client.get(f"/committee/applications/{app_id}").status_code == 403
    db.session.expire_all()
    assert member.current_assignments == []
    [ended] = member.assignments  # kept as history, ended by the member who declared
    assert ended.ended_by_id == member.user_id and ended.end_reason.startswith("conflict declared")
    assert member.conflicts[0].reason == "ภรรยาเป็นครูที่โรงเรียนนี้"


def test_no_peeking_before_submitting(client, login, round_, write_review):
    write_review(round_["a_private"], [9, 5])
    login(round_["public"].user)
    app_id = round_["application"].id
    assert client.get(f"/committee/applications/{app_id}/scores").status_code == 403
    write_review(round_["a_public"], [3, 1], submitted=False)
    assert client.get(f"/committee/applications/{app_id}/scores").status_code == 403


def test_scores_visible_after_submitting(client, login, round_, write_review):
    write_review(round_["a_private"], [9, 5])
    write_review(round_["a_public"], [3, 1])
    login(round_["public"].user)
    page = client.get(f"/committee/applications/{round_['application'].id}/scores")
    assert page.status_code == 200
    assert "ก้องภพ เอกชน" in page.text


def test_never_before_the_review_phase(client, login, round_, write_review, db):
    write_review(round_["a_private"], [9, 5])
    write_review(round_["a_public"], [3, 1])
    round_["programme"].state = ProgrammeState.CLOSED
    db.session.commit()
    login(round_["public"].user)
    assert (
        client.get(f"/committee/applications/{round_['application'].id}/scores").status_code == 403
    )


def test_cannot_change_a_submitted_review(client, login, round_, write_review, db):
    review = write_review(round_["a_public"], [3, 1])
    login(round_["public"].user)
    response = client.post(
        f"/committee/applications/{round_['application'].id}/review",
        data={f"score_{c.id}": "10" for c in round_["programme"].criteria} | {"action": "submit"},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert sorted(db.session.scalars(db.select(Rating.score)).all()) == [1, 3]
    assert db.session.get(Review, review.id).state == ReviewState.SUBMITTED
    # The positive case: the other member's unsubmitted sheet takes the same request.
    login(round_["private"].user)
    accepted = client.post(
        f"/committee/applications/{round_['application'].id}/review",
        data={f"score_{c.id}": "4" for c in round_["programme"].criteria} | {"action": "submit"},
    )
    assert accepted.status_code == 302
    db.session.expire_all()
    assert sorted(db.session.scalars(db.select(Rating.score)).all()) == [1, 3, 4, 4]


def test_school_sees_feedback_without_reviewer_names(
    client, login, round_, write_review, make_user, add_membership, db
):
    write_review(round_["a_private"], [9, 5], comment="แผนการใช้งานชัดเจน")
    write_review(round_["a_public"], [3, 1], criterion_comment="ควรระบุจำนวนนักเรียน")
    application = round_["application"]
    application.state = "approved"
    application.decision_reason = "ได้รับการอนุมัติ"
    round_["programme"].state = ProgrammeState.DECIDED
    db.session.commit()
    teacher = make_user()
    add_membership(teacher, school=application.school)
    login(teacher)
    page = client.get(f"/applications/{application.id}/feedback")
    assert page.status_code == 200
    assert "แผนการใช้งานชัดเจน" in page.text and "ควรระบุจำนวนนักเรียน" in page.text
    assert "ได้รับการอนุมัติ" in page.text
    for member in (round_["public"], round_["private"]):
        assert member.user.name not in page.text
        assert member.user.email not in page.text
        assert member.organisation.name not in page.text


def test_feedback_scores_wait_for_publication(
    client, login, round_, write_review, make_user, add_membership
):
    write_review(round_["a_private"], [9, 5], comment="แผนการใช้งานชัดเจน")
    teacher = make_user()
    add_membership(teacher, school=round_["application"].school)
    login(teacher)
    page = client.get(f"/applications/{round_['application'].id}/feedback")
    assert page.status_code == 200
    assert "แผนการใช้งานชัดเจน" not in page.text


def test_feedback_is_for_the_school_only(client, login, round_, login_as):
    login(round_["public"].user)
    assert client.get(f"/applications/{round_['application'].id}/feedback").status_code == 403
    login_as("school")
    assert client.get(f"/applications/{round_['application'].id}/feedback").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/review/programmes",
        "/review/programmes/{p}/committee",
        "/review/programmes/{p}/assignments",
        "/review/programmes/{p}/ranking",
        "/review/programmes/{p}/export/ranking.csv",
    ],
)
@pytest.mark.parametrize(("role", "status"), [("member", 403), ("school", 403), ("staff", 200)])
def test_staff_pages_refuse_members_and_schools(
    client, login, login_as, round_, path, role, status
):
    url = path.format(p=round_["programme"].id)
    if role == "member":
        login(round_["public"].user)
    else:
        login_as(role)
    assert client.get(url).status_code == status


def test_staff_member_routes_refuse_another_programmes_member(
    client, login_as, db, round_, make_programme
):
    """A member (or conflict) is only reachable through its own programme's URL."""
    from partnership.review.models import CommitteeMember

    other = make_programme()
    member = round_["public"]
    login_as("staff")
    for action in ("chair", "remove"):
        url = f"/review/programmes/{other.id}/committee/{member.id}/{action}"
        assert client.post(url).status_code == 404
    db.session.expire_all()
    kept = db.session.get(CommitteeMember, member.id)
    assert kept is not None and kept.is_chair is False


def test_a_conflict_error_stays_on_the_application(client, login, round_, db):
    """Issue 16 item 19: an empty reason, or an application no longer under review, shows the
    application again with the error (and what was typed), not the queue."""
    from partnership.applications.models import ApplicationState
    from partnership.review.models import ConflictOfInterest

    member, application = round_["public"], round_["application"]
    login(member.user)
    url = f"/committee/applications/{application.id}/conflict"
    response = client.post(url, data={"reason": "  "})
    assert response.status_code == 400
    assert application.title in response.text
    assert 'id="reason-error"' in response.text and 'aria-invalid="true"' in response.text
    assert "Give the reason for the conflict." in response.text

    application.state = ApplicationState.APPROVED
    db.session.commit()
    response = client.post(url, data={"reason": "ลูกเรียนที่โรงเรียนนี้"})
    assert response.status_code == 409
    assert application.title in response.text
    assert "only on an application under review" in response.text
    assert "ลูกเรียนที่โรงเรียนนี้" in response.text  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count(ConflictOfInterest.id))) == 0
