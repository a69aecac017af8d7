"""Decisions: approve / waitlist / reject with a reason, the suggested cut, publishing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import load_only, selectinload

from ..accounts.models import Membership
from ..applications.models import Application, ApplicationState
from ..applications.workflow import TRANSITIONS, notify_school, transition_many
from ..extensions import db
from ..programmes.models import Programme, ProgrammeState
from ..programmes.services import ProgrammeError, change_state, mark_decided
from ..registry.models import School
from .models import Review
from .ranking import RankingRow, load_programme_reviews, rank_programme, scores_for
from .workflow import DECISION_STATES, DecisionError, move_application

A = ApplicationState


def _hold_reviewing(programme_id: int, when_decided=None, refused=None) -> None:
    """Lock the programme row and check, on what the database holds now, that it is still in
    review: a decision and the publication take turns, so nothing is decided after the results
    went out."""
    state = db.session.scalar(
        sa.select(Programme.state).where(Programme.id == programme_id).with_for_update()
    )
    if state == ProgrammeState.DECIDED and when_decided is not None:
        raise DecisionError(when_decided)
    if state != ProgrammeState.REVIEWING:
        raise DecisionError(refused or _l("Decisions can only be taken during the review phase."))


#: Why one application cannot be decided (out of the review phase, not reviewed, not a
#: decision).
CANNOT_DECIDE = _l("This application cannot be decided now.")


def decide(application: Application, to_state: ApplicationState, reason: str, actor) -> None:
    """Record one decision with the reason the school will read; may be changed until the
    programme's decisions are published."""
    _hold_reviewing(application.programme_id, refused=CANNOT_DECIDE)
    if to_state not in DECISION_STATES:
        raise DecisionError(CANNOT_DECIDE)
    if application.state not in (A.IN_REVIEW, *DECISION_STATES):
        raise DecisionError(CANNOT_DECIDE)
    if application.state != to_state:
        move_application(application, to_state, actor, reason.strip(), notify=False)
    application.decision_reason = reason.strip()
    db.session.flush()


#: Applications moved per statement by the suggested cut.
CUT_BATCH = 500


def apply_suggested_cut(
    programme: Programme, rows: list[RankingRow], approve_reason: str, waitlist_reason: str, actor
) -> int:
    """Approve every scored application without a decision inside the budget line and waitlist
    the other scored ones without a decision; returns how many changed. A decision already
    taken (by hand, or by an earlier cut) is never overwritten: staff change those one by one.

    One action over the whole round, so it works in batches rather than application by
    application (7,000 decisions took about 10 s one at a time): per (from, to) pair, one
    conditional ``UPDATE … WHERE id IN (…) AND state = from RETURNING id`` per 500 applications
    and one insert of their audit events. An application someone else decided meanwhile no
    longer matches its ``from`` and is left as they decided it.
    """
    _hold_reviewing(programme.id)
    groups: dict[tuple[ApplicationState, ApplicationState, str], list[int]] = defaultdict(list)
    for row in rows:
        state = row.application.state
        if row.ranking_score is None or state != A.IN_REVIEW:
            continue
        to_state, reason = (
            (A.APPROVED, approve_reason) if row.within_budget else (A.WAITLISTED, waitlist_reason)
        )
        if state != to_state and to_state in TRANSITIONS[state]:
            groups[state, to_state, reason.strip()].append(row.application.id)
    changed = 0
    for (from_state, to_state, reason), ids in groups.items():
        for start in range(0, len(ids), CUT_BATCH):
            moved = transition_many(
                ids[start : start + CUT_BATCH],
                from_state,
                to_state,
                actor,
                reason,
                decision_reason=reason,
            )
            changed += len(moved)
    db.session.expire_all()  # the applications in this session show what was written
    return changed


def start_review(programme: Programme, actor) -> None:
    """Open the review phase (members may score from now on)."""
    try:
        change_state(programme, ProgrammeState.REVIEWING, actor)
    except ProgrammeError as error:
        raise DecisionError(
            _l("The review phase can start only once the call is closed.")
        ) from error


def undecided_count(programme: Programme) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(
            Application.programme_id == programme.id,
            Application.state.in_((A.ELIGIBLE, A.IN_REVIEW)),
        )
    )


class ReviewsMissing(DecisionError):
    """Some applications have fewer counted reviews than the programme requires, and no
    override reason was given."""

    def __init__(self, count: int):
        super().__init__(f"{count} applications have fewer reviews than required")
        self.count = count
        self.message = _l(
            "%(n)d applications have fewer submitted reviews than the programme requires. "
            "Wait for the reviews, or give a reason to publish anyway.",
            n=count,
        )


def short_of_reviews(rows: list[RankingRow]) -> int:
    """How many of the ranking's applications have fewer submitted, counted reviews than the
    programme requires."""
    return sum(1 for row in rows if row.reviews_done < row.reviews_needed)


def publish_decisions(programme: Programme, actor, override_reason: str = "") -> None:
    """Close the round: every application must have a decision, and the required number of
    reviews, unless staff give a reason to publish anyway (kept in the programme's history).
    Each school's people are mailed (queued in the outbox; the worker sends them), with the
    school, its members and their accounts loaded in three queries whatever the number of
    applications."""
    _hold_reviewing(programme.id, when_decided=_l("The decisions are already published."))
    if undecided_count(programme):
        raise DecisionError(
            _l("Every application needs a decision before the results are published.")
        )
    short = short_of_reviews(rank_programme(programme))  # a fixed number of queries
    override_reason = override_reason.strip()
    if short and not override_reason:
        raise ReviewsMissing(short)
    reason = (
        _("Published with %(n)d applications short of reviews: %(reason)s",
          n=short, reason=override_reason)
        if short
        else ""
    )  # fmt: skip
    try:
        mark_decided(programme, actor, reason)
    except ProgrammeError as error:
        raise DecisionError(_l("The decisions are already published.")) from error
    decided = db.session.scalars(
        sa.select(Application)
        .where(Application.programme_id == programme.id, Application.state.in_(DECISION_STATES))
        .options(
            load_only(
                Application.id,
                Application.title,
                Application.state,
                Application.decision_reason,
                Application.school_id,
            ),
            selectinload(Application.school)
            .selectinload(School.memberships)
            .joinedload(Membership.user),
        )  # fmt: skip
        .order_by(Application.id)
    )
    for application in decided:
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
    #: How many reviews the programme asked for: the school is told when fewer counted.
    reviews_required: int = 0


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
        application.programme.reviews_per_application,
    )
