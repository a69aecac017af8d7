"""A small pool hit by a rush of paid gifts (signed webhooks, a live threaded server, both
databases): never overspent, the matches add up to the cap exactly, refunds restore it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from partnership.campaigns.models import Campaign
from partnership.extensions import db
from partnership.ledger.models import LedgerEntry, LedgerKind
from partnership.ledger.services import verify
from partnership.matching.models import MatchDraw, MatchPledge, MatchScope
from tests.live import live_server

from .conftest import paid_event, pending_donation, refund_event

GIFTS = 80
THREADS = 16
CAP = 100_000  # ฿1,000: about a third of what the gifts ask for


def match_rows_total() -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_satang), 0)).where(
            LedgerEntry.kind.in_([LedgerKind.MATCH, LedgerKind.MATCH_RETURNED])
        )
    )


def test_a_rush_never_overspends_the_pool(
    stripe_app, fake_stripe, make_campaign, make_school, make_pledge
):
    school_a, school_b = make_school(province_code="40"), make_school(province_code="40")
    campaigns = [
        make_campaign(school_a, goal_satang=50_000_000),
        make_campaign(school_b, goal_satang=50_000_000),
    ]
    pledge = make_pledge(scope=MatchScope.PROVINCE, province_code="40", cap_satang=CAP)
    donations = [pending_donation(campaigns[n % 2], 3_000 + 7 * n, n) for n in range(GIFTS)]
    paid = [paid_event(fake_stripe, d) for d in donations]

    with live_server(stripe_app) as live:
        fake_stripe.webhook_url = live.url + "/webhooks/stripe"
        with ThreadPoolExecutor(THREADS) as pool:
            results = [d for batch in pool.map(fake_stripe.send, paid) for d in batch]
        assert not live.errors, live.errors[0]
        assert {r.status for r in results} == {200}

        db.session.expire_all()
        assert db.session.get(MatchPledge, pledge.id).remaining_satang == 0
        assert match_rows_total() == CAP
        draws = db.session.scalars(sa.select(MatchDraw)).all()
        assert sum(d.drawn_satang for d in draws) == CAP
        assert all(d.drawn_satang <= d.base_satang for d in draws)
        # Every gift that found the pool empty drew nothing; exactly one took a remainder.
        assert sum(1 for d in draws if d.drawn_satang < d.base_satang) <= 1
        assert verify() == []

        refunds = [refund_event(fake_stripe, d, d.amount_satang) for d in donations]
        with ThreadPoolExecutor(THREADS) as pool:
            results = [d for batch in pool.map(fake_stripe.send, refunds) for d in batch]
        assert not live.errors, live.errors[0]
        assert {r.status for r in results} == {200}

    db.session.expire_all()
    assert db.session.get(MatchPledge, pledge.id).remaining_satang == CAP
    assert match_rows_total() == 0
    for campaign in campaigns:
        assert db.session.get(Campaign, campaign.id).raised_satang == 0
    assert verify() == []
