"""Refunds the foundation asks Stripe for (staff, or a failed all-or-nothing campaign).

Each request is a row stored, under its unique idempotency key, *before* Stripe is called: a
second click, a second run or a run after a crash finds the row and sends (at most) the same
request again with the same key, which Stripe answers with the refund it already made. The
money moves only when Stripe's webhook reports the refund (``donations.note_refund``).

Whoever sends a request first claims it (``sent_at``, a conditional UPDATE committed before the
call), so two runs never send it at once. The refund carries the request's id in its metadata:
its webhooks settle a request whose answer was lost (:func:`follow_refund`). Stripe forgets an
idempotency key after 24 hours: an older request first looks for its refund at Stripe.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..core.transitions import StaleState, add_unique, compare_and_set
from ..db_types import utcnow
from ..extensions import db
from .client import (
    PaymentProviderDown,
    PaymentRequestRefused,
    PaymentsNotConfigured,
    Refund,
    list_refunds,
    refund,
)
from .models import (
    REFUND_STATUS_RANK,
    UNANSWERED,
    WAITING_REFUND_STATUSES,
    Donation,
    DonationRefund,
    RefundCause,
    RefundRequest,
)

#: Stripe refused the request (nothing was refunded); ``error`` says why.
REFUSED = "refused"
#: Ended without giving anything back: a new request may be made (all-or-nothing retries).
DEAD_STATUSES = frozenset({REFUSED, "failed", "canceled"})
#: How long one attempt holds a request it sends (a run that died lets go after this).
SENDING_LEASE = timedelta(minutes=2)
#: Stripe keeps an idempotency key 24 hours; a request older than this looks first.
KEY_TRUSTED_FOR = timedelta(hours=23)


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
    """Store the request under ``key`` (flushed), claimed for sending by its maker; None when
    that key was used before."""
    row = RefundRequest(
        donation_id=donation.id,
        cause=cause,
        amount_satang=amount_satang,
        idempotency_key=key,
        requested_by_id=getattr(actor, "id", None),
        reason=reason.strip()[:2000],
        sent_at=utcnow(),
    )
    return row if add_unique(row) else None


def claim_request(row: RefundRequest) -> bool:
    """Take an unanswered request to send it (one statement); False while another attempt
    holds it, or once it was answered. The caller commits before calling Stripe."""
    now = utcnow()
    result = db.session.execute(
        sa.update(RefundRequest)
        .where(
            RefundRequest.id == row.id,
            RefundRequest.status == UNANSWERED,
            sa.or_(RefundRequest.sent_at.is_(None), RefundRequest.sent_at < now - SENDING_LEASE),
        )
        .values(sent_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(row)
    return result.rowcount == 1


def _answered(row: RefundRequest, values: dict) -> None:
    """Write Stripe's answer unless the webhook wrote it first (then it is already there)."""
    try:
        compare_and_set(row, expected={"status": UNANSWERED}, values=values)
    except StaleState:
        db.session.refresh(row)


def _release(row: RefundRequest) -> None:
    db.session.execute(
        sa.update(RefundRequest)
        .where(RefundRequest.id == row.id, RefundRequest.status == UNANSWERED)
        .values(sent_at=None),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(row, ["sent_at"])


def _earlier_refund(row: RefundRequest, payment_intent: str) -> Refund | None:
    """The refund made for this request, if Stripe has one (asked only once its key may be
    forgotten: repeating it then would refund a second time)."""
    if utcnow() - row.created_at < KEY_TRUSTED_FOR:
        return None
    return next((r for r in list_refunds(payment_intent) if r.request_id == str(row.id)), None)


def send_refund(row: RefundRequest) -> bool:
    """Ask Stripe (again, with the same key) for a claimed unanswered request; True once
    answered (by Stripe's reply or, meanwhile, by its webhook).

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
        answer = _earlier_refund(row, donation.payment_intent_id) or refund(
            payment_intent=donation.payment_intent_id,
            idempotency_key=row.idempotency_key,
            amount_satang=row.amount_satang,
            donation_id=donation.id,
            request_id=row.id,
            reason="requested_by_customer",
        )
    except (PaymentProviderDown, PaymentsNotConfigured):
        _release(row)  # the attempt is over: the next one may send it at once
        return False
    except PaymentRequestRefused as error:
        _answered(row, {"status": REFUSED, "error": str(error)[:300], "answered_at": utcnow()})
        return True
    _answered(
        row, {"status": answer.status, "stripe_refund_id": answer.id, "answered_at": utcnow()}
    )
    return True


def follow_refund(donation: Donation, refund_object: dict) -> None:
    """A refund's webhook: link it to the request named in its metadata (answering a request
    whose reply was lost), and move the linked request's status forward as the refund's."""
    refund_id, status = str(refund_object["id"]), str(refund_object.get("status") or "pending")
    request_id = str((refund_object.get("metadata") or {}).get("refund_request_id") or "")
    earlier = [UNANSWERED] + [s for s, r in REFUND_STATUS_RANK.items() if r < _rank(status)]
    if request_id.isdigit() and len(request_id) < 10:
        db.session.execute(
            sa.update(RefundRequest)
            .where(
                RefundRequest.id == int(request_id),
                RefundRequest.donation_id == donation.id,
                RefundRequest.status == UNANSWERED,
            )
            .values(stripe_refund_id=refund_id, status=status, answered_at=utcnow()),
            execution_options={"synchronize_session": False},
        )
    db.session.execute(
        sa.update(RefundRequest)
        .where(RefundRequest.stripe_refund_id == refund_id, RefundRequest.status.in_(earlier))
        .values(status=status),
        execution_options={"synchronize_session": False},
    )


def _rank(status: str) -> int:
    return REFUND_STATUS_RANK.get(status, 0)


def pending_refunds_query() -> sa.Select:
    """Refund requests whose end Stripe's webhook has not told us yet ("refund pending"):
    not refused or failed, and either unanswered, unreported or reported still waiting
    (every donation's, oldest first; the staff dashboard lists them)."""
    settled = sa.exists().where(
        DonationRefund.donation_id == RefundRequest.donation_id,
        DonationRefund.stripe_refund_id == RefundRequest.stripe_refund_id,
        DonationRefund.status.not_in(WAITING_REFUND_STATUSES),
    )
    return (
        sa.select(RefundRequest)
        .where(
            RefundRequest.status.not_in(DEAD_STATUSES),
            sa.or_(RefundRequest.stripe_refund_id.is_(None), ~settled),
        )
        .order_by(RefundRequest.id)
    )


def pending_requests(donation: Donation) -> list[RefundRequest]:
    """Requests whose end Stripe's webhook has not told us yet ("refund pending")."""
    return list(
        db.session.scalars(pending_refunds_query().where(RefundRequest.donation_id == donation.id))
    )


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
