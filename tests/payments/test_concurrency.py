"""Several hundred signed webhooks at once against a live threaded server, on both databases.

A quarter are duplicates and half go to one campaign. Every event must be applied once: the
campaign totals equal the sum of the distinct paid donations, ``ledger verify`` passes, and no
request fails (no 5xx, no "database is locked").
"""

from __future__ import annotations

import random
import secrets
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from flask import got_request_exception
from werkzeug.serving import WSGIRequestHandler, make_server

from partnership.campaigns.models import Campaign
from partnership.extensions import db
from partnership.ledger.services import verify
from partnership.payments.models import Donation, DonationState, StripeEvent

DONATIONS = 300
THREADS = 16


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-") -> None:
        pass


@pytest.fixture()
def live_app(stripe_app):
    """``stripe_app`` served by a threaded werkzeug server on 127.0.0.1."""
    errors: list[str] = []

    def record(sender, exception, **extra) -> None:
        errors.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(record, stripe_app)
    server = make_server("127.0.0.1", 0, stripe_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", errors
    finally:
        server.shutdown()
        thread.join(timeout=10)
        got_request_exception.disconnect(record, stripe_app)


def pending_donations(campaigns) -> list[Donation]:
    """Half the gifts to the first campaign, the rest spread over the others."""
    rows = []
    for n in range(DONATIONS):
        campaign = campaigns[0] if n % 2 == 0 else campaigns[1 + n % (len(campaigns) - 1)]
        rows.append(
            Donation(
                campaign_id=campaign.id,
                token=secrets.token_hex(8),
                idempotency_key=f"load-{n}",
                checkout_session_id=f"cs_test_load_{n}",
                amount_satang=2_000 + 137 * n,
                donor_name=f"ผู้ให้ {n}",
                email="load@example.com",
            )
        )
    db.session.add_all(rows)
    db.session.commit()
    return rows


def events_for(fake, donation: Donation, n: int):
    """Card gifts complete paid; every third is PromptPay (unpaid completion, then the bank)."""
    session = {
        "id": donation.checkout_session_id,
        "object": "checkout.session",
        "metadata": {"donation_id": str(donation.id)},
        "client_reference_id": str(donation.id),
        "payment_intent": f"pi_load_{donation.id}",
        "amount_total": donation.amount_satang,
        "currency": "thb",
        "livemode": False,
        "status": "complete",
    }
    if n % 3:
        return [
            fake.build_event("checkout.session.completed", session | {"payment_status": "paid"})
        ]
    return [
        fake.build_event("checkout.session.completed", session | {"payment_status": "unpaid"}),
        fake.build_event(
            "checkout.session.async_payment_succeeded", session | {"payment_status": "paid"}
        ),
    ]


def test_webhook_storm_is_applied_exactly_once(app, fake_stripe, live_app, make_campaign):
    url, errors = live_app
    campaigns = [make_campaign(goal_satang=10_000_000) for _ in range(5)]
    donations = pending_donations(campaigns)
    events = [e for n, d in enumerate(donations) for e in events_for(fake_stripe, d, n)]
    rng = random.Random(8)
    deliveries = events + rng.sample(events, len(events) // 3)  # a quarter of all are repeats
    rng.shuffle(deliveries)
    fake_stripe.webhook_url = url + "/webhooks/stripe"

    with ThreadPoolExecutor(THREADS) as pool:
        results = [d for batch in pool.map(fake_stripe.send, deliveries) for d in batch]

    assert not errors, errors[0]
    assert [r for r in results if r.status != 200] == []
    assert len(results) == len(deliveries) >= 400
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == len(events)
    assert set(db.session.scalars(sa.select(Donation.state))) == {DonationState.PAID}
    for campaign in campaigns:
        mine = [d for d in donations if d.campaign_id == campaign.id]
        stored = db.session.get(Campaign, campaign.id)
        assert stored.raised_satang == sum(d.amount_satang for d in mine)
        assert stored.donor_count == len(mine)
    assert verify() == []
