"""Outcomes: the measures a programme names, and what each funded school reports against them,
verified by staff (planned against reported)."""

from __future__ import annotations

from datetime import datetime
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
    from ..programmes.models import Programme


class MeasureKind(LabelledEnum):
    #: A number of things or people (laptops delivered, pupils reached): totals add up.
    COUNT = "count"
    #: Hours per week (hours of use): the total row shows the mean of the schools.
    HOURS_PER_WEEK = "hours_per_week"


class PlannedFrom(LabelledEnum):
    """Where a measure's planned value comes from, for each funded application."""

    #: No planned value.
    NONE = "none"
    #: The pupils the application says benefit (the sum of its grades); also capped by the
    #: school's pupils of the academic year in the registry.
    PUPILS = "pupils"
    #: The application's teachers benefiting; capped by the school's teachers of the year.
    TEACHERS = "teachers"
    #: The quantity of the campaign's budget lines whose item contains ``budget_item``.
    BUDGET_QUANTITY = "budget_quantity"


class ReportState(LabelledEnum):
    #: Sent by the school; awaiting staff.
    REPORTED = "reported"
    #: Checked by staff: counts publicly (the latest verified report of a measure counts).
    VERIFIED = "verified"
    #: Sent back to the school with a reason; the school reports again.
    RETURNED = "returned"


LABELS[MeasureKind] = {
    MeasureKind.COUNT: lazy_pgettext("outcome kind", "Count"),
    MeasureKind.HOURS_PER_WEEK: lazy_pgettext("outcome kind", "Hours per week"),
}
LABELS[PlannedFrom] = {
    PlannedFrom.NONE: lazy_pgettext("planned from", "No planned value"),
    PlannedFrom.PUPILS: lazy_pgettext("planned from", "Pupils benefiting (application)"),
    PlannedFrom.TEACHERS: lazy_pgettext("planned from", "Teachers benefiting (application)"),
    PlannedFrom.BUDGET_QUANTITY: lazy_pgettext("planned from", "Quantity of a budget item"),
}
LABELS[ReportState] = {
    ReportState.REPORTED: lazy_pgettext("outcome state", "Awaiting verification"),
    ReportState.VERIFIED: lazy_pgettext("outcome state", "Verified"),
    ReportState.RETURNED: lazy_pgettext("outcome state", "Returned"),
}

#: The most hours a week has.
HOURS_IN_A_WEEK = 168
#: The largest figure a school may report for a count (a school has at most a few thousand
#: pupils; a programme buys at most a few thousand devices for one school).
MAX_COUNT = 100_000


class OutcomeMeasure(db.Model):
    """One outcome a programme follows (laptops delivered, pupils reached ...), in its order."""

    __tablename__ = "outcome_measures"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "key"),
        sa.CheckConstraint(
            "planned_from <> 'budget_quantity' OR budget_item <> ''", name="budget_item_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: A short stable name within the programme (``pupils``, ``laptops``), for exports and code.
    key: Mapped[str] = mapped_column(sa.String(40))
    name_th: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    unit_th: Mapped[str] = mapped_column(sa.String(40), default="")
    unit_en: Mapped[str] = mapped_column(sa.String(40), default="")
    kind: Mapped[MeasureKind] = mapped_column(
        enum_type(MeasureKind, "outcome_measure_kind"), default=MeasureKind.COUNT
    )
    planned_from: Mapped[PlannedFrom] = mapped_column(
        enum_type(PlannedFrom, "outcome_planned_from"), default=PlannedFrom.NONE
    )
    #: For ``budget_quantity``: text found in the budget line's item ("โน้ตบุ๊ก").
    budget_item: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    programme: Mapped[Programme] = relationship()

    def display_name(self, lang: str = "th") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_th

    def unit(self, lang: str = "th") -> str:
        return self.unit_en if lang == "en" and self.unit_en else self.unit_th

    @property
    def max_value(self) -> int:
        return HOURS_IN_A_WEEK if self.kind == MeasureKind.HOURS_PER_WEEK else MAX_COUNT

    def can_edit(self, user) -> bool:
        return bool(user.is_authenticated and user.is_staff)


class OutcomeReport(db.Model):
    """One figure a school reported for one measure of its funded campaign.

    Never edited once verified: a correction is a new report, and the latest verified report
    of a (campaign, measure) is the one that counts.
    """

    __tablename__ = "outcome_reports"
    __table_args__ = (
        sa.CheckConstraint("value >= 0", name="value_non_negative"),
        sa.CheckConstraint(
            "state = 'reported' OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
            name="decided_has_who_and_when",
        ),
        sa.CheckConstraint(
            "state <> 'returned' OR return_reason <> ''", name="returned_has_reason"
        ),
        sa.Index("ix_outcome_reports_campaign_measure_state", "campaign_id", "measure_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("outcome_measures.id"), index=True)
    #: The academic year the figure is for (Gregorian start year, shown in BE in Thai).
    academic_year: Mapped[int] = mapped_column()
    value: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[ReportState] = mapped_column(
        enum_type(ReportState, "outcome_report_state"), default=ReportState.REPORTED, index=True
    )
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Who verified or returned it, and when.
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_reason: Mapped[str] = mapped_column(sa.Text, default="")

    campaign: Mapped[Campaign] = relationship()
    measure: Mapped[OutcomeMeasure] = relationship()
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    events: Mapped[list[OutcomeReportEvent]] = history_of(
        "OutcomeReportEvent", back_populates="report"
    )

    # Permissions: staff decide (the school's staff report: ``services.can_report``).
    def can_verify(self, user) -> bool:
        return bool(user.is_authenticated and user.is_staff)


class OutcomeReportEvent(HistoryMixin, db.Model):
    """Append-only history of a report: reported, verified or returned, with who, when, why."""

    __tablename__ = "outcome_report_events"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("outcome_reports.id"), index=True)
    from_state: Mapped[ReportState | None] = mapped_column(
        enum_type(ReportState, "outcome_event_from")
    )
    to_state: Mapped[ReportState] = mapped_column(enum_type(ReportState, "outcome_event_to"))

    report: Mapped[OutcomeReport] = relationship(back_populates="events")
