"""Decisions: approve / waitlist / reject with a reason, the suggested cut, publishing."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import gettext as _

from ..applications.models import Application, ApplicationState
from ..applications.workflow import notify_school
from ..extensions import db
from ..programmes.models import Programme, ProgrammeState
from ..programmes.services import ProgrammeError, change_state, mark_decided
from .models import Review
from .ranking import RankingRow, load_programme_reviews, scores_for
from .workflow import DECISION_STATES, DecisionError, move_application

A = ApplicationState


def decide(application: Application, to_state: ApplicationState, reason: str, actor) -> None:
    """Record one decision with the reason the school will read; may be changed until the
    programme's decisions are published."""
    if application.programme.state != ProgrammeState.REVIEWING:
        raise DecisionError("decisions are taken during the review phase")
    if to_state not in DECISION_STATES:
        raise DecisionError("not a decision")
    if application.state not in (A.IN_REVIEW, *DECISION_STATES):
        raise DecisionError("application not reviewed")
    if application.state != to_state:
        move_application(application, to_state, actor, reason.strip(), notify=False)
    application.decision_reason = reason.strip()
    db.session.flush()


def apply_suggested_cut(
    rows: list[RankingRow], approve_reason: str, waitlist_reason: str, actor
) -> int:
    """Approve every scored application inside the budget line and waitlist the other scored
    ones; returns how many changed. Only the applications that change are loaded in full."""
    moves: dict[int, tuple[ApplicationState, str]] = {}
    for row in rows:
        reviewed = row.application.state in (A.IN_REVIEW, *DECISION_STATES)
        if row.ranking_score is None or not reviewed:
            continue
        to_state, reason = (
            (A.APPROVED, approve_reason) if row.within_budget else (A.WAITLISTED, waitlist_reason)
        )
        if row.application.state != to_state:
            moves[row.application.id] = (to_state, reason)
    if not moves:
        return 0
    applications = db.session.scalars(
        sa.select(Application).where(Application.id.in_(moves)).order_by(Application.id)
    )
    for application in applications:
        decide(application, *moves[application.id], actor)
    return len(moves)


def start_review(programme: Programme, actor) -> None:
    """Open the review phase (members may score from now on)."""
    try:
        change_state(programme, ProgrammeState.REVIEWING, actor)
    except ProgrammeError as error:
        raise DecisionError(str(error)) from error


def undecided(programme: Programme) -> list[Application]:
    return list(
        db.session.scalars(
            sa.select(Application).where(
                Application.programme_id == programme.id,
                Application.state.in_((A.ELIGIBLE, A.IN_REVIEW)),
            )
        )
    )


def publish_decisions(programme: Programme, actor) -> None:
    """Close the round: every application must have a decision."""
    if undecided(programme):
        raise DecisionError("some applications have no decision")
    try:
        mark_decided(programme, actor)
    except ProgrammeError as error:
        raise DecisionError(str(error)) from error
    for application in programme.applications:
        if application.state in DECISION_STATES:
            notify_school(
                application,
                _('Decision on "%(title)s": %(state)s', title=application.title,
                  state=application.state.label),
                _(
                    'The joint committee has decided on "%(title)s": %(state)s.',
                    title=application.title, state=application.state.label,
                )
                + (f"\n\n{application.decision_reason}" if application.decision_reason else "")
                + "\n\n"
                + _("Your scores per criterion and the reviewers' comments are on the "
                    "application's feedback page."),
            )  # fmt: skip


@dataclass
class Feedback:
    """What the school may read: its scores per criterion and anonymous comments."""

    criterion_means: list[tuple[object, Fraction | None]]
    mean: Fraction | None
    comments: list[tuple[str, str]]  # (criterion label or "", comment)
    reviews: int


def school_feedback(application: Application, lang: str) -> Feedback:
    data = load_programme_reviews(application.programme, [application.id])
    score = scores_for(data)[application.id]
    labels = {c.id: c.label(lang) for c in data.criteria}
    comments = []
    counted = [r for r in data.records_for(application.id) if r.counts]
    reviews = (
        {
            r.id: r
            for r in db.session.scalars(
                db.select(Review).where(Review.id.in_([r.review_id for r in counted]))
            )
        }
        if counted
        else {}
    )
    for review in sorted(reviews.values(), key=lambda r: r.overall_comment):
        for rating in review.ratings:
            if rating.comment:
                comments.append((labels.get(rating.criterion_id, ""), rating.comment))
        if review.overall_comment:
            comments.append(("", review.overall_comment))
    comments.sort(key=lambda c: (c[0] == "", c[0], c[1]))
    return Feedback(
        [(c, score.criterion_means.get(c.id)) for c in data.criteria],
        score.mean,
        comments,
        score.reviews_done,
    )
