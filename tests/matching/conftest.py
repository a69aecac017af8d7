"""Matching fixtures: paid gifts by signed webhook (a sponsor's pool: tests/crowd.make_pledge)."""

from __future__ import annotations

import secrets

from partnership.extensions import db
from partnership.payments.models import Donation
from tests.factories import english  # noqa: F401  (autouse: pages in English)


def pending_donation(campaign, amount_satang: int, n: int = 0) -> Donation:
    donation = Donation(
        campaign_id=campaign.id,
        token=secrets.token_hex(8),
        idempotency_key=f"m-{secrets.token_hex(8)}",
        checkout_session_id=f"cs_test_m_{secrets.token_hex(8)}",
        amount_satang=amount_satang,
        donor_name=f"ผู้ให้ {n}",
        email="donor@example.com",
    )
    db.session.add(donation)
    db.session.commit()
    return donation


def paid_event(fake, donation: Donation):
    session = {
        "id": donation.checkout_session_id,
        "object": "checkout.session",
        "metadata": {"donation_id": str(donation.id)},
        "client_reference_id": str(donation.id),
        "payment_intent": f"pi_m_{donation.id}",
        "amount_total": donation.amount_satang,
        "currency": "thb",
        "livemode": False,
        "status": "complete",
        "payment_status": "paid",
    }
    return fake.build_event("checkout.session.completed", session)


def refund_event(
    fake, donation: Donation, amount: int, refund_id: str | None = None, status="succeeded"
):
    refund = {
        "id": refund_id or f"re_m_{secrets.token_hex(6)}",
        "object": "refund",
        "amount": amount,
        "status": status,
        "metadata": {"donation_id": str(donation.id)},
        "payment_intent": f"pi_m_{donation.id}",
    }
    return fake.build_event("refund.created", refund)
