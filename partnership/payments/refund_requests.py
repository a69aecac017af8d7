"""Refunds the foundation asks Stripe for (staff, or a failed all-or-nothing campaign).

Each request is a row stored, under its unique idempotency key, *before* Stripe is called: a
second click, a second run or a run after a crash finds the row and sends (at most) the same
request again with the same key, which Stripe answers with the refund it already made. The
money moves only when Stripe's webhook reports the refund (``donations.note_refund``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.transitions import add_unique, compare_and_set
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db
from .client import PaymentProviderDown, PaymentRequestRefused, PaymentsNotConfigured, refund
from .models import WAITING_REFUND_STATUSES, Donation, DonationRefund


class RefundCause(LabelledEnum):
    STAFF = "staff"
    ALL_OR_NOTHING = "all_or_nothing"


LABELS[RefundCause] = {
    RefundCause.STAFF: _l("Refunded by staff"),
    RefundCause.ALL_OR_NOTHING: _l("All-or-nothing campaign missed its goal"),
}

#: ``status`` before Stripe answered (sent again, with the same key, by the next attempt).
UNANSWERED = "requested"
#: Stripe refused the request (nothing was refunded); ``error`` says why.
REFUSED = "refused"


class RefundRequest(db.Model):
    """One refund asked of Stripe, keyed so that it is never asked twice."""

    __tablename__ = "refund_requests"
    __table_args__ = (sa.CheckConstraint("amount_satang > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donations.id"), index=True)
    cause: Mapped[RefundCause] = mapped_column(enum_type(RefundCause, "refund_cause"))
    amount_satang: Mapped[int] = mapped_column(sa.BigInteger)
    #: Sent to Stripe; derived from the donation (all-or-nothing) or the form shown (staff).
    idempotency_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    stripe_refund_id: Mapped[str | None] = mapped_column(sa.String(120))
    #: ``requested`` until Stripe answers, then its answer (``pending``, ``succeeded`` …), or
    #: ``refused``.
    status: Mapped[str] = mapped_column(sa.String(30), default=UNANSWERED)
    error: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    donation: Mapped[Donation] = relationship()


def refundable_satang(donation: Donation) -> int:
    """What is left to give back: the gift less refunds counted and disputes."""
    if not donation.is_paid:
        return 0
    return donation.amount_satang - donation.refunded_satang - donation.disputed_satang


def request_refund(
    donation: Donation,
    amount_satang: int,
    *,
    cause: RefundCause,
    key: str,
    actor=None,
    reason: str = "",
) -> RefundRequest | None:
    """Store the request under ``key`` (flushed); None when that key was used before."""
    row = RefundRequest(
        donation_id=donation.id,
        cause=cause,
        amount_satang=amount_satang,
        idempotency_key=key,
        requested_by_id=getattr(actor, "id", None),
        reason=reason.strip()[:2000],
    )
    return row if add_unique(row) else None


def send_refund(row: RefundRequest) -> bool:
    """Ask Stripe (again, with the same key) for an unanswered request; True once answered.

    Stripe down (or not configured): the row stays ``requested`` for the next attempt. Stripe
    refusing: ``refused``.
    """
    if row.status != UNANSWERED:
        return True
    donation = row.donation
    if not donation.payment_intent_id:
        compare_and_set(
            row,
            expected={"status": UNANSWERED},
            values={"status": REFUSED, "error": "no payment intent known", "answered_at": utcnow()},
        )
        return True
    try:
        answer = refund(
            payment_intent=donation.payment_intent_id,
            idempotency_key=row.idempotency_key,
            amount_satang=row.amount_satang,
            donation_id=donation.id,
            reason="requested_by_customer",
        )
    except (PaymentProviderDown, PaymentsNotConfigured):
        return False
    except PaymentRequestRefused as error:
        compare_and_set(
            row,
            expected={"status": UNANSWERED},
            values={"status": REFUSED, "error": str(error)[:300], "answered_at": utcnow()},
        )
        return True
    compare_and_set(
        row,
        expected={"status": UNANSWERED},
        values={"status": answer.status, "stripe_refund_id": answer.id, "answered_at": utcnow()},
    )
    return True


def pending_requests(donation: Donation) -> list[RefundRequest]:
    """Requests whose end Stripe's webhook has not told us yet ("refund pending")."""
    rows = db.session.scalars(
        sa.select(RefundRequest)
        .where(RefundRequest.donation_id == donation.id, RefundRequest.status != REFUSED)
        .order_by(RefundRequest.id)
    ).all()
    if not rows:
        return []
    reported = dict(
        db.session.execute(
            sa.select(DonationRefund.stripe_refund_id, DonationRefund.status).where(
                DonationRefund.donation_id == donation.id
            )
        ).all()
    )
    return [
        r
        for r in rows
        if r.stripe_refund_id is None
        or r.stripe_refund_id not in reported
        or reported[r.stripe_refund_id] in WAITING_REFUND_STATUSES
    ]


def unreported_satang(donation: Donation) -> int:
    """What requests not yet reported by any webhook will take out (not yet in ``refunded``)."""
    reported = set(
        db.session.scalars(
            sa.select(DonationRefund.stripe_refund_id).where(
                DonationRefund.donation_id == donation.id
            )
        )
    )
    return sum(
        r.amount_satang
        for r in pending_requests(donation)
        if r.stripe_refund_id is None or r.stripe_refund_id not in reported
    )
