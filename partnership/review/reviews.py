"""Score sheets: save a draft, submit (locks), staff reopen (recorded); the rubric lock."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..core.transitions import hold_row, lock_row, move
from ..core.unit_of_work import Refused
from ..db_types import utcnow
from ..extensions import db
from ..programmes.models import Programme, ProgrammeState, RubricCriterion
from .models import (
    CommitteeMember,
    Rating,
    Review,
    ReviewAssignment,
    ReviewEvent,
    ReviewEventKind,
    ReviewState,
)
from .scoring import Criterion, weighted_sum


class ReviewError(Refused):
    """A score-sheet change the rules do not allow."""


R = ReviewState
#: A draft is submitted (and locked); staff may reopen a submitted one.
REVIEW_TRANSITIONS: dict[ReviewState, frozenset[ReviewState]] = {
    R.DRAFT: frozenset({R.SUBMITTED}),
    R.SUBMITTED: frozenset({R.DRAFT}),
}


def _review_refused(from_state: ReviewState, to_state: ReviewState) -> ReviewError:
    if from_state == R.SUBMITTED:
        return ReviewError("submitted reviews are locked")
    return ReviewError(f"review cannot go from {from_state} to {to_state}")


def review_submitted_for(programme: Programme, **_) -> bool:
    """The rubric is in use once a review of this programme has been submitted."""
    return bool(
        db.session.scalar(
            sa.select(Review.id)
            .join(ReviewAssignment)
            .join(CommitteeMember)
            .where(
                CommitteeMember.programme_id == programme.id,
                Review.state == ReviewState.SUBMITTED,
            )
            .limit(1)
        )
    )


def save_review(
    assignment: ReviewAssignment,
    scores: dict[int, int | None],
    comments: dict[int, str],
    overall_comment: str,
    *,
    submit: bool,
    actor,
) -> Review:
    """Write the sheet (validated by the form); ``submit`` needs every criterion and locks it."""
    programme = assignment.member.programme
    if programme.state != ProgrammeState.REVIEWING:
        raise ReviewError("not in the review phase")
    # Two saves of one sheet (two tabs, a double click) take turns; the second sees the first.
    lock_row(ReviewAssignment, assignment.id)
    review = db.session.scalar(
        sa.select(Review)
        .where(Review.assignment_id == assignment.id)
        .execution_options(populate_existing=True)
    )
    if review is None:
        review = Review(assignment=assignment, state=ReviewState.DRAFT)
        db.session.add(review)
    elif review.state == ReviewState.SUBMITTED:
        raise ReviewError("submitted reviews are locked")
    if submit:
        # Takes turns with an edit of the rubric (programmes.services.replace_rubric): the
        # total stored below is computed with the rubric that stays.
        hold_row(Programme, programme.id)
        db.session.scalars(
            sa.select(RubricCriterion)
            .where(RubricCriterion.programme_id == programme.id)
            .execution_options(populate_existing=True)
        ).all()
        db.session.expire(programme, ["criteria"])
    criteria = {c.id: c for c in programme.criteria}
    if submit and any(scores.get(cid) is None for cid in criteria):
        raise ReviewError("every criterion needs a score")
    existing = {r.criterion_id: r for r in review.ratings}
    for criterion_id, criterion in criteria.items():
        score = scores.get(criterion_id)
        if score is not None and not 0 <= score <= criterion.max_score:
            raise ReviewError("score out of range")
        rating = existing.get(criterion_id)
        if score is None:
            if rating is not None:
                review.ratings.remove(rating)
            continue
        if rating is None:
            rating = Rating(criterion_id=criterion_id, score=score)
            review.ratings.append(rating)
        rating.score = score
        rating.comment = (comments.get(criterion_id) or "").strip()
    review.overall_comment = overall_comment.strip()
    db.session.flush()
    if submit:
        move(
            review, R.SUBMITTED, allowed=REVIEW_TRANSITIONS, illegal=_review_refused,
            values={"submitted_at": utcnow(), "weighted_total": weighted_total(review)},
        )  # fmt: skip
        review.events.append(
            ReviewEvent(
                kind=ReviewEventKind.SUBMITTED,
                from_state=R.DRAFT,
                to_state=R.SUBMITTED,
                actor_id=actor.id,
            )
        )
        db.session.flush()
    return review


def weighted_total(review: Review) -> int:
    """Σ(score × weight) of the sheet over its programme's rubric (a criterion without a score
    counts 0)."""
    criteria = review.assignment.member.programme.criteria
    return weighted_sum(
        {r.criterion_id: r.score for r in review.ratings},
        [Criterion(c.id, c.max_score, c.weight) for c in criteria],
    )


#: Why a review cannot be reopened.
NOT_REOPENABLE = _l("Only a submitted review can be reopened, during the review phase.")


def reopen_review(review: Review, reason: str, actor) -> None:
    """Staff unlock a submitted review so the member can correct it (kept in the trail)."""
    if review.state != ReviewState.SUBMITTED:
        raise ReviewError(NOT_REOPENABLE)
    if review.assignment.member.programme.state != ProgrammeState.REVIEWING:
        raise ReviewError(NOT_REOPENABLE)
    move(
        review, R.DRAFT, allowed=REVIEW_TRANSITIONS,
        illegal=lambda a, b: ReviewError(NOT_REOPENABLE),
        values={"submitted_at": None, "weighted_total": None},
    )  # fmt: skip
    review.events.append(
        ReviewEvent(
            kind=ReviewEventKind.REOPENED,
            from_state=R.SUBMITTED,
            to_state=R.DRAFT,
            actor_id=actor.id,
            reason=reason.strip(),
        )
    )
    db.session.flush()
