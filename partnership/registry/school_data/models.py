"""School data collection: the windows staff open for an academic year, and the history of
every entry and correction of a school's yearly figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.history import HistoryMixin
from ...db_types import UTCDateTime, utcnow
from ...extensions import db

if TYPE_CHECKING:
    from ...accounts.models import User
    from ..models import SchoolYearStat


class CollectionWindow(db.Model):
    """The days in which schools enter their figures for one academic year (the ABE
    collection, 12 July – 30 September in the seed); staff may close it early or open it again.

    One window per academic year: opening it again moves its dates."""

    __tablename__ = "school_data_windows"
    __table_args__ = (
        sa.UniqueConstraint("academic_year", name="uq_school_data_windows_academic_year"),
        sa.CheckConstraint("closes_on >= opens_on", name="dates_ordered"),
        sa.CheckConstraint("(closed_at IS NULL) = (closed_by_id IS NULL)", name="closed_has_actor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Gregorian year in which the academic year starts (as ``school_year_stats``).
    academic_year: Mapped[int] = mapped_column()
    #: First and last day of the collection (Bangkok calendar), both included.
    opens_on: Mapped[date] = mapped_column(sa.Date)
    closes_on: Mapped[date] = mapped_column(sa.Date)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Staff closed it before ``closes_on`` (empty: it runs to its last day).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    def is_open_on(self, day: date) -> bool:
        return self.closed_at is None and self.opens_on <= day <= self.closes_on

    def is_upcoming_on(self, day: date) -> bool:
        return self.closed_at is None and day < self.opens_on


class SchoolDataEvent(HistoryMixin, db.Model):
    """One entry or correction of a school's figures for a year: who, when, how (the school's
    form, staff, an import and its file) and each figure that changed, old → new.

    ``kind`` is ``entered`` (the year's first figures) or ``corrected``; ``changes`` maps each
    changed column to ``[old, new]`` (old is None on the first entry)."""

    __tablename__ = "school_data_events"

    stat_id: Mapped[int] = mapped_column(sa.ForeignKey("school_year_stats.id"), index=True)
    #: ``form`` (the school's or staff's form) or ``import``.
    source: Mapped[str] = mapped_column(sa.String(20), default="form")
    #: The imported file's name (imports only).
    file_name: Mapped[str] = mapped_column(sa.String(200), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    stat: Mapped[SchoolYearStat] = relationship(back_populates="events")
