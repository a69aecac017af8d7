"""Loading a programme's reviews in a fixed number of queries and building the ranking rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..applications.models import Application, ApplicationState, Beneficiaries
from ..core.memory import gc_paused
from ..extensions import db
from ..programmes.models import Programme
from .committee import members_of
from .conflicts import programme_conflicts
from .models import CommitteeMember, Rating, Review, ReviewAssignment, ReviewState
from .scoring import (
    ApplicationScore,
    RankInput,
    WeightedReview,
    aggregate_weighted,
    budget_line,
    mean_sort_keys,
    rank,
)
from .workflow import RANKED_STATES


@dataclass(slots=True)
class ReviewRecord:
    review_id: int | None
    assignment_id: int
    member: CommitteeMember
    application_id: int
    state: ReviewState | None
    scores: dict[int, int] = field(default_factory=dict)
    conflicted: bool = False
    #: Σ(score × weight) of a submitted review, as stored with it (None for a draft).
    weighted: int | None = None

    @property
    def counts(self) -> bool:
        return self.state == ReviewState.SUBMITTED and not self.conflicted


class ApplicationSummary(NamedTuple):
    """The columns of an application that ranking needs, without its texts (a tuple: 7,000
    of them are made for a national round)."""

    id: int
    school_id: int
    state: ApplicationState
    submitted_at: datetime | None
    requested_satang: int
    pupils_benefiting: int


@dataclass
class ProgrammeReviews:
    """Everything about a programme's review round, loaded once."""

    programme: Programme
    criteria: list
    applications: list  # Application, or ApplicationSummary from load_round
    members: list[CommitteeMember]
    conflicts: set[tuple[int, int]]
    records: list[ReviewRecord]

    def records_for(self, application_id: int) -> list[ReviewRecord]:
        return [r for r in self.records if r.application_id == application_id]


def load_programme_reviews(programme: Programme, application_ids=None) -> ProgrammeReviews:
    """About ten queries whatever the number of applications and reviews; full application
    rows with their schools and every rating (for pages about one or a few applications)."""
    query = (
        sa.select(Application)
        .where(Application.programme_id == programme.id, Application.state.in_(RANKED_STATES))
        .options(joinedload(Application.school), selectinload(Application.beneficiaries))
        .order_by(Application.id)
    )
    if application_ids is not None:
        query = query.where(Application.id.in_(application_ids))
    applications = list(db.session.scalars(query).unique())
    return _with_reviews(programme, applications, criterion_scores=True)


def load_round(programme: Programme, *, criterion_scores: bool = False) -> ProgrammeReviews:
    """The whole round for ranking and exports: application summaries (one query, no texts)
    and each review's stored weighted total; with ``criterion_scores`` every rating too."""
    pupils = (
        sa.select(sa.func.coalesce(sa.func.sum(Beneficiaries.pupils), 0))
        .where(Beneficiaries.application_id == Application.id)
        .correlate(Application)
        .scalar_subquery()
    )
    rows = (
        db.session.connection()
        .execute(
            sa.select(
                Application.id,
                Application.school_id,
                Application.state,
                Application.submitted_at,
                Application.requested_satang,
                pupils,
            )  # fmt: skip
            .where(Application.programme_id == programme.id, Application.state.in_(RANKED_STATES))
            .order_by(Application.id)
        )
        .all()
    )
    applications = [ApplicationSummary(*row) for row in rows]
    return _with_reviews(programme, applications, criterion_scores=criterion_scores)


def _with_reviews(programme, applications, *, criterion_scores: bool) -> ProgrammeReviews:
    criteria = list(programme.criteria)
    members = members_of(programme)
    # Former members' submitted reviews stay on record and count (unless conflicted).
    everyone = members + members_of(programme, former=True)
    member_by_id = {m.id: m for m in everyone}
    conflicts = programme_conflicts(everyone, {a.id: a.school_id for a in applications})
    app_ids = {a.id for a in applications}
    query = (
        sa.select(
            ReviewAssignment.id,
            ReviewAssignment.member_id,
            ReviewAssignment.application_id,
            Review.id,
            Review.state,
            Review.weighted_total,
        )  # fmt: skip
        .outerjoin(Review)
        .join(CommitteeMember)
        .where(CommitteeMember.programme_id == programme.id, ReviewAssignment.ended_at.is_(None))
        .order_by(ReviewAssignment.id)
    )
    # A Core query on the session's connection: plain rows, without the ORM's result machinery
    # (21,000 rows at national scale).
    records = []
    rows = db.session.connection().execute(query).all()  # one fetchall, not a fetch per row
    for assignment_id, member_id, app_id, review_id, state, g in rows:
        if app_id in app_ids:
            records.append(ReviewRecord(
                review_id, assignment_id, member_by_id[member_id], app_id, state,
                conflicted=(member_id, app_id) in conflicts,
                weighted=g,
            ))  # fmt: skip
    if criterion_scores:
        by_review = {r.review_id: r for r in records if r.review_id is not None}
        ratings = (
            db.session.connection()
            .execute(
                sa.select(Rating.review_id, Rating.criterion_id, Rating.score)
                .join(Review)
                .join(ReviewAssignment)
                .join(CommitteeMember)
                .where(CommitteeMember.programme_id == programme.id)
            )
            .all()
        )
        for review_id, criterion_id, score in ratings:
            if review_id in by_review:
                by_review[review_id].scores[criterion_id] = score
    return ProgrammeReviews(programme, criteria, applications, members, conflicts, records)


def scores_for(data: ProgrammeReviews, calibrate: bool = True) -> dict[int, ApplicationScore]:
    """Each application's figures from the counted reviews; criterion means when the ratings
    were loaded."""
    top = sum(c.max_score * c.weight for c in data.criteria)
    counted = [r for r in data.records if r.counts]
    who = {m: (m.id, m.sector.value) for m in {r.member for r in counted}}  # a dozen members
    reviews = []
    for r in counted:
        member_id, sector = who[r.member]
        reviews.append(WeightedReview(member_id, r.application_id, sector, r.weighted))
    result = aggregate_weighted(top, reviews, [a.id for a in data.applications], calibrate)
    by_criterion: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for r in counted:
        for criterion_id, score in r.scores.items():
            by_criterion[r.application_id][criterion_id].append(score)
    for app, per_criterion in by_criterion.items():
        result[app].criterion_means = {
            c: Fraction(sum(v), len(v)) for c, v in per_criterion.items()
        }
    return result


@dataclass(slots=True)
class RankingRow:
    position: int
    application: object  # Application or ApplicationSummary, as loaded
    score: ApplicationScore
    within_budget: bool
    cumulative_satang: int | None
    reviews_done: int
    reviews_assigned: int
    reviews_needed: int
    calibrated: bool = False

    @property
    def ranking_score(self) -> Fraction | float | None:
        return self.score.calibrated if self.calibrated else self.score.mean


def build_ranking(data: ProgrammeReviews, *, calibrate: bool | None = None) -> list[RankingRow]:
    """Every ranked application in order, with the budget line and the running total; the
    calibrated score is computed when the programme ranks by it, or when ``calibrate``."""
    programme = data.programme
    by_calibration = programme.use_calibration
    scores = scores_for(data, calibrate=by_calibration if calibrate is None else calibrate)
    assigned = defaultdict(int)
    for record in data.records:
        if not record.conflicted:
            assigned[record.application_id] += 1
    by_id = {a.id: a for a in data.applications}
    # By the mean: an integer in the order of the exact means stands for it (no Fraction made).
    exact_keys = {} if by_calibration else mean_sort_keys(scores.values())
    inputs = []
    for a in data.applications:
        inputs.append(RankInput(
            a.id,
            scores[a.id].calibrated if by_calibration else exact_keys.get(a.id),
            a.submitted_at.timestamp() if a.submitted_at else float("inf"),
            a.requested_satang,
            a.pupils_benefiting,
        ))  # fmt: skip
    ordered = rank(inputs, programme.tie_break.value)
    within = budget_line(
        [(r.application_id, r.requested_satang, r.score is not None) for r in ordered],
        programme.budget_total_satang,
    )
    rows, running = [], 0
    for position, item in enumerate(ordered, start=1):
        inside = within[item.application_id]
        if inside:
            running += item.requested_satang
        score = scores[item.application_id]
        rows.append(
            RankingRow(
                position,
                by_id[item.application_id],
                score,
                inside,
                running if inside else None,
                score.reviews_done,
                assigned[item.application_id],
                programme.reviews_per_application,
                by_calibration,
            )  # fmt: skip
        )
    return rows


def rank_programme(programme: Programme, *, calibrate: bool | None = None) -> list[RankingRow]:
    """The programme's whole ranking (a fixed number of queries), built with the garbage
    collector paused: at 7,000 applications its collections made the build superlinear."""
    with gc_paused():
        return build_ranking(load_round(programme), calibrate=calibrate)
