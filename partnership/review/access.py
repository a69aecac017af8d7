"""Who may see what in committee review; reviewers are added to ``Application.can_view``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g

from ..core.transitions import StaleState, compare_and_set, lock_row
from ..db_types import utcnow
from ..extensions import db
from ..programmes.models import ProgrammeState
from .models import CommitteeMember, ReviewAssignment

#: Programme states in which members may see each other's scores: only while the committee is
#: at work. Once decided or archived, the scores are the foundation's record
#: (docs/features/review.md).
PEER_SCORES_PHASES = (ProgrammeState.REVIEWING,)


def member_of(user, programme_id: int) -> CommitteeMember | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(CommitteeMember).where(
            CommitteeMember.programme_id == programme_id,
            CommitteeMember.user_id == user.id,
            CommitteeMember.ended_at.is_(None),
        )
    )


#: The condition every query of the assignments in force uses (ended ones are history).
CURRENT = ReviewAssignment.ended_at.is_(None)


def assignment_of(member: CommitteeMember | None, application_id: int) -> ReviewAssignment | None:
    """The member's current assignment to the application, if any."""
    if member is None:
        return None
    return db.session.scalar(
        sa.select(ReviewAssignment).where(
            ReviewAssignment.member_id == member.id,
            ReviewAssignment.application_id == application_id,
            CURRENT,
        )
    )


def end_assignment(assignment: ReviewAssignment, actor, reason: str) -> bool:
    """Withdraw an assignment the member never submitted: ended with when, by whom and why; the
    row and its draft stay. False when its review has a history (it stays in force) or another
    request ended it first.

    The assignment's row is locked first, as saving a review locks it (``reviews.save_review``),
    so a review submitted at the same moment either is seen here or waits and then finds the
    assignment ended.
    """
    lock_row(ReviewAssignment, assignment.id)
    if assignment.review is not None:
        db.session.refresh(assignment.review)
    db.session.expire(assignment, ["review"])
    if assignment.ended_at is not None or assignment.has_history:
        return False
    try:
        compare_and_set(
            assignment,
            expected={"ended_at": None},
            values={
                "ended_at": utcnow(),
                "ended_by_id": getattr(actor, "id", None),
                "end_reason": reason.strip(),
            },
        )
    except StaleState:
        return False
    return True


def reviewer_may_view(application, user, **_) -> bool:
    """An assigned, non-conflicted committee member may open the application and its files."""
    from .conflicts import is_conflicted

    member = member_of(user, application.programme_id)
    if assignment_of(member, application.id) is None:
        return False
    return not is_conflicted(member, application)


def is_committee_member(user) -> bool:
    """For the navigation: is this person on any committee? (cached per request)."""
    if not user.is_authenticated:
        return False
    if "is_committee_member" not in g:
        g.is_committee_member = bool(
            db.session.scalar(
                sa.select(CommitteeMember.id)
                .where(CommitteeMember.user_id == user.id, CommitteeMember.ended_at.is_(None))
                .limit(1)
            )
        )
    return g.is_committee_member


def committee_members_need_a_second_factor(user, **_) -> bool:
    """Committee members decide who is funded: they sign in with a second factor too."""
    return is_committee_member(user)
