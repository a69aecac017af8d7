"""Programmes (calls for proposals) with their eligibility rules and scoring rubric."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryMixin, history_of
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..applications.models import Application


class ProgrammeState(LabelledEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    REVIEWING = "reviewing"
    DECIDED = "decided"
    ARCHIVED = "archived"


class TieBreak(LabelledEnum):
    """How two applications with the same score are ordered in the ranking."""

    EARLIER_SUBMISSION = "earlier_submission"
    SMALLER_BUDGET = "smaller_budget"
    MORE_PUPILS = "more_pupils"


LABELS.update(
    {
        ProgrammeState: {
            ProgrammeState.DRAFT: _l("Draft"),
            ProgrammeState.OPEN: _l("Open for applications"),
            ProgrammeState.CLOSED: lazy_pgettext("programme state", "Closed"),
            ProgrammeState.REVIEWING: _l("Committee review"),
            ProgrammeState.DECIDED: _l("Decided"),
            ProgrammeState.ARCHIVED: _l("Archived"),
        },
        TieBreak: {
            TieBreak.EARLIER_SUBMISSION: _l("Earlier submission ranks higher"),
            TieBreak.SMALLER_BUDGET: _l("Smaller budget ranks higher"),
            TieBreak.MORE_PUPILS: _l("More pupils benefiting ranks higher"),
        },
    }
)


class Programme(db.Model):
    """A call such as Notebook for Education 2564: when, who may apply, how it is scored."""

    __tablename__ = "programmes"
    __table_args__ = (
        sa.CheckConstraint("closes_at > opens_at", name="window_ordered"),
        sa.CheckConstraint("budget_total_satang >= 0", name="budget_non_negative"),
        sa.CheckConstraint("cap_satang > 0", name="cap_positive"),
        sa.CheckConstraint("reviews_per_application >= 1", name="reviews_positive"),
        sa.CheckConstraint("max_applications_per_school >= 1", name="max_apps_positive"),
        sa.CheckConstraint(
            "min_grade IS NULL OR (min_grade >= 0 AND max_grade <= 14 AND min_grade <= max_grade)",
            name="grades_valid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_th: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    description_th: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: Stored in UTC; entered and shown in Asia/Bangkok time.
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[ProgrammeState] = mapped_column(
        enum_type(ProgrammeState, "programme_state"), default=ProgrammeState.DRAFT, index=True
    )
    budget_total_satang: Mapped[int] = mapped_column(sa.BigInteger)
    #: The most one application may ask for.
    cap_satang: Mapped[int] = mapped_column(sa.BigInteger)
    members_only: Mapped[bool] = mapped_column(default=True)
    #: Grades the school must teach (indexes into registry GRADES), e.g. ป.4–ป.6; NULL: any.
    min_grade: Mapped[int | None] = mapped_column()
    max_grade: Mapped[int | None] = mapped_column()
    #: Comma-separated province codes allowed to apply; empty: every province.
    province_codes: Mapped[str] = mapped_column(sa.String(400), default="")
    reviews_per_application: Mapped[int] = mapped_column(default=3)
    require_sector_balance: Mapped[bool] = mapped_column(default=True)
    max_applications_per_school: Mapped[int] = mapped_column(default=1)
    tie_break: Mapped[TieBreak] = mapped_column(
        enum_type(TieBreak, "tie_break"), default=TieBreak.EARLIER_SUBMISSION
    )
    #: Rank by reviewer-calibrated scores (z-scores per reviewer) instead of raw means.
    use_calibration: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    criteria: Mapped[list[RubricCriterion]] = relationship(
        back_populates="programme",
        order_by="RubricCriterion.position",
        cascade="all, delete-orphan",
    )
    applications: Mapped[list[Application]] = relationship(back_populates="programme")
    created_by: Mapped[User | None] = relationship()
    #: Every state change, oldest first (append-only; never cascades away).
    events: Mapped[list[ProgrammeEvent]] = history_of("ProgrammeEvent", back_populates="programme")

    def display_name(self, lang: str = "th") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_th

    def description(self, lang: str = "th") -> str:
        return self.description_en if lang == "en" and self.description_en else self.description_th

    @property
    def allowed_provinces(self) -> list[str]:
        return [code for code in self.province_codes.split(",") if code]

    @property
    def rubric_max_total(self) -> int:
        """The largest weighted total a review can reach (used to normalise to 0–100)."""
        return sum(c.max_score * c.weight for c in self.criteria)

    @property
    def decisions_published(self) -> bool:
        """The committee's decisions are public once the programme is decided."""
        return self.state in (ProgrammeState.DECIDED, ProgrammeState.ARCHIVED)

    def is_open_at(self, moment: datetime) -> bool:
        return self.state == ProgrammeState.OPEN and self.opens_at <= moment < self.closes_at

    def can_view(self, user) -> bool:
        return self.state != ProgrammeState.DRAFT or bool(user.is_authenticated and user.is_staff)

    def can_edit(self, user) -> bool:
        return bool(user.is_authenticated and user.is_staff)


class RubricCriterion(db.Model):
    """One line of the scoring rubric: an integer score 0..max_score, weighted."""

    __tablename__ = "rubric_criteria"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "position"),
        sa.CheckConstraint("max_score > 0", name="max_score_positive"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    label_th: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200), default="")
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    max_score: Mapped[int] = mapped_column()
    weight: Mapped[int] = mapped_column(default=1)

    programme: Mapped[Programme] = relationship(back_populates="criteria")

    def label(self, lang: str = "th") -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_th


class ProgrammeEvent(HistoryMixin, db.Model):
    """The programme's history: every state change with who, when and why."""

    __tablename__ = "programme_events"

    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    from_state: Mapped[ProgrammeState | None] = mapped_column(
        enum_type(ProgrammeState, "programme_event_from")
    )
    to_state: Mapped[ProgrammeState] = mapped_column(
        enum_type(ProgrammeState, "programme_event_to")
    )

    programme: Mapped[Programme] = relationship(back_populates="events")
