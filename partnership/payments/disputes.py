"""Disputes as Stripe sends them: the money moves with the funds, not with the dispute.

An inquiry (``warning_needs_response``, no balance transaction) or a new chargeback only flags
the donation for staff. The money leaves when Stripe withdraws it (``charge.dispute.
funds_withdrawn``, or a dispute that already carries a balance transaction), and comes back when
the foundation wins (``charge.dispute.funds_reinstated``, or ``charge.dispute.closed`` with
``won``). Events may arrive in any order and more than once: a withdrawal is written once
(``disputed_satang`` from 0), a won dispute is final, and the donation row is locked throughout.
"""

from __future__ import annotations

from ..campaigns.services import record_money
from ..core.transitions import compare_and_set
from ..ledger.models import LedgerKind
from .donations import lock_donation, mark_paid, settle_refunds
from .models import Donation
from .signals import donation_returned

#: Statuses after which a dispute does not change any more.
FINAL_DISPUTE_STATUSES = frozenset({"won", "lost", "warning_closed"})


def note_dispute(
    donation: Donation,
    dispute: dict,
    source: str,
    *,
    withdrawn: bool = False,
    reinstated: bool = False,
) -> None:
    """Record a dispute event: flag it, and move the money if the funds moved.

    ``withdrawn``/``reinstated`` say that the event itself is the funds' move; a dispute object
    with a balance transaction (withdrawn) or the status ``won`` (reinstated) says so too.
    """
    donation = lock_donation(donation.id)
    if not donation.is_paid:  # a dispute proves the payment (its completion may be late)
        mark_paid(donation, source + ":paid")
    status = str(dispute.get("status") or "")[:40]
    if donation.dispute_status not in FINAL_DISPUTE_STATUSES and status:
        values = {"disputed": True, "dispute_status": status}
    else:
        values = {"disputed": True}
    compare_and_set(donation, expected={"dispute_status": donation.dispute_status}, values=values)
    if reinstated or status == "won":
        _reinstate(donation, source)
        if donation.dispute_status != "won":
            compare_and_set(
                donation,
                expected={"dispute_status": donation.dispute_status},
                values={"dispute_status": "won"},
            )
    elif (withdrawn or dispute.get("balance_transactions")) and donation.dispute_status != "won":
        _withdraw(donation, dispute, source)


def _withdraw(donation: Donation, dispute: dict, source: str) -> None:
    """Stripe took the disputed amount back (once: later reports find it taken)."""
    if donation.disputed_satang:
        return
    raw = dispute.get("amount")
    asked = raw if isinstance(raw, int) and raw > 0 else donation.amount_satang
    amount = min(asked, donation.amount_satang - donation.refunded_satang)
    if amount <= 0:
        return
    compare_and_set(donation, expected={"disputed_satang": 0}, values={"disputed_satang": amount})
    record_money(
        donation.campaign_id,
        amount_satang=-amount,
        kind=LedgerKind.DISPUTE,
        source=source,
        public_label="",  # a dispute names nobody
    )
    donation_returned.send(donation, returned_satang=amount, source=source)


def _reinstate(donation: Donation, source: str) -> None:
    """The foundation won: the withdrawn amount comes back, then any refund it held back."""
    amount = donation.disputed_satang
    if amount:
        compare_and_set(
            donation, expected={"disputed_satang": amount}, values={"disputed_satang": 0}
        )
        record_money(
            donation.campaign_id,
            amount_satang=amount,
            kind=LedgerKind.DISPUTE_REVERSED,
            source=source,
            public_label="",  # a dispute names nobody
        )
        donation_returned.send(donation, returned_satang=-amount, source=source)
    settle_refunds(donation, source)
