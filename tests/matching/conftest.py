"""Matching fixtures: a sponsor's pool (approved unless told) and paid gifts by signed webhook."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.matching.models import MatchScope, PledgeState
from partnership.matching.pledges import create_pledge, decide
from partnership.payments.models import Donation
from tests.factories import english  # noqa: F401  (autouse: pages in English)


@pytest.fixture()
def make_pledge(app, make_org):
    def make(
        campaign=None,
        *,
        organisation=None,
        cap_satang=100_000,
        sponsor_part=1,
        donor_part=1,
        per_donation_cap_satang=None,
        scope=MatchScope.CAMPAIGN,
        target_id=None,
        province_code=None,
        counts_offline=False,
        state=PledgeState.APPROVED,
        days=30,
    ):
        now = utcnow()
        pledge = create_pledge(
            organisation or make_org(name="บริษัท ทดสอบการสมทบ จำกัด" + secrets.token_hex(2)),
            sponsor_part=sponsor_part,
            donor_part=donor_part,
            cap_satang=cap_satang,
            per_donation_cap_satang=per_donation_cap_satang,
            scope=scope,
            target_id=target_id if target_id is not None else getattr(campaign, "id", None),
            province_code=province_code,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=days),
            counts_offline=counts_offline,
        )
        if state != PledgeState.PENDING:
            decide(pledge, PledgeState.APPROVED if state != PledgeState.DECLINED else state)
        if state == PledgeState.ENDED:
            decide(pledge, PledgeState.ENDED)
        db.session.commit()
        return pledge

    return make


def pending_donation(campaign, amount_satang: int, n: int = 0) -> Donation:
    donation = Donation(
        campaign_id=campaign.id,
        token=secrets.token_hex(8),
        idempotency_key=f"m-{secrets.token_hex(8)}",
        amount_satang=amount_satang,
        donor_name=f"ผู้ให้ {n}",
        email="donor@example.com",
    )
    db.session.add(donation)
    db.session.commit()
    return donation


def paid_event(fake, donation: Donation):
    session = {
        "id": f"cs_test_m_{donation.id}",
        "object": "checkout.session",
        "metadata": {"donation_id": str(donation.id)},
        "client_reference_id": str(donation.id),
        "payment_intent": f"pi_m_{donation.id}",
        "amount_total": donation.amount_satang,
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
