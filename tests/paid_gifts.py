"""Donations made directly (no Stripe round trip) for the donor and staff tests."""

from __future__ import annotations

import secrets

from partnership.extensions import db
from partnership.payments.donations import mark_paid
from partnership.payments.models import Donation
from partnership.receipts.claims import run_claims, run_thanks


def gift(
    campaign,
    *,
    email: str = "donor@example.com",
    name: str = "สมชาย ใจดี",
    amount_satang: int = 50_000,
    paid: bool = True,
    wants_updates: bool = False,
    anonymous: bool = False,
    message: str = "สู้ ๆ",
    locale: str = "en",
    **columns,
) -> Donation:
    """A donation (committed), paid through the payments rule unless ``paid=False``."""
    donation = Donation(
        campaign_id=campaign.id,
        token=secrets.token_urlsafe(18),
        idempotency_key="test-" + secrets.token_hex(8),
        amount_satang=amount_satang,
        donor_name=name,
        email=email,
        anonymous=anonymous,
        message=message,
        wants_updates=wants_updates,
        locale=locale,
        **columns,
    )
    db.session.add(donation)
    db.session.flush()
    if paid:
        mark_paid(donation, f"demo:{donation.token}")  # the demo's ledger source scheme
    db.session.commit()
    if paid:
        run_claims()  # its receipt number and thank-you, as after a webhook's commit
        run_thanks()
    return donation


def forget_queued_mail() -> None:
    """Drop the mail queued so far (the receipts' thank-you of each paid gift), for tests that
    count the mail they queue themselves."""
    import sqlalchemy as sa
    from flask import g

    from partnership.notifications.models import OutgoingMail

    db.session.execute(sa.delete(OutgoingMail))
    db.session.commit()
    g.pop("mail_committed", None)
