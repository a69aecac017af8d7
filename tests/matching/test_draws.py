"""Drawing matches: ratios, caps, scopes, order of pools, refunds pro rata, ledger verify."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.ledger.models import LedgerEntry, LedgerKind
from partnership.ledger.services import verify
from partnership.matching.models import MatchDraw, MatchPledge, MatchScope, PledgeState
from tests.crowd import reload

from .conftest import paid_event, pending_donation, refund_event


@pytest.fixture()
def pay(hooked):
    def run(campaign, amount_satang):
        donation = pending_donation(campaign, amount_satang)
        (delivery,) = hooked.send(paid_event(hooked, donation))
        assert delivery.status == 200
        return reload(donation)

    return run


def matches_of(campaign) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_satang), 0)).where(
            LedgerEntry.campaign_id == campaign.id,
            LedgerEntry.kind.in_([LedgerKind.MATCH, LedgerKind.MATCH_RETURNED]),
        )
    )


@pytest.mark.parametrize(
    ("sponsor_part", "donor_part", "gift", "match"),
    [(1, 1, 50_000, 50_000), (2, 1, 50_000, 100_000), (1, 2, 50_001, 25_000)],
)
def test_ratio(make_campaign, make_pledge, pay, sponsor_part, donor_part, gift, match):
    campaign = make_campaign(goal_satang=10_000_000)
    pledge = make_pledge(
        campaign, cap_satang=1_000_000, sponsor_part=sponsor_part, donor_part=donor_part
    )
    pay(campaign, gift)
    assert reload(campaign).raised_satang == gift + match
    assert reload(pledge).remaining_satang == 1_000_000 - match
    assert verify() == []


def test_per_gift_cap_and_nearly_empty_pool(make_campaign, make_pledge, pay):
    campaign = make_campaign(goal_satang=10_000_000)
    pledge = make_pledge(campaign, cap_satang=70_000, per_donation_cap_satang=30_000)
    pay(campaign, 50_000)  # capped per gift: 30,000
    pay(campaign, 50_000)  # 30,000
    pay(campaign, 50_000)  # what is left: 10,000
    pay(campaign, 50_000)  # nothing
    assert reload(pledge).remaining_satang == 0
    assert matches_of(campaign) == 70_000
    assert reload(campaign).raised_satang == 4 * 50_000 + 70_000
    assert verify() == []


def test_pools_draw_in_order_of_ending_first(make_campaign, make_pledge, pay):
    campaign = make_campaign(goal_satang=10_000_000)
    later = make_pledge(campaign, cap_satang=100_000, days=60)
    sooner = make_pledge(campaign, cap_satang=100_000, days=10)
    pay(campaign, 30_000)
    draws = db.session.scalars(sa.select(MatchDraw).order_by(MatchDraw.id)).all()
    assert [d.pledge_id for d in draws] == [sooner.id, later.id]
    assert reload(campaign).raised_satang == 90_000


@pytest.mark.parametrize("state", [PledgeState.PENDING, PledgeState.DECLINED, PledgeState.ENDED])
def test_only_approved_pools_draw(make_campaign, make_pledge, pay, state):
    campaign = make_campaign(goal_satang=10_000_000)
    pledge = make_pledge(campaign, state=state)
    pay(campaign, 20_000)
    assert reload(campaign).raised_satang == 20_000
    assert reload(pledge).remaining_satang == pledge.cap_satang


def test_scopes(make_campaign, make_school, make_pledge, pay):
    khon_kaen = make_campaign(make_school(province_code="40"), goal_satang=10_000_000)
    elsewhere = make_campaign(make_school(province_code="10"), goal_satang=10_000_000)
    make_pledge(scope=MatchScope.PROVINCE, province_code="40", cap_satang=1_000_000)
    make_pledge(scope=MatchScope.PROGRAMME, target_id=elsewhere.programme_id, cap_satang=1_000_000)
    pay(khon_kaen, 10_000)
    pay(elsewhere, 10_000)
    assert reload(khon_kaen).raised_satang == 20_000
    assert reload(elsewhere).raised_satang == 20_000
    assert verify() == []


def test_refunds_give_back_pro_rata(make_campaign, make_pledge, pay, hooked):
    campaign = make_campaign(goal_satang=10_000_000)
    pledge = make_pledge(campaign, cap_satang=1_000_000, sponsor_part=2)
    donation = pay(campaign, 30_000)  # match 60,000
    hooked.send(refund_event(hooked, donation, 10_000))  # a third back
    assert reload(pledge).remaining_satang == 1_000_000 - 40_000
    assert reload(campaign).raised_satang == 20_000 + 40_000
    hooked.send(refund_event(hooked, donation, 20_000))  # the rest
    assert reload(pledge).remaining_satang == 1_000_000
    assert reload(campaign).raised_satang == 0
    assert verify() == []


def test_a_failed_refund_draws_the_match_again(make_campaign, make_pledge, pay, hooked):
    campaign = make_campaign(goal_satang=10_000_000)
    pledge = make_pledge(campaign, cap_satang=1_000_000)
    donation = pay(campaign, 30_000)
    created = refund_event(hooked, donation, 30_000, refund_id="re_fails", status="pending")
    hooked.send(created)
    assert reload(pledge).remaining_satang == 1_000_000
    failed = hooked.build_event("refund.updated", created.object | {"status": "failed"})
    hooked.send(failed)
    assert reload(pledge).remaining_satang == 1_000_000 - 30_000
    assert reload(campaign).raised_satang == 60_000
    assert verify() == []


def test_a_duplicate_webhook_draws_once(make_campaign, make_pledge, hooked):
    campaign = make_campaign(goal_satang=10_000_000)
    pledge = make_pledge(campaign, cap_satang=1_000_000)
    donation = pending_donation(campaign, 10_000)
    hooked.send(paid_event(hooked, donation), duplicate=True)
    assert reload(pledge).remaining_satang == 990_000
    assert verify() == []


def test_verify_names_a_broken_pool(make_campaign, make_pledge, pay):
    campaign = make_campaign(goal_satang=10_000_000)
    pledge = make_pledge(campaign, cap_satang=100_000)
    pay(campaign, 10_000)
    db.session.execute(
        sa.update(MatchPledge).where(MatchPledge.id == pledge.id).values(remaining_satang=95_000)
    )
    db.session.commit()
    problems = verify()
    assert len(problems) == 1
    assert f"match pool {pledge.id} (" in problems[0]
    assert pledge.organisation.name in problems[0]


def test_verify_names_a_campaign_whose_total_is_broken(make_campaign, make_pledge, pay):
    from partnership.campaigns.models import Campaign

    campaign = make_campaign(goal_satang=10_000_000, title="โน้ตบุ๊กเสีย")
    make_pledge(campaign, cap_satang=100_000)
    pay(campaign, 10_000)
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(raised_satang=19_999, online_satang=19_999 - Campaign.matched_satang)
    )
    db.session.commit()
    (problem,) = verify()
    assert f"campaign {campaign.id} (โน้ตบุ๊กเสีย)" in problem


def test_a_match_moves_the_campaigns_matched_counter(make_campaign, make_pledge, pay):
    from partnership.campaigns.models import Campaign

    campaign = make_campaign(goal_satang=10_000_000)
    make_pledge(campaign, cap_satang=100_000)
    pay(campaign, 10_000)
    db.session.expire_all()
    stored = db.session.get(Campaign, campaign.id)
    assert (stored.raised_satang, stored.online_satang, stored.matched_satang) == (
        20_000,
        10_000,
        10_000,
    )
    assert verify() == []


def test_a_pool_outside_its_dates_draws_nothing(make_campaign, make_pledge, pay):
    from datetime import timedelta

    from partnership.db_types import utcnow

    campaign = make_campaign(goal_satang=10_000_000)
    later = make_pledge(campaign, cap_satang=100_000)
    db.session.execute(
        sa.update(MatchPledge)
        .where(MatchPledge.id == later.id)
        .values(starts_at=utcnow() + timedelta(days=1), ends_at=utcnow() + timedelta(days=9))
    )
    db.session.commit()
    pay(campaign, 10_000)
    assert reload(campaign).raised_satang == 10_000
    assert reload(later).remaining_satang == 100_000
