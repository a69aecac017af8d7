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
    """A receipt for a paid donation: numbered in sequence per year, no gaps, never reused.

    A receipt is never changed once issued but for being cancelled: when money of the gift is
    returned, its receipt is cancelled (``cancelled_at``) and, if some of the gift was kept, a
    new receipt for what was kept takes the next number (``replaced_by``). A donation has at
    most one receipt that is not cancelled.
    """

    __tablename__ = "receipts"
    __table_args__ = (
        sa.UniqueConstraint("year", "number"),
        sa.CheckConstraint("number > 0", name="number_positive"),
        sa.CheckConstraint("amount_satang > 0", name="amount_positive"),
        sa.CheckConstraint(
            "replaced_by_id IS NULL OR cancelled_at IS NOT NULL", name="replaced_when_cancelled"
        ),
        sa.Index(
            "uq_receipts_live_donation",
            "donation_id",
            unique=True,
            sqlite_where=sa.text("cancelled_at IS NULL"),
            postgresql_where=sa.text("cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donations.id"), index=True)
    #: The Buddhist-Era year of the payment (or, for a replacement, of its issue), in Bangkok.
    year: Mapped[int]
    number: Mapped[int]
    #: What the receipt acknowledges: the gift, or what was kept of it after a refund.
    amount_satang: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Set once, when money was returned: the receipt no longer stands.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The receipt issued for what was kept, when some of the gift was.
    replaced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("receipts.id"))

    donation: Mapped[Donation] = relationship()
    replaced_by: Mapped[Receipt | None] = relationship(
        remote_side=[id], foreign_keys=[replaced_by_id]
    )

    @property
    def label(self) -> str:
        """How the number is printed: 2569/000123."""
        return f"{self.year}/{self.number:06d}"

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


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
