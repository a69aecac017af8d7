"""The Stripe events kept for staff (unmatched ones keep their payload) lose the payer's name,
e-mail, phone and address on erasure and on ``flask donors purge``; ids and amounts stay."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.donors.models import DonorErasure
from partnership.donors.privacy import erase_donor
from partnership.extensions import db
from partnership.payments.models import EventOutcome, StripeEvent
from tests.crowd import reload
from tests.paid_gifts import gift

VENDOR = Path(__file__).parents[1] / "fake_stripe" / "vendor" / "fixtures3.json"
PERSONAL = ("Somchai@Example.com", "สมชาย ใจดี", "+66812345678", "99 ถนนมิตรภาพ")


def kept_event(event_id: str, email: str, *, received_days_ago: int = 0) -> StripeEvent:
    """An unmatched ``checkout.session.completed`` built on Stripe's own example objects, with
    the payer's details filled in as Checkout collects them."""
    resources = json.loads(VENDOR.read_text())["resources"]
    session = copy.deepcopy(resources["checkout.session"])
    session.update(
        id=f"cs_{event_id}",
        amount_total=50_000,
        currency="thb",
        client_reference_id="999999",
        customer_email=email,
        payment_intent=f"pi_{event_id}",
    )
    session["customer_details"].update(email=email, name="สมชาย ใจดี", phone="+66812345678")
    session["customer_details"]["address"].update(line1="99 ถนนมิตรภาพ", country="TH")
    charge = copy.deepcopy(resources["charge"])
    charge["billing_details"].update(email=email, name="สมชาย ใจดี", phone="+66812345678")
    charge["receipt_email"] = email
    session["_charge"] = charge  # a nested object: scrubbed at any depth
    event = {"id": event_id, "type": "checkout.session.completed", "data": {"object": session}}
    row = StripeEvent(
        event_id=event_id,
        type="checkout.session.completed",
        outcome=EventOutcome.UNMATCHED,
        payload=json.dumps(event, ensure_ascii=False),
        received_at=utcnow() - timedelta(days=received_days_ago),
    )
    db.session.add(row)
    db.session.commit()
    return row


def payload(row) -> dict:
    return json.loads(reload(row).payload)


def assert_scrubbed(row) -> None:
    text = reload(row).payload
    for personal in PERSONAL:
        assert personal.lower() not in text.lower(), personal
    obj = payload(row)["data"]["object"]
    # What staff need to match it to a payment stays.
    assert obj["id"] == f"cs_{row.event_id}" and obj["amount_total"] == 50_000
    assert obj["payment_intent"] == f"pi_{row.event_id}" and obj["currency"] == "thb"
    assert obj["customer_details"] is None and obj["customer_email"] is None
    assert obj["_charge"]["billing_details"] is None and obj["_charge"]["receipt_email"] is None
    assert obj["_charge"]["amount"] == row_amount(row)


def row_amount(row) -> int:
    resources = json.loads(VENDOR.read_text())["resources"]
    return resources["charge"]["amount"]


def test_erasure_scrubs_the_events_that_name_the_donor(app, make_campaign):
    donation = gift(make_campaign(), email="somchai@example.com")
    mine = kept_event("evt_mine", "Somchai@Example.com")
    other = kept_event("evt_other", "malee@example.com")
    record = erase_donor(donation)
    db.session.commit()
    assert_scrubbed(mine)
    assert record.other_rows == 1
    assert "malee@example.com" in reload(other).payload  # someone else's stays for staff


def test_purge_scrubs_events_older_than_the_retention_period(app, make_campaign, monkeypatch):
    old = kept_event("evt_old", "Somchai@Example.com", received_days_ago=4000)
    recent = kept_event("evt_recent", "somchai@example.com", received_days_ago=10)
    monkeypatch.setitem(app.config, "TAX_DATA_RETENTION_DAYS", 3653)
    result = app.test_cli_runner().invoke(args=["donors", "purge"])
    assert result.exit_code == 0, result.output
    assert_scrubbed(old)
    assert "somchai@example.com" in reload(recent).payload
    [record] = db.session.scalars(sa.select(DonorErasure)).all()
    assert record.other_rows == 1
