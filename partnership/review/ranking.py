"""Loading a programme's reviews in a fixed number of queries and building the ranking rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..applications.models import Application
from ..extensions import db
from ..programmes.models import Programme
from .committee import members_of
from .conflicts import programme_conflicts
from .models import CommitteeMember, Rating, Review, ReviewAssignment, ReviewState
from .scoring import (
    ApplicationScore,
    Criterion,
    RankInput,
    ReviewScores,
    aggregate,
    budget_line,
    rank,
)
from .workflow import RANKED_STATES


@dataclass
class ReviewRecord:
    review_id: int | None
    assignment_id: int
    member: CommitteeMember
    application_id: int
    state: ReviewState | None
    scores: dict[int, int] = field(default_factory=dict)
    conflicted: bool = False

    @property
    def counts(self) -> bool:
        return self.state == ReviewState.SUBMITTED and not self.conflicted


@dataclass
class ProgrammeReviews:
    """Everything about a programme's review round, loaded once."""

    programme: Programme
    criteria: list
    applications: list[Application]
    members: list[CommitteeMember]
    conflicts: set[tuple[int, int]]
    records: list[ReviewRecord]

    def records_for(self, application_id: int) -> list[ReviewRecord]:
        return [r for r in self.records if r.application_id == application_id]


def load_programme_reviews(programme: Programme, application_ids=None) -> ProgrammeReviews:
    """About ten queries whatever the number of applications and reviews."""
    criteria = list(programme.criteria)
    query = (
        sa.select(Application)
        .where(Application.programme_id == programme.id, Application.state.in_(RANKED_STATES))
        .options(joinedload(Application.school), selectinload(Application.beneficiaries))
        .order_by(Application.id)
    )
    if application_ids is not None:
        query = query.where(Application.id.in_(application_ids))
    applications = list(db.session.scalars(query).unique())
    members = members_of(programme)
    # Former members' submitted reviews stay on record and count (unless conflicted).
    everyone = members + members_of(programme, former=True)
    member_by_id = {m.id: m for m in everyone}
    conflicts = programme_conflicts(everyone, {a.id: a.school_id for a in applications})
    app_ids = {a.id for a in applications}
    rows = db.session.execute(
        sa.select(
            ReviewAssignment.id,
            ReviewAssignment.member_id,
            ReviewAssignment.application_id,
            Review.id,
            Review.state,
        )  # fmt: skip
        .outerjoin(Review)
        .join(CommitteeMember)
        .where(CommitteeMember.programme_id == programme.id)
        .order_by(ReviewAssignment.id)
    ).all()
    records = {}
    for assignment_id, member_id, app_id, review_id, state in rows:
        if app_id in app_ids:
            records[assignment_id] = ReviewRecord(
                review_id, assignment_id, member_by_id[member_id], app_id, state,
                conflicted=(member_id, app_id) in conflicts,
            )  # fmt: skip
    by_review = {r.review_id: r for r in records.values() if r.review_id is not None}
    if by_review:
        ratings = db.session.execute(
            sa.select(Rating.review_id, Rating.criterion_id, Rating.score)
            .join(Review)
            .join(ReviewAssignment)
            .join(CommitteeMember)
            .where(CommitteeMember.programme_id == programme.id)
        )
        for review_id, criterion_id, score in ratings:
            if review_id in by_review:
                by_review[review_id].scores[criterion_id] = score
    return ProgrammeReviews(
        programme, criteria, applications, members, conflicts, list(records.values())
    )


def scores_for(data: ProgrammeReviews) -> dict[int, ApplicationScore]:
    criteria = [Criterion(c.id, c.max_score, c.weight) for c in data.criteria]
    counted = [
        ReviewScores(r.member.id, r.application_id, r.member.sector.value, r.scores)
        for r in data.records
        if r.counts
    ]
    return aggregate(criteria, counted, [a.id for a in data.applications])


@dataclass
class RankingRow:
    position: int
    application: Application
    score: ApplicationScore
    ranking_score: Fraction | float | None
    within_budget: bool
    cumulative_satang: int | None
    reviews_done: int
    reviews_assigned: int
    reviews_needed: int


def build_ranking(data: ProgrammeReviews) -> list[RankingRow]:
    programme = data.programme
    scores = scores_for(data)
    assigned = defaultdict(int)
    for record in data.records:
        if not record.conflicted:
            assigned[record.application_id] += 1
    by_id = {a.id: a for a in data.applications}

    def ranking_score(app_id):
        score = scores[app_id]
        return score.calibrated if programme.use_calibration else score.mean

    inputs = [
        RankInput(
            a.id,
            ranking_score(a.id),
            a.submitted_at.timestamp() if a.submitted_at else float("inf"),
            a.requested_satang,
            a.pupils_benefiting,
        )
        for a in data.applications
    ]
    ordered = rank(inputs, programme.tie_break.value)
    within = budget_line(
        [(r.application_id, r.requested_satang, r.score is not None) for r in ordered],
        programme.budget_total_satang,
    )
    rows, running = [], 0
    for position, item in enumerate(ordered, start=1):
        if within[item.application_id]:
            running += item.requested_satang
        score = scores[item.application_id]
        rows.append(
            RankingRow(
                position,
                by_id[item.application_id],
                score,
                item.score,
                within[item.application_id],
                running if within[item.application_id] else None,
                score.reviews_done,
                assigned[item.application_id],
                programme.reviews_per_application,
            )  # fmt: skip
        )
    return rows
