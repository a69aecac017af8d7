"""The ledger: verify proves the counters, the public page and CSV add up to the totals."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign
from partnership.extensions import db
from partnership.ledger.models import LedgerEntry
from tests.factories import english  # noqa: F401  (autouse: pages in English)

pytestmark = pytest.mark.usefixtures("stripe_app")


@pytest.fixture()
def funded(make_campaign, give, hooked):
    """A campaign with three gifts (฿500, ฿300 anonymous, ฿200) and a ฿100 partial refund."""
    campaign = make_campaign(title="Laptops for Ban Nong Bua")
    sessions = [
        give(campaign)[1],
        give(campaign, custom_amount="300", anonymous="y", donor_name="")[1],
        give(campaign, custom_amount="200", donor_name="Mali")[1],
    ]
    for session_id in sessions:
        hooked.pay(session_id)
    hooked.refund(sessions[0], amount=10_000)
    db.session.expire_all()
    return db.session.get(Campaign, campaign.id)


def test_verify_passes_then_names_the_campaign_that_differs(app, funded):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["ledger", "verify"])
    assert ok.exit_code == 0, ok.output
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == funded.id)
        .values(raised_satang=Campaign.raised_satang + 1, online_satang=Campaign.online_satang + 1)
    )
    db.session.commit()
    broken = runner.invoke(args=["ledger", "verify"])
    assert broken.exit_code == 1
    assert f"campaign {funded.id} (Laptops for Ban Nong Bua)" in broken.output


def test_ledger_rows_cannot_break_their_rules(app, funded):
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.insert(LedgerEntry).values(
                campaign_id=funded.id,
                amount_satang=-5,
                kind="donation_paid",
                source="x",
                public_label="",
            )
        )
    db.session.rollback()
    first = db.session.scalar(sa.select(LedgerEntry))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.insert(LedgerEntry).values(
                campaign_id=funded.id,
                amount_satang=5,
                kind="donation_paid",
                source=first.source,
                public_label="",
            )
        )
    db.session.rollback()


def test_public_ledger_page_has_a_running_balance_equal_to_the_total(client, funded):
    assert funded.raised_satang == 90_000
    html = client.get(f"/campaigns/{funded.id}/ledger").get_data(as_text=True)
    assert "฿500.00" in html and "฿800.00" in html and "฿1,000.00" in html and "฿900.00" in html
    assert "-฿100.00" in html and "Anonymous donor" in html and "Mali" in html


def test_ledger_csv_sums_to_the_displayed_total(client, funded):
    response = client.get(f"/campaigns/{funded.id}/ledger.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    amounts = [Decimal(row[5]) for row in rows[1:]]  # "In": no money went out
    assert all(row[6] == "" for row in rows[1:])
    assert sum(amounts) == Decimal("900.00") == Decimal(rows[-1][7])
    assert len(rows) == 5
