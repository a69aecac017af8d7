"""School project applications: budget lines, beneficiaries, attachments and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..core.history import HistoryMixin, history_of
from ..core.signals import any_receiver_agrees
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db
from ..money import line_total_satang
from .signals import may_view_application

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..programmes.models import Programme
    from ..registry.models import School


class ApplicationState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


LABELS[ApplicationState] = {
    ApplicationState.DRAFT: _l("Draft"),
    ApplicationState.SUBMITTED: _l("Submitted"),
    ApplicationState.ELIGIBLE: _l("Eligible"),
    ApplicationState.INELIGIBLE: _l("Ineligible"),
    ApplicationState.IN_REVIEW: _l("In review"),
    ApplicationState.APPROVED: _l("Approved"),
    ApplicationState.WAITLISTED: _l("Waitlisted"),
    ApplicationState.REJECTED: _l("Rejected"),
    ApplicationState.WITHDRAWN: lazy_pgettext("application state", "Withdrawn"),
}


#: States that mean the committee has decided (shown to schools only once published).
DECISION_STATES = frozenset(
    {ApplicationState.APPROVED, ApplicationState.WAITLISTED, ApplicationState.REJECTED}
)


class BudgetLine(db.Model):
    """One budget item: unit price in satang times a whole quantity."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        sa.CheckConstraint("unit_price_satang > 0", name="price_positive"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[str] = mapped_column(sa.String(200))
    unit_price_satang: Mapped[int] = mapped_column(sa.BigInteger)
    quantity: Mapped[int] = mapped_column()

    application: Mapped[Application] = relationship(back_populates="budget_lines")

    @hybrid_property
    def total_satang(self) -> int:
        """Unit price times quantity, on a loaded row and in SQL (``requested_satang``)."""
        return line_total_satang(self.unit_price_satang, self.quantity)


class Beneficiaries(db.Model):
    """How many pupils of one grade the project reaches."""

    __tablename__ = "application_beneficiaries"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "grade"),
        sa.CheckConstraint("pupils >= 0", name="pupils_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    #: Index into registry GRADES.
    grade: Mapped[int] = mapped_column()
    pupils: Mapped[int] = mapped_column()

    application: Mapped[Application] = relationship(back_populates="beneficiaries")


class Application(db.Model):
    """A school's proposal to a programme, locked for the school once submitted."""

    __tablename__ = "applications"
    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('draft', 'withdrawn') OR submitted_at IS NOT NULL",
            name="submitted_has_time",
        ),
        sa.CheckConstraint("teachers_benefiting >= 0", name="teachers_non_negative"),
        # Screening and ranking: a programme's applications in some states, by submission.
        sa.Index(
            "ix_applications_programme_state_submitted", "programme_id", "state", "submitted_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"))
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    need: Mapped[str] = mapped_column(sa.Text, default="")
    delivery_plan: Mapped[str] = mapped_column(sa.Text, default="")
    teachers_benefiting: Mapped[int] = mapped_column(default=0)
    state: Mapped[ApplicationState] = mapped_column(
        enum_type(ApplicationState, "application_state"),
        default=ApplicationState.DRAFT,
        index=True,
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Rule codes the automatic eligibility check failed, comma-separated ('' when none).
    eligibility_failures: Mapped[str] = mapped_column(sa.String(400), default="")
    #: Why staff overrode the automatic check (empty when they did not).
    eligibility_override: Mapped[str] = mapped_column(sa.Text, default="")
    #: The decision's reason, shown to the school.
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="applications")
    school: Mapped[School] = relationship()
    created_by: Mapped[User | None] = relationship()
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application",
        order_by="BudgetLine.position",
        cascade="all, delete-orphan",
    )
    beneficiaries: Mapped[list[Beneficiaries]] = relationship(
        back_populates="application",
        order_by="Beneficiaries.grade",
        cascade="all, delete-orphan",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    #: The audit trail never goes away with the application (no delete cascade, and the
    #: database refuses to delete an application that has events).
    events: Mapped[list[ApplicationEvent]] = history_of(
        "ApplicationEvent", back_populates="application"
    )

    @property
    def pupils_benefiting(self) -> int:
        return sum(b.pupils for b in self.beneficiaries)

    @property
    def is_locked_for_school(self) -> bool:
        return self.state != ApplicationState.DRAFT

    # What a person is shown: decisions stay with staff until the programme publishes them.
    def decision_hidden_from(self, user) -> bool:
        """True while a decision exists that this person may not see yet (only staff may)."""
        return (
            self.state in DECISION_STATES
            and not self.programme.decisions_published
            and not (user.is_authenticated and user.is_staff)
        )

    def state_shown_to(self, user) -> ApplicationState:
        """The state badge this person sees: "in review" until decisions are published."""
        return ApplicationState.IN_REVIEW if self.decision_hidden_from(user) else self.state

    def events_shown_to(self, user) -> list[ApplicationEvent]:
        """The history this person sees: without unpublished decisions and their reasons."""
        if not (self.programme.decisions_published or (user.is_authenticated and user.is_staff)):
            return [e for e in self.events if e.to_state not in DECISION_STATES]
        return list(self.events)

    # Permissions: staff see all; the school's own staff see theirs; features above add others.
    def can_view(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if user.is_staff or user.is_school_staff_of(self.school_id):
            return True
        return any_receiver_agrees(may_view_application, self, user=user)

    def can_edit(self, user) -> bool:
        return bool(
            user.is_authenticated
            and user.is_school_staff_of(self.school_id)
            and self.state == ApplicationState.DRAFT
        )

    def can_screen(self, user) -> bool:
        return bool(user.is_authenticated and user.is_staff)


#: Requested total in satang, always the sum of the lines (one correlated subquery, no copy).
Application.requested_satang = column_property(
    sa.select(sa.func.coalesce(sa.func.sum(BudgetLine.total_satang), 0))
    .where(BudgetLine.application_id == Application.id)
    .correlate_except(BudgetLine)
    .scalar_subquery()
)


class Attachment(db.Model):
    """A file (PDF, JPEG, PNG) stored outside static/, served only to those allowed."""

    __tablename__ = "attachments"
    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    #: The uploader's file name, cleaned; only for display and download.
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size_bytes: Mapped[int] = mapped_column()
    #: Where the storage backend keeps it (a random name, never the uploader's).
    storage_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="attachments")


class ApplicationEvent(HistoryMixin, db.Model):
    """The audit trail: every state change with who, when and why."""

    __tablename__ = "application_events"

    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    to_state: Mapped[str] = mapped_column(sa.String(20))

    application: Mapped[Application] = relationship(back_populates="events")
