"""The score sheet: drafts, submission, bad input (errors, nothing saved), staff reopen."""

from __future__ import annotations

import pytest

from partnership.registry.models import Sector
from partnership.review.models import Rating, Review, ReviewEvent, ReviewState


@pytest.fixture()
def sheet(make_programme, make_application, make_member, assign, login):
    programme = make_programme()  # criteria: 0–10 weight 2, 0–5 weight 1
    application = make_application(programme)
    member = make_member(programme, Sector.PUBLIC)
    assignment = assign(member, application)
    login(member.user)
    first, second = programme.criteria
    return {
        "url": f"/committee/applications/{application.id}/review",
        "first": f"score_{first.id}",
        "second": f"score_{second.id}",
        "comment": f"comment_{first.id}",
        "assignment": assignment,
    }


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("11", "3", "Enter a whole number from 0 to 10."),
        ("-1", "3", "Enter a whole number from 0 to 10."),
        ("7.5", "3", "Not a valid integer value."),
        ("seven", "3", "Not a valid integer value."),
        ("7", "", "Give a score to submit the review."),
        ("7", "6", "Enter a whole number from 0 to 5."),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_saved(client, sheet, db, first, second, message):
    response = client.post(
        sheet["url"],
        data={
            sheet["first"]: first,
            sheet["second"]: second,
            "overall_comment": "ดีมาก",
            "action": "submit",
        },
    )
    assert response.status_code == 200
    assert message in response.text
    assert f'value="{first}"' in response.text  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count(Review.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Rating.id))) == 0


def test_draft_may_be_partial_and_submission_locks(client, sheet, db):
    response = client.post(
        sheet["url"], data={sheet["first"]: "7", sheet["comment"]: "ดี", "action": "draft"}
    )
    assert response.status_code == 302
    review = db.session.scalar(db.select(Review))
    assert review.state == ReviewState.DRAFT
    assert [(r.score, r.comment) for r in review.ratings] == [(7, "ดี")]
    assert review.weighted_total is None  # a draft has no total

    response = client.post(
        sheet["url"],
        data={
            sheet["first"]: "8",
            sheet["second"]: "0",
            "overall_comment": "โครงการน่าสนใจ",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/scores")
    db.session.expire_all()
    review = db.session.scalar(db.select(Review))
    assert review.state == ReviewState.SUBMITTED and review.submitted_at is not None
    assert sorted(r.score for r in review.ratings) == [0, 8]
    assert review.weighted_total == 8 * 2 + 0 * 1  # stored with the submission
    assert review.overall_comment == "โครงการน่าสนใจ"
    assert [e.kind.value for e in review.events] == ["submitted"]

    response = client.post(
        sheet["url"], data={sheet["first"]: "1", sheet["second"]: "1", "action": "draft"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert sorted(r.score for r in db.session.scalar(db.select(Review)).ratings) == [0, 8]


def test_staff_reopen_is_recorded(client, sheet, db, write_review, login_as):
    review = write_review(sheet["assignment"], [6, 2])
    staff = login_as("staff")
    response = client.post(f"/review/reviews/{review.id}/reopen", data={"reason": "พิมพ์ผิด"})
    assert response.status_code == 302
    db.session.expire_all()
    review = db.session.get(Review, review.id)
    assert review.state == ReviewState.DRAFT and review.submitted_at is None
    assert review.weighted_total is None  # resubmitting computes it again
    event = db.session.scalar(db.select(ReviewEvent))
    assert (event.kind.value, event.reason, event.actor_id) == ("reopened", "พิมพ์ผิด", staff.id)


def test_reopen_needs_a_reason(client, sheet, db, write_review, login_as):
    review = write_review(sheet["assignment"], [6, 2])
    login_as("staff")
    response = client.post(f"/review/reviews/{review.id}/reopen", data={"reason": ""})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Review, review.id).state == ReviewState.SUBMITTED


@pytest.mark.parametrize(("state", "total"), [("submitted", None), ("draft", 12)])
def test_the_database_keeps_a_submitted_review_and_its_total_together(sheet, db, state, total):
    """A review written past the service (a script, a bulk import) cannot be counted with no
    total, nor keep a stale one as a draft."""
    import sqlalchemy as sa

    values = {"assignment_id": sheet["assignment"].id, "state": state, "weighted_total": total}
    if state == "submitted":
        values["submitted_at"] = sa.func.now()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.insert(Review).values(**values, overall_comment=""))
        db.session.flush()
    db.session.rollback()


def test_the_migration_gives_reviews_submitted_before_it_their_total(
    app, db, sheet, make_member, assign, write_review
):
    """Revision 0006 adds the stored total: reviews submitted before it get Σ(score × weight)
    from their ratings, drafts none. Run down to 0005 and up again on this database: on SQLite
    both rebuild the reviews table, which must not take the ratings with it (ON DELETE
    CASCADE)."""
    from flask_migrate import downgrade, upgrade

    submitted = write_review(sheet["assignment"], [6, 2])
    application = sheet["assignment"].application
    other = assign(make_member(application.programme, Sector.PRIVATE), application)
    draft = write_review(other, [3], submitted=False)
    ids = submitted.id, draft.id
    ratings = db.session.scalar(db.select(db.func.count(Rating.id)))
    db.session.commit()
    db.session.close()
    downgrade(revision="0005_outbox_privacy")
    try:
        upgrade(revision="0006_review_totals")
    finally:
        upgrade()
    db.session.expire_all()
    totals = [db.session.get(Review, i).weighted_total for i in ids]
    assert totals == [6 * 2 + 2 * 1, None]
    assert db.session.scalar(db.select(db.func.count(Rating.id))) == ratings == 3
