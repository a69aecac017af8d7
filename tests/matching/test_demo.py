"""``seed-demo`` then ``ledger verify``: the demo's pools, offline gifts and refunded campaign
add up; breaking a campaign's total or a pool on purpose is named."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.campaigns.models import Campaign, FundingRule
from partnership.gifts.models import GiftState, OfflineGift
from partnership.matching.models import MatchPledge, PledgeState
from partnership.payments.models import Donation, DonationState


def test_demo_database_verifies_and_breaks_loudly(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output

    (pledge,) = db.session.scalars(sa.select(MatchPledge)).all()
    assert pledge.state == PledgeState.APPROVED
    assert pledge.used_satang * 2 == pledge.cap_satang  # half used
    states = sorted(g.state for g in db.session.scalars(sa.select(OfflineGift)))
    assert states.count(GiftState.VOIDED) == 1 and GiftState.RETURNED in states
    failed = db.session.scalar(
        sa.select(Campaign).where(Campaign.funding_rule == FundingRule.ALL_OR_NOTHING)
    )
    assert failed.raised_satang == 0
    assert set(
        db.session.scalars(sa.select(Donation.state).where(Donation.campaign_id == failed.id))
    ) == {DonationState.REFUNDED}
    # close-due on the demo has nothing left to do (and needs no Stripe).
    output = runner.invoke(args=["campaigns", "close-due"]).output
    assert "0 refund(s) requested" in output

    db.session.execute(
        sa.update(MatchPledge)
        .where(MatchPledge.id == pledge.id)
        .values(remaining_satang=MatchPledge.remaining_satang + 100)
    )
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == failed.id)
        .values(raised_satang=Campaign.raised_satang + 1, online_satang=Campaign.online_satang + 1)
    )
    db.session.commit()
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert f"match pool {pledge.id} ({pledge.organisation.name})" in result.output
    assert f"campaign {failed.id} ({failed.title})" in result.output
