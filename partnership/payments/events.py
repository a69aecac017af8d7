"""Applying one verified Stripe event, exactly once, in the request's transaction.

The event id is inserted first under a unique constraint: a second delivery (even a
concurrent one) fails there and changes nothing. Its effects are written in the same
transaction, so the id is stored if and only if they are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import NoResultFound

from ..core.transitions import insert_once
from ..db_types import utcnow
from ..extensions import db
from . import donations as rules
from .alerts import tell_donor_refunded, tell_staff_refund_failed
from .disputes import note_dispute
from .event_checks import Malformed, Refusal, check_event, donation_id_of, session_mismatch
from .models import (
    KEPT_OUTCOMES,
    Donation,
    DonationRefund,
    DonationState,
    EventOutcome,
    RefundCause,
    RefundRequest,
    StripeEvent,
)
from .refund_requests import follow_refund

Handler = Callable[[Donation, dict[str, Any], str], None]


class DuplicateEvent(Exception):
    """This event id was applied before."""


def _donation_id(obj: dict[str, Any]) -> int | None:
    try:
        return donation_id_of(obj)
    except Malformed:  # refused before any handler runs (check_event): never a donation
        return None


def find_donation(obj: dict[str, Any]) -> Donation | None:
    """Our donation named by the object (locked): its metadata, else the PaymentIntent or charge.

    It is locked before anything refers to it: events about one donation then apply one after
    another, and the event row's foreign-key check (a share lock on the donation) cannot
    deadlock with another transaction's FOR UPDATE.
    """
    donation_id = _donation_id(obj)
    if donation_id is not None:
        try:
            return rules.lock_donation(donation_id)
        except NoResultFound:
            return None
    intent = obj.get("payment_intent")
    charge = obj.get("charge") if obj.get("object") != "charge" else obj.get("id")
    conditions = []
    if intent:
        conditions.append(Donation.payment_intent_id == intent)
    if charge:
        conditions.append(Donation.charge_id == charge)
    if not conditions:
        return None
    found = db.session.scalar(sa.select(Donation.id).where(sa.or_(*conditions)).limit(1))
    return None if found is None else rules.lock_donation(found)


def _session_completed(donation: Donation, session: dict, source: str) -> None:
    # PromptPay completes the session unpaid: the bank's answer comes as an async event.
    # Paid: the PaymentIntent is written by the same statement that marks it paid.
    if session.get("payment_status") != "paid" or not rules.mark_paid(
        donation, source, payment_intent=session.get("payment_intent")
    ):
        rules.note_payment_ids(donation, payment_intent=session.get("payment_intent"))


def _async_succeeded(donation: Donation, session: dict, source: str) -> None:
    if not rules.mark_paid(donation, source, payment_intent=session.get("payment_intent")):
        rules.note_payment_ids(donation, payment_intent=session.get("payment_intent"))


def _async_failed(donation: Donation, session: dict, source: str) -> None:
    if donation.state == DonationState.PENDING:
        rules.mark_failed(donation, "async_payment_failed")


def _expired(donation: Donation, session: dict, source: str) -> None:
    rules.mark_expired(donation)


def _charge_refunded(donation: Donation, charge: dict, source: str) -> None:
    rules.note_payment_ids(
        donation, payment_intent=charge.get("payment_intent"), charge=charge.get("id")
    )
    rules.note_charge_refunded(donation, charge, source)


def _refund(donation: Donation, refund: dict, source: str) -> None:
    rules.note_payment_ids(
        donation, payment_intent=refund.get("payment_intent"), charge=refund.get("charge")
    )
    before = _refund_status(refund["id"])
    ended = rules.note_refund(donation, refund, source)
    follow_refund(donation, refund)
    if ended is not None:
        tell_staff_refund_failed(donation, ended)
    row = db.session.scalar(
        sa.select(DonationRefund).where(DonationRefund.stripe_refund_id == refund["id"])
    )
    # Once per refund: the event that moved it to succeeded (the donation row is locked).
    # All-or-nothing refunds were announced to the donor when they were sent (settlement).
    confirmed = row is not None and row.status == "succeeded" and before != "succeeded"
    if confirmed and not _asked_all_or_nothing(refund):
        tell_donor_refunded(donation, row)


def _refund_status(refund_id: str) -> str | None:
    return db.session.scalar(
        sa.select(DonationRefund.status).where(DonationRefund.stripe_refund_id == refund_id)
    )


def _asked_all_or_nothing(refund: dict) -> bool:
    """Whether the refund answers an all-or-nothing request (by its id or its metadata)."""
    request_id = str((refund.get("metadata") or {}).get("refund_request_id") or "")
    match = RefundRequest.stripe_refund_id == str(refund["id"])
    if request_id.isdigit() and len(request_id) < 10:
        match = sa.or_(match, RefundRequest.id == int(request_id))
    cause = db.session.scalar(sa.select(RefundRequest.cause).where(match).limit(1))
    return cause == RefundCause.ALL_OR_NOTHING


def _dispute(donation: Donation, dispute: dict, source: str) -> None:
    """Created, updated or closed: flagged; money moves only if the dispute says it moved."""
    note_dispute(donation, dispute, source)


def _dispute_funds_withdrawn(donation: Donation, dispute: dict, source: str) -> None:
    note_dispute(donation, dispute, source, withdrawn=True)


def _dispute_funds_reinstated(donation: Donation, dispute: dict, source: str) -> None:
    note_dispute(donation, dispute, source, reinstated=True)


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _async_failed,
    "checkout.session.expired": _expired,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund,
    "refund.updated": _refund,
    "refund.failed": _refund,
    "charge.dispute.created": _dispute,
    "charge.dispute.updated": _dispute,
    "charge.dispute.closed": _dispute,
    "charge.dispute.funds_withdrawn": _dispute_funds_withdrawn,
    "charge.dispute.funds_reinstated": _dispute_funds_reinstated,
}


def event_key(event: dict[str, Any]) -> str:
    """The event's id; for an event without a usable one, a digest of it (the same event
    delivered again gets the same key, so it is still recorded once)."""
    event_id = event.get("id")
    if isinstance(event_id, str) and 0 < len(event_id) <= 120:
        return event_id
    digest = hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()
    return f"malformed:{digest}"


def apply_event(event: dict[str, Any]) -> EventOutcome:
    """Record the event id, then apply it (flushed; the view commits). Raises DuplicateEvent.

    An event of another API version, malformed, or paying with a session that is not its
    donation's own is recorded with its payload and the reason, for staff, and applies nothing.
    """
    event_id, event_type = event_key(event), event.get("type")
    handler = HANDLERS.get(event_type) if isinstance(event_type, str) else None
    refusal = check_event(event, handled=handler is not None)
    if refusal is None and event_id != event.get("id"):
        refusal = Refusal(EventOutcome.MALFORMED, "the event has no usable id")
    obj = event["data"]["object"] if refusal is None and handler else {}
    donation = find_donation(obj) if handler and refusal is None else None
    if donation is not None and str(event_type).startswith("checkout.session."):
        refusal = session_mismatch(donation, obj)
    if refusal is not None:
        outcome, reason = refusal
    elif handler is None:
        outcome, reason = EventOutcome.IGNORED, ""
    elif donation is None:
        outcome, reason = EventOutcome.UNMATCHED, "names no donation we know"
    else:
        outcome, reason = EventOutcome.APPLIED, ""
    kept = outcome in KEPT_OUTCOMES
    stored = insert_once(
        StripeEvent,
        {
            "event_id": event_id,
            "type": str(event_type or "")[:80],
            "outcome": outcome,
            "donation_id": donation.id if donation else None,
            "payload": json.dumps(event, ensure_ascii=False) if kept else "",
            "reason": reason,
            "received_at": utcnow(),
        },
        unique=["event_id"],
    )
    if stored is None:
        raise DuplicateEvent(event_id)
    if kept:
        current_app.logger.warning(
            "Stripe event %s (%s) kept for staff (%s): %s", event_id, event_type, outcome, reason
        )
    if outcome == EventOutcome.APPLIED:
        handler(donation, obj, event_id)
    return outcome
