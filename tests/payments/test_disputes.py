"""Disputes as Stripe sends them (issue 15, A4): the money moves with the funds.

An inquiry (Stripe's own ``dispute`` fixture: ``warning_needs_response``, no balance
transaction) moves nothing but is flagged for staff; a chargeback's funds leave on
``funds_withdrawn`` and come back when it is won; a refund after a dispute is not dropped."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.ledger.models import LedgerEntry, LedgerKind
from partnership.ledger.services import verify
from partnership.payments.models import DonationState
from tests.crowd import reload
from tests.factories import english  # noqa: F401
from tests.fake_stripe.disputes import vendor_object

pytestmark = pytest.mark.usefixtures("stripe_app")


def ledger(campaign) -> list[tuple[LedgerKind, int]]:
    return [
        (e.kind, e.amount_satang)
        for e in db.session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.campaign_id == campaign.id, LedgerEntry.kind != LedgerKind.MATCH)
            .order_by(LedgerEntry.id)
        )
    ]


@pytest.fixture()
def paid(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    return campaign, donation, session_id


def test_stripes_own_inquiry_moves_nothing_but_is_flagged(paid, hooked, client, login_as):
    campaign, donation, session_id = paid
    intent = hooked.sessions[session_id]["payment_intent"]
    inquiry = vendor_object("dispute")  # as Stripe publishes it, about our payment
    assert inquiry["status"] == "warning_needs_response" and inquiry["balance_transactions"] == []
    inquiry.update(payment_intent=intent, currency="thb", amount=50_000)
    event = hooked.build_event("charge.dispute.created", inquiry)
    assert [d.status for d in hooked.send(event, duplicate=True)] == [200, 200]
    donation = reload(donation)
    assert donation.disputed and donation.disputed_satang == 0
    assert donation.dispute_status == "warning_needs_response"
    assert reload(campaign).raised_satang == 50_000
    assert ledger(campaign) == [(LedgerKind.DONATION_PAID, 50_000)]
    login_as("staff")
    listed = client.get("/staff/payments/donations?disputed=1").get_data(as_text=True)
    assert f"/staff/payments/donations/{donation.id}" in listed
    page = client.get(f"/staff/payments/donations/{donation.id}").get_data(as_text=True)
    assert (
        "Inquiry: needs a response" in page
        and "warning_needs_response" not in page
        and 'id="disputed"' not in page
    )
    assert verify() == []


def test_an_inquiry_from_the_fake_then_closed_moves_nothing(paid, hooked):
    campaign, donation, session_id = paid
    [created] = hooked.dispute(session_id, inquiry=True)
    hooked.close_dispute(created.object["id"], "warning_closed")
    donation = reload(donation)
    assert donation.dispute_status == "warning_closed" and donation.disputed_satang == 0
    assert reload(campaign).raised_satang == 50_000 and verify() == []


def test_a_won_chargeback_puts_the_money_back_whatever_the_order(paid, hooked):
    campaign, donation, session_id = paid
    opened = hooked.dispute(session_id, send=False)
    assert opened[0].object["balance_transactions"]  # a chargeback's created carries it
    closed = hooked.close_dispute(opened[0].object["id"], "won", send=False)
    assert [e.type for e in closed] == [
        "charge.dispute.funds_reinstated",
        "charge.dispute.closed",
    ]
    hooked.send_all(opened)
    assert reload(donation).disputed_satang == 50_000
    assert reload(campaign).raised_satang == 0
    hooked.send_all(closed + closed)
    donation = reload(donation)
    assert (donation.disputed_satang, donation.dispute_status) == (0, "won")
    assert donation.state == DonationState.PAID
    assert reload(campaign).raised_satang == 50_000
    assert ledger(campaign) == [
        (LedgerKind.DONATION_PAID, 50_000),
        (LedgerKind.DISPUTE, -50_000),
        (LedgerKind.DISPUTE_REVERSED, 50_000),
    ]
    assert verify() == []


def test_a_won_chargeback_reported_backwards_moves_nothing(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    opened = hooked.dispute(session_id, send=False)
    closed = hooked.close_dispute(opened[0].object["id"], "won", send=False)
    events = opened + closed
    random.Random(7).shuffle(events)
    hooked.send_all(list(reversed(opened + closed)) + events)
    donation = reload(donation)
    assert (donation.disputed_satang, donation.dispute_status) == (0, "won")
    assert reload(campaign).raised_satang == 50_000 and verify() == []


def test_a_lost_chargeback_keeps_the_money_out(paid, hooked):
    campaign, donation, session_id = paid
    opened = hooked.dispute(session_id, amount=30_000)
    hooked.close_dispute(opened[0].object["id"], "lost")
    donation = reload(donation)
    assert (donation.disputed_satang, donation.dispute_status) == (30_000, "lost")
    assert reload(campaign).raised_satang == 20_000 and verify() == []


def test_a_refund_after_an_inquiry_counts_in_full(paid, hooked):
    campaign, donation, session_id = paid
    hooked.dispute(session_id, inquiry=True)
    hooked.refund(session_id)  # refunding an inquiry is what Stripe lets the merchant do
    donation = reload(donation)
    assert (donation.state, donation.refunded_satang) == (DonationState.REFUNDED, 50_000)
    assert reload(campaign).raised_satang == 0 and verify() == []


def test_a_refund_during_a_chargeback_waits_and_counts_when_the_funds_return(paid, hooked):
    campaign, donation, session_id = paid
    opened = hooked.dispute(session_id)
    hooked.refund(session_id, amount=20_000)
    donation = reload(donation)
    # Never more than the gift out: the withdrawn funds already left.
    assert (donation.refunded_satang, donation.disputed_satang) == (0, 50_000)
    assert reload(campaign).raised_satang == 0
    hooked.close_dispute(opened[0].object["id"], "won")
    donation = reload(donation)
    assert (donation.refunded_satang, donation.disputed_satang) == (20_000, 0)
    assert donation.state == DonationState.PARTIALLY_REFUNDED
    assert reload(campaign).raised_satang == 30_000 and verify() == []


def test_a_chargeback_after_a_partial_refund_takes_only_what_is_left(paid, hooked):
    campaign, donation, session_id = paid
    hooked.refund(session_id, amount=20_000)
    hooked.dispute(session_id)  # the bank disputes the whole charge
    donation = reload(donation)
    assert (donation.refunded_satang, donation.disputed_satang) == (20_000, 30_000)
    assert reload(campaign).raised_satang == 0 and verify() == []
