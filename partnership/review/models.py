"""Committee review records: members, conflicts, assignments, reviews, ratings, audit events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryMixin, history_of
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db
from ..registry.models import Sector

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..applications.models import Application
    from ..programmes.models import Programme, RubricCriterion
    from ..registry.models import Organisation


class ConflictSource(LabelledEnum):
    AUTOMATIC = "automatic"
    DECLARED = "declared"


class ReviewState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ReviewEventKind(LabelledEnum):
    SUBMITTED = "submitted"
    REOPENED = "reopened"


LABELS.update(
    {
        ConflictSource: {
            ConflictSource.AUTOMATIC: _l("Automatic (partnership with the school)"),
            ConflictSource.DECLARED: _l("Declared"),
        },
        ReviewState: {
            ReviewState.DRAFT: _l("Draft"),
            ReviewState.SUBMITTED: _l("Submitted"),
        },
        ReviewEventKind: {
            ReviewEventKind.SUBMITTED: _l("Submitted"),
            ReviewEventKind.REOPENED: _l("Reopened by staff"),
        },
    }
)


class CommitteeMember(db.Model):
    """A person on a programme's scoring committee, with the sector they represent.

    A member is never deleted: leaving the committee ends the membership (who, when, why), and
    their submitted reviews stay on record.
    """

    __tablename__ = "committee_members"
    __table_args__ = (
        # One current membership per person and programme; ended ones stay as history.
        sa.Index(
            "uq_committee_members_current",
            "programme_id",
            "user_id",
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        ),
        sa.CheckConstraint("(ended_at IS NULL) = (ended_by_id IS NULL)", name="ended_has_actor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The organisation the member sits for (their sector comes from it unless staff set one).
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    sector: Mapped[Sector] = mapped_column(enum_type(Sector, "sector"))
    is_chair: Mapped[bool] = mapped_column(default=False)
    appointed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    end_reason: Mapped[str] = mapped_column(sa.Text, default="")

    programme: Mapped[Programme] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])
    organisation: Mapped[Organisation | None] = relationship()
    #: Every assignment the member ever had, ended ones included (history).
    assignments: Mapped[list[ReviewAssignment]] = relationship(
        back_populates="member", passive_deletes="all"
    )
    #: The assignments not ended: what the member is asked to review now.
    current_assignments: Mapped[list[ReviewAssignment]] = relationship(
        primaryjoin="and_(CommitteeMember.id == ReviewAssignment.member_id, "
        "ReviewAssignment.ended_at.is_(None))",
        viewonly=True,
        order_by="ReviewAssignment.id",
    )
    conflicts: Mapped[list[ConflictOfInterest]] = relationship(
        back_populates="member", passive_deletes="all"
    )

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class ConflictOfInterest(db.Model):
    """A member who must not review an application: found automatically or declared.

    A declared conflict is withdrawn (with who, when and why), never deleted; a withdrawn one
    stays on record and a new declaration makes a new row.
    """

    __tablename__ = "conflicts_of_interest"
    __table_args__ = (
        sa.Index(
            "uq_conflicts_of_interest_current",
            "member_id",
            "application_id",
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        ),
        sa.CheckConstraint(
            "(withdrawn_at IS NULL) = (withdrawn_by_id IS NULL)", name="withdrawn_has_actor"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_members.id"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    source: Mapped[ConflictSource] = mapped_column(enum_type(ConflictSource, "conflict_source"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: Who declared it (the member or staff); NULL for automatic conflicts.
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawal_reason: Mapped[str] = mapped_column(sa.Text, default="")

    member: Mapped[CommitteeMember] = relationship(back_populates="conflicts")
    application: Mapped[Application] = relationship()
    declared_by: Mapped[User | None] = relationship(foreign_keys=[declared_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


class ReviewAssignment(db.Model):
    """A member asked to review an application. Withdrawn, it is ended with when, by whom and
    why, never deleted: one current row per (member, application), ended ones stay as history."""

    __tablename__ = "review_assignments"
    __table_args__ = (
        sa.Index(
            "uq_review_assignments_current",
            "member_id",
            "application_id",
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        ),
        sa.CheckConstraint("ended_at IS NULL OR end_reason <> ''", name="ended_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_members.id"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    #: Staff who assigned by hand; NULL when the automatic assignment made it.
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Staff who withdrew it; NULL when the automatic assignment or a conflict ended it.
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    end_reason: Mapped[str] = mapped_column(sa.Text, default="")

    member: Mapped[CommitteeMember] = relationship(back_populates="assignments")
    application: Mapped[Application] = relationship()
    review: Mapped[Review | None] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", uselist=False
    )

    @property
    def is_current(self) -> bool:
        return self.ended_at is None

    @property
    def is_submitted(self) -> bool:
        return self.review is not None and self.review.state == ReviewState.SUBMITTED

    @property
    def has_history(self) -> bool:
        """A review that was ever submitted (it has events) is part of the record: its
        assignment is never withdrawn or deleted."""
        review = self.review
        return review is not None and (review.is_submitted or bool(review.events))


class Review(db.Model):
    """One member's score sheet for one application: a draft until submitted, then locked."""

    __tablename__ = "reviews"
    __table_args__ = (
        sa.CheckConstraint(
            "state = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_time"
        ),
        sa.CheckConstraint(
            "(state = 'draft' AND weighted_total IS NULL)"
            " OR (state = 'submitted' AND weighted_total IS NOT NULL)",
            name="submitted_has_total",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("review_assignments.id"), unique=True)
    state: Mapped[ReviewState] = mapped_column(
        enum_type(ReviewState, "review_state"), default=ReviewState.DRAFT, index=True
    )
    overall_comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Σ(score × weight) over the rubric, written with the submission (the rubric is locked from
    #: then on) so that ranking a national round reads one number per review instead of adding
    #: up 168,000 ratings; None while a draft. The review total is 100 × this ÷ Σ(max × weight).
    weighted_total: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    assignment: Mapped[ReviewAssignment] = relationship(back_populates="review")
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="Rating.criterion_id"
    )
    #: The trail never cascades away: a review with events cannot be deleted (the database
    #: refuses), so it cannot be unassigned either.
    events: Mapped[list[ReviewEvent]] = history_of("ReviewEvent", back_populates="review")

    @property
    def is_submitted(self) -> bool:
        return self.state == ReviewState.SUBMITTED


class Rating(db.Model):
    """The score (and optional comment) one review gives one rubric criterion."""

    __tablename__ = "ratings"
    __table_args__ = (
        sa.UniqueConstraint("review_id", "criterion_id"),
        sa.CheckConstraint("score >= 0", name="score_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rubric_criteria.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[Review] = relationship(back_populates="ratings")
    criterion: Mapped[RubricCriterion] = relationship()


class ReviewEvent(HistoryMixin, db.Model):
    """The audit trail of a review: submitted (draft → submitted), reopened by staff
    (submitted → draft, with why)."""

    __tablename__ = "review_events"

    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id"), index=True)
    kind: Mapped[ReviewEventKind] = mapped_column(enum_type(ReviewEventKind, "review_event"))
    from_state: Mapped[ReviewState | None] = mapped_column(
        enum_type(ReviewState, "review_event_from")
    )
    to_state: Mapped[ReviewState | None] = mapped_column(enum_type(ReviewState, "review_event_to"))

    review: Mapped[Review] = relationship(back_populates="events")
