"""Receipt numbers (one counter row per Buddhist-Era year) and the record of tax exports."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..payments.models import Donation


class ReceiptCounter(db.Model):
    """The last receipt number given in one Buddhist-Era year; moved only by
    ``UPDATE … SET last = last + 1 … RETURNING last`` in the paying transaction."""

    __tablename__ = "receipt_counters"
    __table_args__ = (sa.CheckConstraint("last >= 0", name="last_not_negative"),)

    #: The Buddhist-Era year (2569 for 2026).
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Receipt(db.Model):
    """A paid donation's receipt number: sequential per year, no gaps, never reused."""

    __tablename__ = "receipts"
    __table_args__ = (
        sa.UniqueConstraint("year", "number"),
        sa.CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donations.id"), unique=True)
    #: The Buddhist-Era year of the payment, in Bangkok.
    year: Mapped[int]
    number: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    donation: Mapped[Donation] = relationship()

    @property
    def label(self) -> str:
        """How the number is printed: 2569/000123."""
        return f"{self.year}/{self.number:06d}"


class TaxExport(db.Model):
    """One download of the e-Donation file: who, when, how many rows (append-only)."""

    __tablename__ = "tax_exports"
    __table_args__ = (sa.CheckConstraint("row_count >= 0", name="row_count_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    exported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The receipts' Buddhist-Era year that was exported.
    year: Mapped[int]
    row_count: Mapped[int]

    exported_by: Mapped[User] = relationship()
