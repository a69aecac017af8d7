"""Paying under simultaneous requests (live server, threads, both databases): the balance never
goes below zero and every paid disbursement has exactly one ledger row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign
from partnership.extensions import db
from partnership.ledger.models import LedgerEntry, LedgerKind
from partnership.spending.models import Disbursement, DisbursementState
from tests.live import all_at_once, live_server

THREADS = 16


@pytest.fixture()
def server(app):
    with live_server(app) as live:
        yield live
    assert live.errors == [], f"requests failed on the server: {live.errors!r}"


def _rows(campaign_id: int) -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(LedgerEntry.source, sa.func.count())
        .where(LedgerEntry.campaign_id == campaign_id, LedgerEntry.kind == LedgerKind.DISBURSEMENT)
        .group_by(LedgerEntry.source)
    ).all()
    return dict(rows)


def test_sixteen_payments_against_one_campaign_never_pass_its_balance(
    app, server, funded_campaign, make_disbursement, two_staff
):
    campaign = funded_campaign()  # holds ฿372,000: twelve payments of ฿30,000 fit, four do not
    ids = [
        make_disbursement(
            campaign, state="approved", lines=((0, 2, 1_500_000),), over_budget_reason="ทดสอบ"
        ).id
        for _ in range(THREADS)
    ]
    sessions = [server.session_for(two_staff[1]) for _ in range(THREADS)]
    urls = [f"{server.url}/staff/spending/{i}/pay" for i in ids]

    statuses = all_at_once(THREADS, lambda i: sessions[i].post(urls[i], allow_redirects=False))

    assert all(code < 500 for code in statuses), statuses
    db.session.expire_all()
    paid = db.session.scalars(
        sa.select(Disbursement.id).where(Disbursement.state == DisbursementState.PAID)
    ).all()
    assert len(paid) == 12
    rows = _rows(campaign.id)
    assert rows == {f"disbursement:{i}": 1 for i in paid}
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.balance_satang == 37_200_000 - 12 * 3_000_000 >= 0
    assert campaign.spent_satang == 12 * 3_000_000
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output


def test_two_simultaneous_pay_requests_pay_once(
    server, funded_campaign, make_disbursement, two_staff
):
    campaign = funded_campaign()
    d = make_disbursement(campaign, state="approved", lines=((1, 24, 50_000),))
    sessions = [server.session_for(two_staff[1]) for _ in range(2)]
    url = f"{server.url}/staff/spending/{d.id}/pay"

    statuses = all_at_once(2, lambda i: sessions[i].post(url, allow_redirects=False))

    assert all(code < 500 for code in statuses), statuses
    assert _rows(campaign.id) == {f"disbursement:{d.id}": 1}
    assert db.session.get(Campaign, campaign.id).spent_satang == 1_200_000
