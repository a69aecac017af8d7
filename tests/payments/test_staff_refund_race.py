"""Staff refunding one donation at once (issue 15, A10), against a live threaded server: the
donation is claimed (row lock, committed with the request before Stripe is called), so exactly
one refund reaches Stripe and the others are told a refund is pending."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.ledger.services import verify
from partnership.payments.models import RefundRequest
from tests.crowd import reload
from tests.live import all_at_once, live_server

STAFF = 4
TRIALS = 3
REFUNDS = ("POST", "/v1/refunds")


@pytest.fixture()
def paid_gifts(make_campaign, give, hooked):
    campaign = make_campaign(goal_satang=10_000_000)
    gifts = []
    for _ in range(TRIALS):
        donation, session_id = give(campaign, custom_amount="500")
        hooked.pay(session_id)
        gifts.append(reload(donation))
    return campaign, gifts


def test_staff_refunding_one_donation_at_once_reach_stripe_once(
    stripe_app, fake_stripe, hooked, make_user, paid_gifts
):
    campaign, gifts = paid_gifts
    staff = [make_user(is_staff=True) for _ in range(STAFF)]
    with live_server(stripe_app) as live:
        fake_stripe.webhook_url = live.url + "/webhooks/stripe"
        fake_stripe.webhook_transport = None
        sessions = [live.session_for(user) for user in staff]
        for donation in gifts:
            url = f"{live.url}/staff/payments/donations/{donation.id}"
            nonces = [  # each staff member has the page open, each with its own form
                re.search(r'name="nonce" type="hidden" value="([0-9a-f]{32})"', s.get(url).text)[1]
                for s in sessions
            ]
            statuses = all_at_once(
                STAFF,
                lambda i, url=url, nonces=nonces: sessions[i].post(
                    url,
                    data={"amount": "200", "reason": f"staff {i}", "nonce": nonces[i]},
                    allow_redirects=False,
                ),
            )
            assert not live.errors, live.errors[0]
            assert sorted(statuses) == [303] + [409] * (STAFF - 1), statuses
        fake_stripe.deliver_outbox()
    db.session.expire_all()
    assert len(fake_stripe.refunds) == TRIALS  # one per donation
    assert len(fake_stripe.asked(*REFUNDS)) == TRIALS
    assert db.session.scalar(sa.select(sa.func.count(RefundRequest.id))) == TRIALS
    for donation in gifts:
        assert reload(donation).refunded_satang == 20_000
    assert reload(campaign).raised_satang == TRIALS * 30_000
    assert verify() == []
