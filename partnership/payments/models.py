"""Donations; the refunds we ask of Stripe and the refunds it reports; every Stripe event received
once, with staff's note on one we could not match; a donor's details for a tax receipt."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import crypto
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db
from .client import MAX_CHARGE_SATANG

if TYPE_CHECKING:
    from ..campaigns.models import Campaign


class DonationState(LabelledEnum):
    PENDING = "pending"
    FAILED = "failed"
    EXPIRED = "expired"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


LABELS[DonationState] = {
    DonationState.PENDING: _l("Payment processing"),
    DonationState.FAILED: _l("Payment failed"),
    DonationState.EXPIRED: _l("Payment not completed"),
    DonationState.PAID: _l("Paid"),
    DonationState.PARTIALLY_REFUNDED: _l("Partly refunded"),
    DonationState.REFUNDED: _l("Refunded"),
}

#: States in which the money arrived (it counts on the donor wall).
PAID_STATES = frozenset(
    {DonationState.PAID, DonationState.PARTIALLY_REFUNDED, DonationState.REFUNDED}
)


class Donation(db.Model):
    """One gift attempt: pending until Stripe's webhook says it was paid (or not)."""

    __tablename__ = "donations"
    __table_args__ = (
        sa.CheckConstraint(
            f"amount_satang > 0 AND amount_satang <= {MAX_CHARGE_SATANG}", name="amount_in_range"
        ),
        sa.CheckConstraint(
            "refunded_satang >= 0 AND disputed_satang >= 0"
            " AND refunded_satang + disputed_satang <= amount_satang",
            name="refunds_within_amount",
        ),
        sa.CheckConstraint(
            "state NOT IN ('paid', 'partially_refunded', 'refunded') OR paid_at IS NOT NULL",
            name="paid_has_time",
        ),
        sa.Index("ix_donations_campaign_id_state_id", "campaign_id", "state", "id"),
        # The donor wall: a campaign's paid gifts newest first, read ten at a time from the
        # index's end (with two states in the key above, PostgreSQL read and sorted them all).
        sa.Index(
            "ix_donations_wall",
            "campaign_id",
            "id",
            sqlite_where=sa.text("state IN ('paid', 'partially_refunded')"),
            postgresql_where=sa.text("state IN ('paid', 'partially_refunded')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    #: Random; names the donation in the donor's thank-you URL (ids are guessable).
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    amount_satang: Mapped[int] = mapped_column(sa.BigInteger)
    donor_name: Mapped[str] = mapped_column(sa.String(120), default="")
    email: Mapped[str] = mapped_column(sa.String(254))
    anonymous: Mapped[bool] = mapped_column(default=False)
    show_amount: Mapped[bool] = mapped_column(default=True)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    wants_updates: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(sa.String(5), default="th")
    state: Mapped[DonationState] = mapped_column(
        enum_type(DonationState, "donation_state"), default=DonationState.PENDING
    )
    #: The Stripe idempotency key of this attempt's Checkout Session.
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    checkout_session_id: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    charge_id: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    #: Money given back so far, as counted in the ledger.
    refunded_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: The largest ``amount_refunded`` any ``charge.refunded`` event reported.
    charge_refunded_max_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: The bank disputed the payment (or only asked about it): staff must respond.
    disputed: Mapped[bool] = mapped_column(default=False)
    #: What Stripe withdrew for the dispute and still holds (0 for an inquiry, and again 0
    #: once a won dispute's funds were reinstated).
    disputed_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: The dispute's status as Stripe last reported it (``warning_needs_response``,
    #: ``needs_response``, ``won``, ``lost`` …); "" when there is none.
    dispute_status: Mapped[str] = mapped_column(sa.String(40), default="")
    failure_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    refunds: Mapped[list[DonationRefund]] = relationship(
        back_populates="donation", order_by="DonationRefund.id"
    )

    @property
    def public_label(self) -> str:
        """What the public sees: the name, or "anonymous donor"."""
        from flask_babel import gettext

        if self.anonymous or not self.donor_name.strip():
            return gettext("Anonymous donor")
        return self.donor_name

    @property
    def is_paid(self) -> bool:
        return self.state in PAID_STATES

    @property
    def dispute_status_label(self) -> str:
        return status_label(DISPUTE_STATUS_LABELS, self.dispute_status)

    @property
    def refund_waiting(self) -> bool:
        """A refund waits for the donor's bank details (PromptPay) or the bank."""
        return any(r.status in WAITING_REFUND_STATUSES for r in self.refunds)


#: Refund statuses in which the money is on its way back (it has left the campaign).
COUNTED_REFUND_STATUSES = frozenset({"pending", "requires_action", "succeeded"})
WAITING_REFUND_STATUSES = frozenset({"pending", "requires_action"})
#: Statuses in which a refund gave nothing back (it may have been counted before).
ENDED_UNPAID_REFUND_STATUSES = frozenset({"failed", "canceled"})
#: A refund's status only moves forward: a waiting refund ends; a card refund that succeeded
#: can still fail at the bank (Stripe sends ``refund.failed``); failed and canceled are final.
REFUND_STATUS_RANK = {
    "pending": 0,
    "requires_action": 0,
    "succeeded": 1,
    "failed": 2,
    "canceled": 2,
}


#: Stripe's refund statuses in words (a status Stripe adds later shows as it is sent).
REFUND_STATUS_LABELS = {
    "pending": lazy_pgettext("refund status", "Pending"),
    "requires_action": _l("Waiting for the donor's bank details"),
    "succeeded": _l("Refunded"),
    "failed": _l("Refund failed"),
    "canceled": _l("Refund cancelled"),
}
#: Stripe's dispute statuses in words.
DISPUTE_STATUS_LABELS = {
    "warning_needs_response": _l("Inquiry: needs a response"),
    "warning_under_review": _l("Inquiry: under review"),
    "warning_closed": _l("Inquiry closed"),
    "needs_response": _l("Needs a response"),
    "under_review": _l("Under review"),
    "won": _l("Won"),
    "lost": lazy_pgettext("dispute status", "Lost"),
    "prevented": _l("Prevented"),
}


def status_label(labels: dict, status: str) -> str:
    """A Stripe status in the visitor's language (unknown ones as Stripe wrote them)."""
    label = labels.get(status)
    return status if label is None else str(label)


class DonationRefund(db.Model):
    """A refund as Stripe last reported it, one row per Stripe refund id."""

    __tablename__ = "donation_refunds"
    __table_args__ = (sa.CheckConstraint("amount_satang > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stripe_refund_id: Mapped[str] = mapped_column(sa.String(120), unique=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donations.id"), index=True)
    amount_satang: Mapped[int] = mapped_column(sa.BigInteger)
    #: Stripe's status: pending, requires_action, succeeded, failed, canceled.
    status: Mapped[str] = mapped_column(sa.String(30))
    #: Stripe's ``failure_reason`` of a failed refund (``lost_or_stolen_card``, ``unknown`` …).
    failure_reason: Mapped[str] = mapped_column(sa.String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    donation: Mapped[Donation] = relationship(back_populates="refunds")

    @property
    def status_label(self) -> str:
        return status_label(REFUND_STATUS_LABELS, self.status)


class EventOutcome(LabelledEnum):
    APPLIED = "applied"
    IGNORED = "ignored"
    #: About a donation we do not know: kept for staff.
    UNMATCHED = "unmatched"
    #: Of another API version than the one we pin: kept for staff, never applied.
    WRONG_VERSION = "wrong_version"
    #: A Checkout Session that is not the donation's own (amount, currency, session id or
    #: live/test mode differ): kept for staff, credits nothing.
    MISMATCH = "mismatch"
    #: Signed, but not in the shape the handlers read: kept for staff, changes nothing.
    MALFORMED = "malformed"


#: The outcomes staff must look at: the event is kept whole, with the reason.
KEPT_OUTCOMES = frozenset(
    {
        EventOutcome.UNMATCHED,
        EventOutcome.WRONG_VERSION,
        EventOutcome.MISMATCH,
        EventOutcome.MALFORMED,
    }
)

LABELS[EventOutcome] = {
    EventOutcome.APPLIED: lazy_pgettext("webhook event outcome", "Applied"),
    EventOutcome.IGNORED: _l("Ignored"),
    EventOutcome.UNMATCHED: _l("Unknown donation"),
    EventOutcome.WRONG_VERSION: _l("Other API version"),
    EventOutcome.MISMATCH: _l("Does not match the donation"),
    EventOutcome.MALFORMED: _l("Malformed"),
}


class StripeEvent(db.Model):
    """Every Stripe event id once, stored in the transaction that applied it."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(120), unique=True)
    type: Mapped[str] = mapped_column(sa.String(80))
    outcome: Mapped[EventOutcome] = mapped_column(enum_type(EventOutcome, "event_outcome"))
    donation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("donations.id"), index=True)
    #: The raw event, kept for events staff must look at (``KEPT_OUTCOMES``).
    payload: Mapped[str] = mapped_column(sa.Text, default="")
    #: Why a kept event was not applied (which field, what was expected).
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NoteAction(LabelledEnum):
    REAPPLIED = "reapplied"
    HANDLED = "handled"


LABELS[NoteAction] = {
    NoteAction.REAPPLIED: _l("Applied to the donation"),
    NoteAction.HANDLED: _l("Marked handled"),
}


class EventNote(db.Model):
    """What staff did about an unmatched event: who, when, what, why. One per event."""

    __tablename__ = "stripe_event_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    stripe_event_id: Mapped[int] = mapped_column(sa.ForeignKey("stripe_events.id"), unique=True)
    action: Mapped[NoteAction] = mapped_column(enum_type(NoteAction, "event_note_action"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[StripeEvent] = relationship()


class RefundCause(LabelledEnum):
    STAFF = "staff"
    ALL_OR_NOTHING = "all_or_nothing"


LABELS[RefundCause] = {
    RefundCause.STAFF: _l("Refunded by staff"),
    RefundCause.ALL_OR_NOTHING: _l("All-or-nothing campaign missed its goal"),
}


#: ``status`` before Stripe answered (sent again, with the same key, by the next attempt).
UNANSWERED = "requested"


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
    #: When an attempt last claimed the request to send it (None: never sent).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    donation: Mapped[Donation] = relationship()


class DonationTaxInfo(db.Model):
    """The donor's details for the Revenue Department's e-Donation, for one donation."""

    __tablename__ = "donation_tax_info"
    __table_args__ = (sa.CheckConstraint("length(tax_id_last4) = 4", name="last4_has_four_digits"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donations.id"), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(500))
    #: The 13-digit id as a Fernet token (MultiFernet of ``TAX_ID_KEYS``); never the id itself.
    tax_id_encrypted: Mapped[str] = mapped_column(sa.Text)
    #: The id's last four digits, the only part ever shown.
    tax_id_last4: Mapped[str] = mapped_column(sa.String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def masked_tax_id(self) -> str:
        """x-xxxx-xxxxx-12-3 style: only the last four digits."""
        last = self.tax_id_last4
        return f"x-xxxx-xxxx{last[0]}-{last[1:3]}-{last[3]}"

    def tax_id(self) -> str:
        """The id in clear, for the staff export only."""
        return crypto.decrypt(self.tax_id_encrypted)

    def __repr__(self) -> str:  # never the id, even in a traceback
        return f"<DonationTaxInfo donation={self.donation_id} id={self.masked_tax_id}>"
