"""A Checkout Session never outlives the campaign's giving.

Stripe lets a session expire from 30 minutes to 24 hours after it is created (``expires_at``).
A session is made to expire at the campaign's end, or keeps Stripe's 24 hours when the end is
further away than that; a campaign that ends sooner than a session can live takes no more
online gifts, and the donor is told why. When a campaign stops taking gifts before its
sessions expire (staff close it early, a session made before this rule), the open ones are
expired at Stripe (``POST /v1/checkout/sessions/<id>/expire``): by every ``flask campaigns
close-due`` run for every campaign that stopped, and right after staff close one.

The expiry jobs run outside a request's unit of work and commit one donation at a time, as
settlement does: a run that stops (Stripe down, a crash) is finished by the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..campaigns.models import GIVING_STATES, Campaign
from ..core.unit_of_work import commit_now
from ..db_types import utcnow
from ..extensions import db
from .client import (
    PaymentProviderDown,
    PaymentRequestRefused,
    PaymentsNotConfigured,
    expire_checkout_session,
    online_giving_enabled,
    retrieve_checkout_session,
)
from .donations import GivingClosed, mark_expired, note_payment_ids
from .models import Donation, DonationState

#: Stripe's bounds on ``expires_at``, from the session's creation.
SESSION_MIN = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=24)
#: Stripe measures from the session's creation, a moment after we compute (up to half a minute
#: later when the SDK retries a timeout): stay this far inside both bounds.
MARGIN = timedelta(minutes=2)
#: Sessions expired inside the staff request that closes a campaign; close-due does the rest.
EXPIRED_IN_REQUEST = 20


class EndsTooSoon(GivingClosed):
    """The campaign ends before a Checkout Session could expire: no online gift now."""


def checkout_expires_at(campaign: Campaign, now: datetime) -> int | None:
    """``expires_at`` for a session of this campaign created ``now`` (None: Stripe's 24 h).

    Raises :class:`EndsTooSoon` when the campaign ends within Stripe's 30 minutes.
    """
    left = campaign.ends_at - now
    if left < SESSION_MIN + MARGIN:
        raise EndsTooSoon(
            _l(
                "This campaign ends in less than half an hour, too soon to complete a payment "
                "online. Nothing was saved and nothing was charged."
            )
        )
    if left >= SESSION_MAX:
        return None
    return int(min(campaign.ends_at, now + SESSION_MAX - MARGIN).timestamp())


@dataclass
class Expiry:
    expired: int = 0
    #: Sessions Stripe said were no longer open (paid, awaiting the bank, or expired).
    not_open: int = 0
    #: Donations whose session Stripe did not answer about (the next run asks again).
    waiting: list[int] = field(default_factory=list)


def open_sessions(now: datetime, campaign_id: int | None = None) -> list[int]:
    """Pending donations with a session that may still be open, of campaigns that stopped.

    No session lives past 24 hours, so campaigns that stopped longer ago, and older donations,
    are left out. A session Stripe reported complete (it names a PaymentIntent) is no longer
    open: the webhook settles it.
    """
    horizon = now - SESSION_MAX - timedelta(hours=1)
    stopped = (
        sa.select(Campaign.id)
        .where(
            Campaign.ends_at > horizon,
            sa.or_(Campaign.state.not_in(GIVING_STATES), Campaign.ends_at <= now),
        )
        .scalar_subquery()
    )
    query = (
        sa.select(Donation.id)
        .where(
            Donation.campaign_id.in_(stopped),
            Donation.state == DonationState.PENDING,
            Donation.checkout_session_id.is_not(None),
            Donation.payment_intent_id.is_(None),
            Donation.created_at > horizon,
        )
        .order_by(Donation.id)
    )
    if campaign_id is not None:
        query = query.where(Donation.campaign_id == campaign_id)
    return list(db.session.scalars(query))


def expire_session(donation: Donation) -> bool | None:
    """Expire the donation's session at Stripe (flushed): True if expired now, False if it
    was not open any more, None if Stripe did not answer."""
    session_id = donation.checkout_session_id
    try:
        expire_checkout_session(session_id, idempotency_key=f"expire-{session_id}")
    except (PaymentProviderDown, PaymentsNotConfigured):
        return None
    except PaymentRequestRefused:
        # Paid, awaiting a PromptPay bank, or expired already: ask Stripe which.
        try:
            session = retrieve_checkout_session(session_id)
        except (PaymentProviderDown, PaymentsNotConfigured, PaymentRequestRefused):
            return None
        if session.get("status") == "expired":
            mark_expired(donation)
        elif isinstance(session.get("payment_intent"), str):
            # Its webhook settles it; remembering the PaymentIntent leaves it out of later runs.
            note_payment_ids(donation, payment_intent=session["payment_intent"])
        return False
    mark_expired(donation)
    return True


def expire_stopped_sessions(
    campaign_id: int | None = None, *, limit: int | None = None, now: datetime | None = None
) -> Expiry:
    """Expire the open sessions of campaigns that stopped taking gifts; commits per donation."""
    report = Expiry()
    if not online_giving_enabled():
        return report
    ids = open_sessions(now or utcnow(), campaign_id)
    for donation_id in ids[:limit] if limit is not None else ids:
        donation = db.session.get(Donation, donation_id)
        outcome = expire_session(donation)
        if outcome is None:
            report.waiting.append(donation_id)
        elif outcome:
            report.expired += 1
        else:
            report.not_open += 1
        commit_now(reason="each expired Checkout Session stays expired if a later one fails")
    return report


def expire_sessions_of_stopped_campaigns(sender=None, **extra) -> str:
    report = expire_stopped_sessions()
    if not (report.expired or report.not_open or report.waiting):
        return ""
    line = f"Expired {report.expired} open Checkout Session(s) of campaigns that stopped"
    if report.waiting:
        line += f"; Stripe did not answer for donations {report.waiting} (run again)"
    return line


def expire_sessions_of_closed_campaign(campaign_id: int, **extra) -> None:
    report = expire_stopped_sessions(campaign_id, limit=EXPIRED_IN_REQUEST)
    if report.waiting:
        current_app.logger.warning(
            "Stripe did not answer when expiring the sessions of donations %s", report.waiting
        )
