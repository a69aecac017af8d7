"""Receipt numbers under concurrent payments: signed webhooks from many threads to a live
threaded server, on SQLite and PostgreSQL. Every paid gift gets one number, the numbers of the
year are exactly 1..N (no gap, no duplicate), and each donor is thanked once."""

from __future__ import annotations

import random
import secrets
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from partnership.payments.models import Donation, DonationState
from partnership.receipts.models import Receipt, ReceiptCounter
from tests.live import live_server

GIFTS = 60
THREADS = 12


def pending(campaigns) -> list[Donation]:
    rows = [
        Donation(
            campaign_id=campaigns[n % len(campaigns)].id,
            token=secrets.token_hex(8),
            idempotency_key=f"receipts-load-{n}",
            checkout_session_id=f"cs_test_receipts_{n}",
            amount_satang=2_000 + 100 * n,
            donor_name=f"ผู้ให้ {n}",
            email=f"donor{n}@example.com",
        )
        for n in range(GIFTS)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def completed(fake, donation: Donation):
    return fake.build_event(
        "checkout.session.completed",
        {
            "id": donation.checkout_session_id,
            "object": "checkout.session",
            "metadata": {"donation_id": str(donation.id)},
            "client_reference_id": str(donation.id),
            "payment_intent": f"pi_receipts_{donation.id}",
            "amount_total": donation.amount_satang,
            "currency": "thb",
            "livemode": False,
            "payment_status": "paid",
            "status": "complete",
        },
    )


def test_concurrent_payments_take_every_number_once(stripe_app, fake_stripe, make_campaign):
    campaigns = [make_campaign(goal_satang=10_000_000) for _ in range(3)]
    donations = pending(campaigns)
    events = [completed(fake_stripe, d) for d in donations]
    rng = random.Random(9)
    deliveries = events + rng.sample(events, len(events) // 3)  # repeats
    rng.shuffle(deliveries)

    with live_server(stripe_app) as live:
        fake_stripe.webhook_url = live.url + "/webhooks/stripe"
        with ThreadPoolExecutor(THREADS) as pool:
            results = [d for batch in pool.map(fake_stripe.send, deliveries) for d in batch]

    assert not live.errors, live.errors[0]
    assert [r.status for r in results if r.status != 200] == []
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Donation.state))) == {DonationState.PAID}
    receipts = db.session.scalars(sa.select(Receipt).order_by(Receipt.number)).all()
    assert len({r.year for r in receipts}) == 1
    assert [r.number for r in receipts] == list(range(1, GIFTS + 1))
    assert sorted(r.donation_id for r in receipts) == sorted(d.id for d in donations)
    [counter] = db.session.scalars(sa.select(ReceiptCounter)).all()
    assert counter.last == GIFTS
    thanked = db.session.scalars(
        sa.select(OutgoingMail.to_address).where(OutgoingMail.topic == "donation-thanks")
    ).all()
    assert sorted(thanked) == sorted(d.email for d in donations)
