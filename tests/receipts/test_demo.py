"""``seed-demo`` numbers the demo's paid gifts and gives one invented donor tax details."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.core.thai import valid_thai_id
from partnership.demo.receipts import seed_receipts
from partnership.extensions import db
from partnership.payments.models import PAID_STATES, Donation
from partnership.payments.tax import DonationTaxInfo
from partnership.receipts.models import Receipt


def test_seed_demo_numbers_every_paid_gift_once(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    paid = db.session.scalars(sa.select(Donation.id).where(Donation.state.in_(PAID_STATES))).all()
    receipts = db.session.scalars(sa.select(Receipt).order_by(Receipt.number)).all()
    assert paid and sorted(r.donation_id for r in receipts) == sorted(paid)
    assert [r.number for r in receipts] == list(range(1, len(paid) + 1))
    [tax] = db.session.scalars(sa.select(DonationTaxInfo)).all()
    assert valid_thai_id(tax.tax_id())
    assert tax.donation_id in paid


def test_gifts_paid_before_receipts_existed_are_numbered_once(app, make_campaign):
    campaign = make_campaign()
    donation = Donation(
        campaign_id=campaign.id,
        token="old-gift",
        idempotency_key="old-gift",
        amount_satang=10_000,
        email="old@example.com",
        state="paid",
        paid_at=campaign.starts_at,
    )
    db.session.add(donation)
    db.session.commit()
    seed_receipts()
    seed_receipts()
    db.session.commit()
    [receipt] = db.session.scalars(sa.select(Receipt)).all()
    assert (receipt.donation_id, receipt.number) == (donation.id, 1)
