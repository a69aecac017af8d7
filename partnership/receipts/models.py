"""Receipt numbers (one counter row per Buddhist-Era year), the record of tax exports, and the
e-Donation record of each gift whose donor asked for a tax receipt (with its history)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryMixin, history_of
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
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


class ReceiptClaim(db.Model):
    """A paid donation waiting for its receipt number and thank-you (``receipts.claims``).

    Written in the paying transaction (one insert, no lock shared with other payments); the
    claimer numbers the waiting gifts in paid order after the commit and marks the row in the
    transaction that gives the number; the thank-you step deletes it in the transaction that
    queues the mail. Each gift is numbered once and thanked once.
    """

    __tablename__ = "receipt_claims"

    donation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("donations.id"), primary_key=True, autoincrement=False
    )
    #: The ledger source of the payment (a Stripe event id), for the e-Donation record's history.
    source: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Numbered; the row stays until the thank-you is queued (by the mail worker's pass).
    numbered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TaxExport(db.Model):
    """One download of the e-Donation file: who, when, how many rows (append-only)."""

    __tablename__ = "tax_exports"
    __table_args__ = (
        sa.CheckConstraint("row_count >= 0", name="row_count_not_negative"),
        sa.CheckConstraint("month IS NULL OR month BETWEEN 1 AND 12", name="month_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    exported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The receipts' Buddhist-Era year that was exported.
    year: Mapped[int]
    #: The month of a monthly e-Donation export (1-12); empty for a year's receipts.
    month: Mapped[int | None]
    row_count: Mapped[int]

    exported_by: Mapped[User] = relationship()


class EDonationState(LabelledEnum):
    #: To be entered in the Revenue Department's e-Donation system by ``due_on``.
    DUE = "due"
    #: Refunded in full before it was entered: nothing to send.
    WITHDRAWN = "withdrawn"
    #: Entered in e-Donation (``rd_reference``, ``recorded_at``, ``recorded_by``).
    RECORDED = "recorded"
    #: Entered, then part of the money left (a refund or a dispute) or came back: amend it.
    TO_AMEND = "to_amend"
    #: Entered, then all of the money left: cancel it.
    TO_CANCEL = "to_cancel"
    AMENDED = "amended"
    CANCELLED = "cancelled"


LABELS[EDonationState] = {
    EDonationState.DUE: _l("To record"),
    EDonationState.WITHDRAWN: _l("Not needed (refunded before recording)"),
    EDonationState.RECORDED: _l("Recorded"),
    EDonationState.TO_AMEND: _l("To amend"),
    EDonationState.TO_CANCEL: _l("To cancel"),
    EDonationState.AMENDED: _l("Amended"),
    EDonationState.CANCELLED: _l("Cancelled"),
}

#: States in which staff still have to act in e-Donation.
EDONATION_OPEN_STATES = frozenset(
    {EDonationState.DUE, EDonationState.TO_AMEND, EDonationState.TO_CANCEL}
)


class EDonationRecord(db.Model):
    """A gift's e-Donation record: one row per gift whose donor asked for a tax receipt.

    The row holds where the record stands now; every move is an :class:`EDonationEvent` row.
    """

    __tablename__ = "edonation_records"
    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('due', 'withdrawn') OR (recorded_at IS NOT NULL"
            " AND recorded_satang IS NOT NULL AND rd_reference <> '')",
            name="recorded_has_reference",
        ),
        sa.CheckConstraint(
            "recorded_satang IS NULL OR recorded_satang >= 0", name="recorded_not_negative"
        ),
        sa.Index("ix_edonation_records_state_due_on", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donations.id"), unique=True)
    state: Mapped[EDonationState] = mapped_column(
        enum_type(EDonationState, "edonation_state"), default=EDonationState.DUE
    )
    #: The day the gift was paid (Bangkok date): the date the Revenue Department records.
    gift_on: Mapped[date] = mapped_column(sa.Date)
    #: The day the present work arose (the gift, or the refund that asks for an amendment):
    #: the month of the staff worklist this record is in.
    opened_on: Mapped[date] = mapped_column(sa.Date, index=True)
    #: The foundation's deadline for the present work (``EDONATION_DEADLINE_DAYS``).
    due_on: Mapped[date] = mapped_column(sa.Date)
    #: The amount the e-Donation record holds (0 once cancelled); empty before it is entered.
    recorded_satang: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: The Revenue Department's reference of the record.
    rd_reference: Mapped[str] = mapped_column(sa.String(120), default="")
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    donation: Mapped[Donation] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    events: Mapped[list[EDonationEvent]] = history_of("EDonationEvent")

    def can_view(self, user) -> bool:
        return bool(user.is_authenticated and user.is_staff)

    can_edit = can_view


class EDonationEvent(HistoryMixin, db.Model):
    """One move of an e-Donation record (append-only): from, to, who, why, the amount then."""

    __tablename__ = "edonation_events"

    record_id: Mapped[int] = mapped_column(sa.ForeignKey("edonation_records.id"), index=True)
    #: Empty for the event that opened the record.
    from_state: Mapped[EDonationState | None] = mapped_column(
        enum_type(EDonationState, "edonation_event_from")
    )
    to_state: Mapped[EDonationState] = mapped_column(
        enum_type(EDonationState, "edonation_event_to")
    )
    rd_reference: Mapped[str] = mapped_column(sa.String(120), default="")
    #: The gift's money kept by the foundation at the time.
    kept_satang: Mapped[int] = mapped_column(sa.BigInteger)
    #: What moved it: a ledger source (Stripe event id), "staff" or "migration".
    source: Mapped[str] = mapped_column(sa.String(200), default="")
