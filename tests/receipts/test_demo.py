"""``seed-demo`` numbers the demo's paid gifts and gives one invented donor tax details."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.core.thai import valid_thai_id
from partnership.demo.receipts import seed_receipts
from partnership.extensions import db
from partnership.payments.models import PAID_STATES, Donation, DonationTaxInfo
from partnership.receipts.edonation import kept_satang
from partnership.receipts.models import EDonationRecord, Receipt
from partnership.receipts.models import EDonationState as S


def test_seed_demo_numbers_every_paid_gift_once(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    paid = db.session.scalars(sa.select(Donation.id).where(Donation.state.in_(PAID_STATES))).all()
    receipts = db.session.scalars(sa.select(Receipt).order_by(Receipt.number)).all()
    assert paid and {r.donation_id for r in receipts} == set(paid)
    # A demo gift refunded in part has its first receipt cancelled and a replacement for what
    # was kept: numbers stay one sequence, and a gift has at most one receipt standing.
    assert [r.number for r in receipts] == list(range(1, len(receipts) + 1))
    standing = [r.donation_id for r in receipts if r.cancelled_at is None]
    assert len(standing) == len(set(standing))
    by_id = {r.id: r for r in receipts}
    for r in receipts:
        if r.replaced_by_id is not None:
            assert r.cancelled_at is not None
            assert by_id[r.replaced_by_id].donation_id == r.donation_id
    assert any(r.replaced_by_id for r in receipts)  # the partial refund of the demo
    taxes = db.session.scalars(sa.select(DonationTaxInfo)).all()
    assert len(taxes) == 4
    assert all(valid_thai_id(tax.tax_id()) for tax in taxes)
    assert {tax.donation_id for tax in taxes} <= set(paid)


def test_seed_demo_has_e_donation_records_in_different_states(app):
    """One record per demo gift with tax details: due, recorded, to amend, to cancel, each
    consistent with the money (the amended one kept less than its record says)."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0  # again: nothing changes
    records = db.session.scalars(sa.select(EDonationRecord).order_by(EDonationRecord.id)).all()
    taxed = db.session.scalars(sa.select(DonationTaxInfo.donation_id)).all()
    assert sorted(r.donation_id for r in records) == sorted(taxed)
    assert sorted(r.state for r in records) == sorted([S.DUE, S.RECORDED, S.TO_AMEND, S.TO_CANCEL])
    by_state = {r.state: r for r in records}
    amend = by_state[S.TO_AMEND]
    assert kept_satang(amend.donation) < amend.recorded_satang
    assert kept_satang(by_state[S.TO_CANCEL].donation) == 0
    assert all(r.events and r.events[-1].to_state == r.state for r in records)


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
