"""Committee review records: members, conflicts, assignments, reviews, ratings, audit events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    """A person on a programme's scoring committee, with the sector they represent."""

    __tablename__ = "committee_members"
    __table_args__ = (sa.UniqueConstraint("programme_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The organisation the member sits for (their sector comes from it unless staff set one).
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    sector: Mapped[Sector] = mapped_column(enum_type(Sector, "sector"))
    is_chair: Mapped[bool] = mapped_column(default=False)
    appointed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    programme: Mapped[Programme] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship()
    assignments: Mapped[list[ReviewAssignment]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )
    conflicts: Mapped[list[ConflictOfInterest]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )


class ConflictOfInterest(db.Model):
    """A member who must not review an application: found automatically or declared."""

    __tablename__ = "conflicts_of_interest"
    __table_args__ = (sa.UniqueConstraint("member_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committee_members.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[ConflictSource] = mapped_column(enum_type(ConflictSource, "conflict_source"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: Who declared it (the member or staff); NULL for automatic conflicts.
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[CommitteeMember] = relationship(back_populates="conflicts")
    application: Mapped[Application] = relationship()
    declared_by: Mapped[User | None] = relationship()


class ReviewAssignment(db.Model):
    """A member asked to review an application (one row per pair)."""

    __tablename__ = "review_assignments"
    __table_args__ = (sa.UniqueConstraint("member_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committee_members.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    #: Staff who assigned by hand; NULL when the automatic assignment made it.
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[CommitteeMember] = relationship(back_populates="assignments")
    application: Mapped[Application] = relationship()
    review: Mapped[Review | None] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", uselist=False
    )

    @property
    def is_submitted(self) -> bool:
        return self.review is not None and self.review.state == ReviewState.SUBMITTED


class Review(db.Model):
    """One member's score sheet for one application: a draft until submitted, then locked."""

    __tablename__ = "reviews"
    __table_args__ = (
        sa.CheckConstraint(
            "state = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_time"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_assignments.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[ReviewState] = mapped_column(
        enum_type(ReviewState, "review_state"), default=ReviewState.DRAFT, index=True
    )
    overall_comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    assignment: Mapped[ReviewAssignment] = relationship(back_populates="review")
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="Rating.criterion_id"
    )
    events: Mapped[list[ReviewEvent]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewEvent.id"
    )

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


class ReviewEvent(db.Model):
    """The audit trail of a review: submitted, reopened by staff (with why)."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ReviewEventKind] = mapped_column(enum_type(ReviewEventKind, "review_event"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    review: Mapped[Review] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
