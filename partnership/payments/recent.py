"""Gifts started from this browser, remembered in its (signed) session cookie, so that Back
after paying asks before a second Checkout for the same campaign."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import session

from ..db_types import utcnow
from ..extensions import db
from .models import PAID_STATES, Donation

SESSION_KEY = "recent_gifts"
#: How long after a paid gift the form asks before another.
RECENT = timedelta(hours=1)
#: How many donation ids the cookie keeps (the newest).
KEPT = 5


def remember_gift(donation: Donation) -> None:
    """Keep the id of a donation this browser started."""
    ids = [i for i in session.get(SESSION_KEY, []) if isinstance(i, int)]
    session[SESSION_KEY] = (ids + [donation.id])[-KEPT:]


def recent_paid_gift(campaign_id: int) -> Donation | None:
    """This browser's newest gift to the campaign paid within ``RECENT``, or None."""
    ids = [i for i in session.get(SESSION_KEY, []) if isinstance(i, int)]
    if not ids:
        return None
    return db.session.scalar(
        sa.select(Donation)
        .where(
            Donation.id.in_(ids),
            Donation.campaign_id == campaign_id,
            Donation.state.in_(PAID_STATES),
            Donation.paid_at >= utcnow() - RECENT,
        )
        .order_by(Donation.paid_at.desc())
        .limit(1)
    )
