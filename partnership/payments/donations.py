"""Donation rules: a pending gift, its Checkout Session, and the moves Stripe's events cause.

Every move locks the donation row first (``SELECT … FOR UPDATE``), so two events about one
donation apply one after the other, and states only move forward: a duplicate, or an event
that arrives after a later one, finds nothing left to do.
"""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l

from ..campaigns.models import Campaign
from ..campaigns.services import record_money
from ..core.transitions import TransitionRefused, compare_and_set, lock_row, move
from ..core.unit_of_work import Refused
from ..db_types import utcnow
from ..extensions import db
from ..ledger.models import LedgerKind
from .models import (
    COUNTED_REFUND_STATUSES,
    ENDED_UNPAID_REFUND_STATUSES,
    REFUND_STATUS_RANK,
    Donation,
    DonationRefund,
    DonationState,
)
from .signals import donation_paid, donation_returned

D = DonationState

#: A paid donation is never un-paid: a success after an expiry or a failure wins. Its refunds
#: follow the money: a refund that failed or was canceled (after it succeeded, or a PromptPay
#: donor who never gave their bank details) brings it back to partly refunded or paid.
TRANSITIONS: dict[DonationState, frozenset[DonationState]] = {
    D.PENDING: frozenset({D.PAID, D.FAILED, D.EXPIRED}),
    D.FAILED: frozenset({D.PAID}),
    D.EXPIRED: frozenset({D.PAID}),
    D.PAID: frozenset({D.PARTIALLY_REFUNDED, D.REFUNDED}),
    D.PARTIALLY_REFUNDED: frozenset({D.REFUNDED, D.PAID}),
    D.REFUNDED: frozenset({D.PARTIALLY_REFUNDED, D.PAID}),
}


class IllegalDonationTransition(TransitionRefused):
    def __init__(self, from_state: DonationState, to_state: DonationState):
        self.from_state, self.to_state = from_state, to_state
        super().__init__(f"donation cannot go from {from_state} to {to_state}")


def lock_donation(donation_id: int) -> Donation:
    """The donation, locked until this transaction ends (once per transaction: it is cheap to
    ask again, so every rule below asks for it rather than trusting its caller)."""
    info = db.session.info
    db.session.connection()  # begin the transaction now, so that it can be told apart
    transaction = db.session().get_transaction()
    if info.get("donation_lock_transaction") is not transaction:
        info["donation_lock_transaction"], info["locked_donations"] = transaction, set()
    if donation_id in info["locked_donations"]:
        return db.session.get(Donation, donation_id)
    donation = lock_row(Donation, donation_id)
    info["locked_donations"].add(donation_id)
    return donation


class GivingClosed(Refused):
    """The campaign does not take gifts now (draft, ended, closed, or outside its dates)."""


def start_donation(
    campaign: Campaign,
    *,
    amount_satang: int,
    donor_name: str,
    email: str,
    anonymous: bool,
    show_amount: bool,
    message: str,
    wants_updates: bool,
    locale: str,
) -> Donation:
    """A pending donation with a fresh idempotency key for its one Checkout Session."""
    if not campaign.accepts_gifts(utcnow()):
        raise GivingClosed(_l("This campaign is not taking donations."))
    donation = Donation(
        campaign_id=campaign.id,
        token=secrets.token_urlsafe(18),
        amount_satang=amount_satang,
        donor_name=donor_name.strip(),
        email=email.strip(),
        anonymous=anonymous,
        show_amount=show_amount,
        message=message.strip(),
        wants_updates=wants_updates,
        locale=locale,
        idempotency_key="donation-" + secrets.token_hex(16),
    )
    db.session.add(donation)
    db.session.flush()
    return donation


def attach_session(donation: Donation, session_id: str) -> None:
    compare_and_set(
        donation, expected={"checkout_session_id": None}, values={"checkout_session_id": session_id}
    )


def mark_failed(donation: Donation, reason: str) -> bool:
    """pending → failed (Stripe down, payment refused); False if it had already moved on."""
    try:
        move(
            donation,
            D.FAILED,
            allowed={D.PENDING: TRANSITIONS[D.PENDING]},
            illegal=IllegalDonationTransition,
            values={"failure_reason": reason[:300]},
        )
    except IllegalDonationTransition:
        return False
    return True


def mark_expired(donation: Donation) -> bool:
    donation = lock_donation(donation.id)
    if donation.state != D.PENDING:
        return False
    move(donation, D.EXPIRED, allowed=TRANSITIONS, illegal=IllegalDonationTransition)
    return True


def note_payment_ids(
    donation: Donation, *, payment_intent: str | None = None, charge: str | None = None
) -> None:
    """Remember the PaymentIntent and charge: refund and dispute events name only these."""
    donation = lock_donation(donation.id)
    values = {}
    if payment_intent and not donation.payment_intent_id:
        values["payment_intent_id"] = payment_intent
    if charge and not donation.charge_id:
        values["charge_id"] = charge
    if values:
        compare_and_set(donation, expected={k: None for k in values}, values=values)


def mark_paid(donation: Donation, source: str, *, payment_intent: str | None = None) -> bool:
    """The money arrived: move to paid once, add the ledger row and the counters.

    ``payment_intent`` (when the donation has none yet) is written by the same statement.
    """
    donation = lock_donation(donation.id)
    if donation.state not in (D.PENDING, D.FAILED, D.EXPIRED):
        return False
    values: dict = {"paid_at": utcnow()}
    if payment_intent and not donation.payment_intent_id:
        values["payment_intent_id"] = payment_intent
    move(donation, D.PAID, allowed=TRANSITIONS, illegal=IllegalDonationTransition, values=values)
    record_money(
        donation.campaign_id,
        amount_satang=donation.amount_satang,
        kind=LedgerKind.DONATION_PAID,
        source=source,
        public_label=ledger_label(donation),
    )
    donation_paid.send(donation, source=source)
    return True


def note_refund(donation: Donation, refund: dict, source: str) -> DonationRefund | None:
    """A refund as Stripe reports it now (``refund.created`` / ``.updated`` / ``.failed``).

    Returns the refund row when this report ended it without money back (failed or canceled):
    the caller tells staff, once.
    """
    donation = lock_donation(donation.id)
    status = str(refund.get("status") or "pending")
    reason = str(refund.get("failure_reason") or "")[:60]
    row = db.session.scalar(
        db.select(DonationRefund).where(DonationRefund.stripe_refund_id == refund["id"])
    )
    ended = None
    if row is None:
        row = DonationRefund(
            stripe_refund_id=refund["id"],
            donation_id=donation.id,
            amount_satang=int(refund["amount"]),
            status=status,
            failure_reason=reason,
        )
        db.session.add(row)
        ended = row if status in ENDED_UNPAID_REFUND_STATUSES else None
    elif REFUND_STATUS_RANK.get(status, 0) > REFUND_STATUS_RANK.get(row.status, 0):
        row.status, row.failure_reason = status, reason or row.failure_reason
        ended = row if status in ENDED_UNPAID_REFUND_STATUSES else None
    db.session.flush()
    settle_refunds(donation, source)
    return ended


def note_charge_refunded(donation: Donation, charge: dict, source: str) -> None:
    """``charge.refunded`` carries the charge's running ``amount_refunded``, not refund ids."""
    donation = lock_donation(donation.id)
    reported = int(charge.get("amount_refunded") or 0)
    if reported > donation.charge_refunded_max_satang:
        compare_and_set(
            donation,
            expected={"charge_refunded_max_satang": donation.charge_refunded_max_satang},
            values={"charge_refunded_max_satang": reported},
        )
    settle_refunds(donation, source)


def settle_refunds(donation: Donation, source: str) -> None:
    """Bring the ledger to what Stripe has told us, whatever the order it told us in.

    The money out is the larger of what the refund rows add up to and the charge's largest
    reported ``amount_refunded`` less refunds that failed since, so each is counted once.
    Funds a dispute withdrew are not refunded twice: a refund beyond them waits, and counts
    when a won dispute's funds come back. The donation row is locked by the caller.
    """
    refunds = db.session.scalars(
        db.select(DonationRefund).where(DonationRefund.donation_id == donation.id)
    ).all()
    counted = sum(r.amount_satang for r in refunds if r.status in COUNTED_REFUND_STATUSES)
    failed = sum(r.amount_satang for r in refunds if r.status not in COUNTED_REFUND_STATUSES)
    ceiling = donation.amount_satang - donation.disputed_satang
    target = min(ceiling, max(counted, donation.charge_refunded_max_satang - failed, 0))
    delta = target - donation.refunded_satang
    if delta == 0:
        return
    if not donation.is_paid:
        # A refund proves the payment: count it first (its completion event may be late).
        mark_paid(donation, source + ":paid")
    before = donation.refunded_satang
    compare_and_set(
        donation,
        expected={"refunded_satang": donation.refunded_satang},
        values={"refunded_satang": target},
    )
    # A donation returned in full leaves the donor count, once (the row lock and the
    # compare-and-set above make this the one move across the line); a failed refund brings
    # it back.
    full = donation.amount_satang
    donors = -1 if target == full > before else 1 if before == full > target else 0
    record_money(
        donation.campaign_id,
        amount_satang=-delta,
        kind=LedgerKind.REFUND if delta > 0 else LedgerKind.REFUND_REVERSED,
        source=source,
        public_label="",  # a refund names nobody (LedgerEntry.shown_label)
        donors=donors,
    )
    donation_returned.send(donation, returned_satang=delta, source=source)
    if target == 0:
        to_state = D.PAID
    elif target == donation.amount_satang:
        to_state = D.REFUNDED
    else:
        to_state = D.PARTIALLY_REFUNDED
    if to_state in TRANSITIONS[donation.state]:
        move(donation, to_state, allowed=TRANSITIONS, illegal=IllegalDonationTransition)


def ledger_label(donation: Donation) -> str:
    """The public label of the gift's ledger row, in Thai (the ledger page translates
    "anonymous"): no name for a donor who is anonymous or hid their amount, since the ledger
    row shows the amount."""
    return "" if donation.anonymous or not donation.show_amount else donation.donor_name
