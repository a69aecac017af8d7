"""Stripe webhooks end in the exact state and totals, whatever the order and repetition."""

from __future__ import annotations

import json
import random
import time

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import CampaignState
from partnership.extensions import db
from partnership.ledger.models import LedgerEntry, LedgerKind
from partnership.ledger.services import verify
from partnership.payments.models import DonationState, EventOutcome, StripeEvent
from tests.crowd import page_text, reload
from tests.factories import english  # noqa: F401  (autouse: pages in English)

pytestmark = pytest.mark.usefixtures("stripe_app")


def totals(campaign):
    campaign = reload(campaign)
    return campaign.raised_satang, campaign.donor_count


def ledger_kinds(campaign):
    return [
        (e.kind, e.amount_satang)
        for e in db.session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.campaign_id == campaign.id)
            .order_by(LedgerEntry.id)
        )
    ]


def statuses(deliveries):
    return [d.status for d in deliveries]


def test_card_payment_counts_once_and_verifies(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    assert donation.state == DonationState.PENDING and totals(campaign) == (0, 0)
    hooked.pay(session_id)
    assert [d.status for d in hooked.deliveries] == [200]
    assert reload(donation).state == DonationState.PAID
    assert totals(campaign) == (50_000, 1)
    assert ledger_kinds(campaign) == [(LedgerKind.DONATION_PAID, 50_000)]
    assert verify() == []


def test_bad_missing_and_stale_signatures_change_nothing(make_campaign, give, hooked, client):
    campaign = make_campaign()
    _, session_id = give(campaign)
    [event] = hooked.pay(session_id, send=False)
    bad = hooked.send(event, secret="whsec_wrong")
    missing = hooked.send(event, signature=None)
    stale = hooked.send(event, timestamp=int(time.time()) - 3600)
    garbage = client.post(
        "/webhooks/stripe", data=b"not json", headers={"Stripe-Signature": hooked.sign(b"not json")}
    )
    assert statuses(bad + missing + stale) == [400, 400, 400] and garbage.status_code == 400
    assert totals(campaign) == (0, 0)
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 0
    assert statuses(hooked.send(event)) == [200]
    assert totals(campaign) == (50_000, 1)


def test_duplicate_delivery_counts_once(make_campaign, give, hooked):
    campaign = make_campaign()
    _, session_id = give(campaign)
    [event] = hooked.pay(session_id, send=False)
    assert statuses(hooked.send(event, duplicate=True)) == [200, 200]
    assert statuses(hooked.send(event)) == [200]
    assert totals(campaign) == (50_000, 1)
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 1
    assert verify() == []


def test_promptpay_pending_then_succeeded(make_campaign, give, hooked, client):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id, method="promptpay", outcome="pending")
    assert reload(donation).state == DonationState.PENDING and totals(campaign) == (0, 0)
    page = client.get(f"/donations/{donation.token}/thanks").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "Payment processing" in page
    hooked.settle(session_id)
    assert reload(donation).state == DonationState.PAID and totals(campaign) == (50_000, 1)
    page = client.get(f"/donations/{donation.token}/thanks").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "Thank you" in page


def test_reversed_order_promptpay(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    events = hooked.pay(session_id, method="promptpay", send=False)
    assert [e.type for e in events] == [
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    ]
    hooked.send_all(reversed(events))
    assert reload(donation).state == DonationState.PAID and totals(campaign) == (50_000, 1)
    assert reload(donation).payment_intent_id


def test_async_failure(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id, method="promptpay", outcome="failed")
    assert reload(donation).state == DonationState.FAILED and totals(campaign) == (0, 0)


def test_expiry_then_a_late_success_still_counts(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    paid_session = dict(hooked.sessions[session_id], status="complete", payment_status="paid")
    hooked.expire(session_id)
    assert reload(donation).state == DonationState.EXPIRED
    hooked.send(hooked.build_event("checkout.session.completed", paid_session))
    assert reload(donation).state == DonationState.PAID and totals(campaign) == (50_000, 1)


def test_full_refund_before_completion(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    completed = hooked.pay(session_id, send=False)
    refund_events = hooked.refund(session_id, send=False)
    assert [e.type for e in refund_events] == ["refund.created", "charge.refunded"]
    hooked.send_all(list(reversed(refund_events)) + completed)
    donation = reload(donation)
    assert donation.state == DonationState.REFUNDED and donation.refunded_satang == 50_000
    assert totals(campaign) == (0, 0)  # refunded in full: no longer a donor
    assert ledger_kinds(campaign) == [
        (LedgerKind.DONATION_PAID, 50_000),
        (LedgerKind.REFUND, -50_000),
    ]
    assert verify() == []


def test_partial_refunds_shuffled_and_repeated(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    events = hooked.refund(session_id, amount=20_000, send=False)
    events += hooked.refund(session_id, amount=10_000, send=False)
    shuffled = events + events[:2]
    random.Random(4).shuffle(shuffled)
    assert all(s == 200 for s in statuses(hooked.send_all(shuffled)))
    donation = reload(donation)
    assert donation.state == DonationState.PARTIALLY_REFUNDED
    assert donation.refunded_satang == 30_000 and totals(campaign) == (20_000, 1)
    assert sum(a for _, a in ledger_kinds(campaign)) == 20_000
    assert verify() == []


def test_promptpay_refund_waits_for_bank_details_then_completes(
    make_campaign, give, hooked, client
):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id, method="promptpay")
    [created, _charge] = hooked.refund(session_id)
    assert created.object["status"] == "requires_action"
    donation = reload(donation)
    assert donation.state == DonationState.REFUNDED and donation.refund_waiting
    assert totals(campaign) == (0, 0)  # refunded in full: no longer a donor
    hooked.complete_refund(created.object["id"])
    donation = reload(donation)
    assert not donation.refund_waiting and donation.refunds[0].status == "succeeded"
    assert totals(campaign) == (0, 0) and verify() == []


def test_failed_refund_brings_the_money_back(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id, method="promptpay")
    [created, _charge] = hooked.refund(session_id, amount=20_000)
    assert totals(campaign) == (30_000, 1)
    hooked.complete_refund(created.object["id"], outcome="failed")
    assert totals(campaign) == (50_000, 1)
    assert ledger_kinds(campaign)[-1] == (LedgerKind.REFUND_REVERSED, 20_000)
    assert verify() == []


def test_dispute_flags_the_donation_for_staff(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    events = hooked.dispute(session_id, send=False)  # created (withdrawn), funds_withdrawn
    assert [e.type for e in events] == ["charge.dispute.created", "charge.dispute.funds_withdrawn"]
    hooked.send_all(events + events)
    donation = reload(donation)
    assert donation.disputed and donation.disputed_satang == 50_000
    assert totals(campaign) == (0, 1)
    assert ledger_kinds(campaign)[-1] == (LedgerKind.DISPUTE, -50_000)
    assert verify() == []


def test_unknown_event_type_is_acknowledged_and_ignored(make_campaign, hooked):
    campaign = make_campaign()
    event = hooked.build_event("customer.created", {"id": "cus_1", "object": "customer"})
    assert statuses(hooked.send(event)) == [200]
    row = db.session.scalar(sa.select(StripeEvent))
    assert row.outcome == EventOutcome.IGNORED and totals(campaign) == (0, 0)


def test_unknown_donation_is_acknowledged_and_kept_for_staff(make_campaign, hooked):
    campaign = make_campaign()
    session = {
        "id": "cs_test_x",
        "object": "checkout.session",
        "metadata": {"donation_id": "999999"},
        "client_reference_id": "999999",
        "payment_status": "paid",
        "payment_intent": "pi_x",
    }
    event = hooked.build_event("checkout.session.completed", session)
    assert statuses(hooked.send(event)) == [200]
    row = db.session.scalar(sa.select(StripeEvent))
    assert row.outcome == EventOutcome.UNMATCHED
    assert json.loads(row.payload)["id"] == event.id
    assert totals(campaign) == (0, 0)


def test_paid_after_goal_and_after_end_is_kept_as_over_funding(make_campaign, give, hooked, client):
    campaign = make_campaign(goal_satang=60_000)
    first, first_session = give(campaign)
    second, second_session = give(campaign)
    hooked.pay(first_session)
    assert reload(campaign).state == CampaignState.LIVE
    hooked.pay(second_session)
    campaign = reload(campaign)
    assert campaign.state == CampaignState.FUNDED and campaign.raised_satang == 100_000
    assert campaign.over_funded_satang == 40_000
    # A gift paid in the last minute whose webhook arrives after the campaign ended.
    ended = make_campaign(goal_satang=1_000_000)
    late, late_session = give(ended)
    from datetime import timedelta

    from partnership.campaigns.services import close_due
    from partnership.i18n import utcnow

    close_due(utcnow() + timedelta(days=365))
    db.session.commit()
    assert reload(ended).state == CampaignState.ENDED
    hooked.pay(late_session)
    assert reload(late).state == DonationState.PAID and totals(ended) == (50_000, 1)
    page = page_text(client.get(f"/campaigns/{campaign.id}"))
    assert "Over-funded by ฿400.00" in page


def test_staff_see_disputes_and_unmatched_events(make_campaign, give, hooked, client, login_as):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    hooked.dispute(session_id)
    stray = hooked.build_event(
        "checkout.session.completed", {"id": "cs_x", "metadata": {"donation_id": "424242"}}
    )
    hooked.send(stray)
    assert client.get("/staff/payments/donations").status_code in (302, 401)
    login_as("staff")
    html = client.get("/staff/payments/donations?disputed=1").get_data(as_text=True)
    assert "Disputed" in html and "somchai@example.com" in html
    events = client.get("/staff/payments/events").get_data(as_text=True)
    assert stray.id in events
