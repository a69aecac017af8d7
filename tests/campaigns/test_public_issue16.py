"""Issue 16 on the public campaign pages: last days shown as such (item 5), the ledger keeps
"don't show my amount" (item 6), the list puts campaigns still needing money first (item 11)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from partnership.campaigns.forms import bangkok_day_start
from partnership.campaigns.models import Campaign
from partnership.extensions import db
from partnership.i18n import format_last_day
from partnership.ledger.models import LedgerEntry, LedgerKind
from tests.crowd import counted_queries


def in_thai(client):
    with client.session_transaction() as session:
        session["locale"] = "th"


# Item 5 -------------------------------------------------------------------------------------


def test_a_last_day_is_shown_as_that_day_not_the_midnight_after_it(app):
    with app.test_request_context():
        # A pledge whose last day is 11 January ends at 00:00 on the 12th, Bangkok time.
        assert format_last_day(bangkok_day_start(date(2027, 1, 12)), "th") == "11 ม.ค. 2570"
        assert format_last_day(bangkok_day_start(date(2027, 2, 1)), "en") == "31 Jan 2027"


def test_the_campaign_page_says_until_the_end_of_its_last_day(client, make_campaign, login_as):
    campaign = make_campaign(title="Last day")
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(ends_at=bangkok_day_start(date(2027, 2, 1)))  # last day 31 January 2027
    )
    db.session.commit()
    english = client.get(f"/campaigns/{campaign.id}").text
    assert "until the end of 31 Jan 2027" in english and "1 Feb 2027" not in english
    in_thai(client)
    thai = client.get(f"/campaigns/{campaign.id}").text
    assert "ถึงสิ้นวันที่ 31 ม.ค. 2570" in thai and "1 ก.พ. 2570" not in thai
    login_as("staff")
    in_thai(client)
    staff = client.get("/staff/campaigns/").text
    assert "31 ม.ค. 2570" in staff and "1 ก.พ. 2570" not in staff


def test_a_pledge_shows_its_last_day(client, make_campaign, make_pledge, login_as):
    pledge = make_pledge(make_campaign())
    db.session.execute(
        sa.text("UPDATE match_pledges SET ends_at = :end WHERE id = :id"),
        {"end": bangkok_day_start(date(2027, 1, 12)), "id": pledge.id},
    )
    db.session.commit()
    login_as("staff")
    html = client.get("/staff/matching").text
    assert "until the end of 11 Jan 2027" in html and "12 Jan 2027" not in html


# Item 6 -------------------------------------------------------------------------------------


@pytest.fixture()
def private_gifts(make_campaign, give, hooked, stripe_app):
    """A public gift (Mali), a gift whose donor hid the amount (Somsak), and a refunded one
    (Wichai), through the form and Stripe's webhooks."""
    campaign = make_campaign(title="Ledger privacy")
    public = give(campaign, custom_amount="200", donor_name="Mali")[1]
    hidden = give(campaign, custom_amount="700", donor_name="Somsak", show_amount="")[1]
    refunded = give(campaign, custom_amount="3000", donor_name="Wichai")[1]
    for session_id in (public, hidden, refunded):
        hooked.pay(session_id)
    hooked.refund(refunded, amount=300_000)
    return campaign


def _ledger(client, campaign):
    html = client.get(f"/campaigns/{campaign.id}/ledger").text
    body = client.get(f"/campaigns/{campaign.id}/ledger.csv").get_data(as_text=True)
    return html, list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_the_ledger_names_no_donor_who_hid_their_amount_and_nobody_on_a_refund(
    client, private_gifts
):
    html, rows = _ledger(client, private_gifts)
    assert "Mali" in html and "Somsak" not in html and "฿700.00" in html
    assert "Wichai" in html  # his gift was public when it came ...
    refund = [row for row in rows[1:] if row[2] == "Refund"]
    assert refund and refund[0][3] == "Anonymous donor"  # ... its refund names nobody
    assert all("Somsak" not in row for row in rows)
    assert [row[5] for row in rows[1:]] == ["200.00", "700.00", "3000.00", "-3000.00"]


def test_rows_written_before_the_fix_show_no_name_either(client, private_gifts):
    """Older refund rows stored the donor's name: the page decides at render time."""
    db.session.execute(
        sa.update(LedgerEntry)
        .where(LedgerEntry.kind == LedgerKind.REFUND)
        .values(public_label="Wichai")
    )
    db.session.commit()
    html, rows = _ledger(client, private_gifts)
    refund_row = html[html.index("Refund") :]
    assert "Wichai" not in refund_row[: refund_row.index("</tr>")]
    assert [row[3] for row in rows[1:] if row[2] == "Refund"] == ["Anonymous donor"]


# Item 11 ------------------------------------------------------------------------------------


def test_the_default_order_puts_campaigns_still_needing_money_first(client, make_campaign):
    funded = make_campaign(title="Already funded", state="funded", days=2)
    needing = make_campaign(title="Still needs money", days=20)
    ended = make_campaign(title="Ended early", state="ended", days=1)
    html = client.get("/campaigns").text
    assert html.index(needing.title) < html.index(funded.title) < html.index(ended.title)
    # The other orders are as they were; the list's query count does not depend on the order.
    with counted_queries() as default:
        client.get("/campaigns?page=1")
    with counted_queries() as newest:
        client.get("/campaigns?sort=newest")
    assert len(default) == len(newest)


def test_the_filters_fold_away_unless_a_filter_is_in_use(client, make_campaign):
    make_campaign()
    plain = client.get("/campaigns").text
    assert '<details class="filters-fold" id="campaign-filters">' in plain
    searched = client.get("/campaigns?q=abc").text
    assert '<details class="filters-fold" id="campaign-filters" open>' in searched


def test_the_migration_blanks_only_the_names_older_rows_should_not_show(app, private_gifts):
    """Revision 0016 (run down one step and up again on this database): the labels of a hidden
    amount's gift and of refunds are blanked, as rows written before the fix held them; the
    public gift keeps its name and every amount stays."""
    from flask_migrate import downgrade, upgrade

    db.session.execute(
        sa.update(LedgerEntry)
        .where(LedgerEntry.kind == LedgerKind.REFUND)
        .values(public_label="Wichai")
    )
    db.session.execute(
        sa.update(LedgerEntry)
        .where(LedgerEntry.amount_satang == 70_000)
        .values(public_label="Somsak")
    )
    db.session.commit()
    before = db.session.execute(
        sa.select(LedgerEntry.id, LedgerEntry.amount_satang).order_by(LedgerEntry.id)
    ).all()
    db.session.close()
    downgrade(revision="0016_ui_public-1")
    upgrade()
    rows = db.session.execute(
        sa.select(LedgerEntry.id, LedgerEntry.amount_satang, LedgerEntry.public_label).order_by(
            LedgerEntry.id
        )
    ).all()
    assert [(r.id, r.amount_satang) for r in rows] == [tuple(r) for r in before]
    assert [r.public_label for r in rows] == ["Mali", "", "Wichai", ""]
