"""Delivery milestones: a programme's template of steps, each funded campaign's milestones made
from it, their history (who moved them, when, with what note) and their photos."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryMixin, history_of
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..campaigns.models import Campaign

#: The longest a step may be due after funding (ten years).
MAX_DUE_DAYS = 3650


class MilestoneStep(db.Model):
    """One step of a programme's milestone template: its names and when it is due, counted in
    days from the day a campaign was funded."""

    __tablename__ = "milestone_steps"
    __table_args__ = (
        sa.CheckConstraint(f"due_days >= 0 AND due_days <= {MAX_DUE_DAYS}", name="due_days_range"),
        sa.CheckConstraint("length(name_th) > 0", name="has_name"),
        sa.CheckConstraint("position >= 0", name="position_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    #: Order in the template (the page lists steps by position, then id).
    position: Mapped[int] = mapped_column(default=0)
    name_th: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Due this many days after ``Campaign.funded_at`` (Bangkok calendar).
    due_days: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def display_name(self, lang: str) -> str:
        return (self.name_en or self.name_th) if lang == "en" else self.name_th


class MilestoneState(LabelledEnum):
    #: Not done yet.
    PENDING = "pending"
    #: The school or staff said it happened.
    DONE = "done"
    #: Staff found it not done after all; it waits to be done again.
    REOPENED = "reopened"


LABELS[MilestoneState] = {
    MilestoneState.PENDING: lazy_pgettext("milestone state", "Pending"),
    MilestoneState.DONE: lazy_pgettext("milestone state", "Done"),
    MilestoneState.REOPENED: lazy_pgettext("milestone state", "Reopened"),
}
#: States that still wait for the school (they can be overdue and are reminded).
OPEN_STATES = (MilestoneState.PENDING, MilestoneState.REOPENED)


class Milestone(db.Model):
    """One step of one funded campaign's delivery, due on a day."""

    __tablename__ = "milestones"
    __table_args__ = (
        # Made once per campaign and step, however often the funding hook or the command runs.
        sa.UniqueConstraint("campaign_id", "step_id"),
        sa.CheckConstraint("(state = 'done') = (done_at IS NOT NULL)", name="done_has_time"),
        sa.Index("ix_milestones_state_due_on", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("milestone_steps.id"), index=True)
    state: Mapped[MilestoneState] = mapped_column(
        enum_type(MilestoneState, "milestone_state"), default=MilestoneState.PENDING
    )
    #: The Bangkok day it is due: the funding day plus the step's days, fixed when it is made
    #: (a later change of the template does not move the milestones already made).
    due_on: Mapped[date] = mapped_column(sa.Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: When the school was mailed that it is due within a week (claimed once, before the mail).
    reminded_soon_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the school was mailed that it is overdue (claimed once, before the mail).
    reminded_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    step: Mapped[MilestoneStep] = relationship()
    done_by: Mapped[User | None] = relationship()
    events: Mapped[list[MilestoneEvent]] = history_of("MilestoneEvent", back_populates="milestone")
    photos: Mapped[list[MilestonePhoto]] = relationship(
        back_populates="milestone", order_by="MilestonePhoto.id"
    )

    def is_overdue(self, today: date) -> bool:
        return self.state in OPEN_STATES and self.due_on < today

    def can_view(self, user) -> bool:
        """Staff, and the staff of the campaign's school."""
        return bool(
            user.is_authenticated
            and (user.is_staff or user.is_school_staff_of(self.campaign.school_id))
        )

    def can_move_to(self, user, state: MilestoneState) -> bool:
        """The school's staff mark it done; reopening is for programme staff only."""
        if not self.can_view(user):
            return False
        return state == MilestoneState.DONE or bool(user.is_staff)


class MilestoneEvent(HistoryMixin, db.Model):
    """Append-only history of a milestone: each move with who, when and the note."""

    __tablename__ = "milestone_events"
    __table_args__ = (
        sa.CheckConstraint(
            "to_state IS NULL OR to_state IN ('pending', 'done', 'reopened')", name="known_state"
        ),
    )

    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("milestones.id"), index=True)

    milestone: Mapped[Milestone] = relationship(back_populates="events")

    @property
    def to_state_label(self) -> str:
        """The state reached, in the reader's language (as stored if no longer a state)."""
        try:
            return str(MilestoneState(self.to_state).label)
        except ValueError:
            return self.to_state or ""


class MilestonePhoto(db.Model):
    """A photo sent with a milestone's move; public only when the school confirmed that the
    guardians of any child shown agreed (PDPA), else staff and the school's staff see it."""

    __tablename__ = "milestone_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("milestones.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("milestone_events.id"))
    #: The random key of its variants in the store (``milestone-photos/<key>-<width>.jpg``).
    storage_key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    #: The school ticked that guardians agreed to children being shown (PDPA consent).
    public: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    milestone: Mapped[Milestone] = relationship(back_populates="photos")
