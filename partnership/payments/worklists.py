"""What waits for staff in payments, as queries the staff pages and the staff dashboard share:
Stripe events kept and not yet dealt with, open disputes, refunds Stripe has not settled."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .disputes import FINAL_DISPUTE_STATUSES
from .models import KEPT_OUTCOMES, Donation, EventNote, RefundRequest, StripeEvent
from .refund_requests import pending_refunds_query


def unhandled_events_query() -> sa.Select:
    """Kept Stripe events (unknown donation, other version, mismatch, malformed) that staff
    have neither re-applied nor marked handled, oldest first."""
    noted = sa.select(EventNote.stripe_event_id)
    return (
        sa.select(StripeEvent)
        .where(StripeEvent.outcome.in_(KEPT_OUTCOMES), StripeEvent.id.not_in(noted))
        .order_by(StripeEvent.received_at, StripeEvent.id)
    )


def open_disputes_query() -> sa.Select:
    """Disputed donations whose dispute is not over (won, lost, inquiry closed), oldest first."""
    return (
        sa.select(Donation)
        .where(
            Donation.disputed.is_(True),
            Donation.dispute_status.not_in(FINAL_DISPUTE_STATUSES),
        )
        .options(joinedload(Donation.campaign))
        .order_by(Donation.id)
    )


def pending_refunds_list() -> sa.Select:
    """Pending refunds of every donation with their donation and campaign, oldest first."""
    return pending_refunds_query().options(
        joinedload(RefundRequest.donation).joinedload(Donation.campaign)
    )
