"""Erasing a donor (their request or the retention purge) leaves the e-Donation history as it
was: its rows name staff and states, never the donor, and history is never deleted."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.donors import privacy
from partnership.extensions import db
from partnership.payments.models import Donation
from partnership.receipts.models import EDonationEvent

from .conftest import TAX_FIELDS


def _history() -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(EDonationEvent).order_by(EDonationEvent.id))
    return [
        (e.id, e.record_id, e.kind, e.from_state, e.to_state, e.at, e.kept_satang) for e in rows
    ]


def test_a_donors_erasure_keeps_the_e_donation_history(paid, make_campaign):
    donation, _ = paid(make_campaign(), custom_amount="1000", **TAX_FIELDS)
    db.session.commit()
    before = _history()
    assert before
    assert privacy.erase_donor(db.session.get(Donation, donation.id)) is not None
    db.session.commit()
    assert db.session.get(Donation, donation.id).email == ""
    assert _history() == before


def test_the_retention_purge_keeps_the_e_donation_history(paid, make_campaign):
    paid(make_campaign(), custom_amount="1000", **TAX_FIELDS)
    db.session.commit()
    before = _history()
    record = privacy.purge(utcnow() + timedelta(days=1))
    db.session.commit()
    assert record.donations == 1
    assert _history() == before
