"""Staff export the donors' tax details for e-Donation; every export is recorded; nobody else."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.receipts.models import TaxExport
from partnership.receipts.numbering import receipt_for

from .conftest import GOOD_ID, TAX_FIELDS

ROLES = ("anonymous", "donor", "school", "sponsor", "staff")


def sign_in(login_as, role):
    return None if role == "anonymous" else login_as(role)


def exports() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(TaxExport.id)))


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_see_export_and_download(paid, client, login_as, role):
    donation, _ = paid(**TAX_FIELDS)
    year = receipt_for(donation.id).year
    sign_in(login_as, role)
    page = client.get("/staff/receipts")
    download = client.post("/staff/receipts", data={"year": str(year)})
    pdf = client.get(f"/staff/receipts/donations/{donation.id}.pdf")
    if role == "staff":
        assert (page.status_code, download.status_code, pdf.status_code) == (200, 200, 200)
        assert GOOD_ID in download.text
        assert exports() == 1
    else:
        expected = 302 if role == "anonymous" else 403
        assert {page.status_code, download.status_code, pdf.status_code} == {expected}
        assert GOOD_ID not in download.text
        assert exports() == 0


def test_the_export_holds_what_e_donation_needs_and_is_recorded(
    paid, hooked, client, login_as, make_campaign
):
    campaign = make_campaign()
    taxed, _ = paid(campaign, custom_amount="1234.50", **TAX_FIELDS)
    paid(campaign, custom_amount="300")  # no tax receipt asked: not exported
    refunded, session_id = paid(campaign, custom_amount="800", **TAX_FIELDS)
    hooked.refund(session_id)  # refunded in full: nothing to deduct
    partly, session_id = paid(campaign, custom_amount="1000", **TAX_FIELDS)
    hooked.refund(session_id, amount=25_000)
    staff = login_as("staff")
    year = receipt_for(taxed.id).year
    response = client.post("/staff/receipts", data={"year": str(year)})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "no-store" in response.headers["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert [r["receipt_number"] for r in rows] == [
        receipt_for(taxed.id).label,
        receipt_for(partly.id).label,
    ]
    first = rows[0]
    assert first["donor_tax_id"] == GOOD_ID
    assert first["donor_name"] == TAX_FIELDS["tax_full_name"]
    assert first["donor_address"] == TAX_FIELDS["tax_address"]
    assert first["amount_baht"] == "1234.50"
    assert first["donation_type"] == "เงินสด"
    assert first["donation_date"].endswith(f"/{year}")
    assert rows[1]["amount_baht"] == "750.00"
    [record] = db.session.scalars(sa.select(TaxExport)).all()
    assert (record.exported_by_id, record.year, record.row_count) == (staff.id, year, 2)
    page = client.get("/staff/receipts")
    assert 'id="tax-exports"' in page.text and staff.name in page.text


def test_export_cells_cannot_run_as_formulas(paid, client, login_as):
    donation, _ = paid(**(TAX_FIELDS | {"tax_full_name": '=HYPERLINK("http://x")'}))
    login_as("staff")
    response = client.post("/staff/receipts", data={"year": str(receipt_for(donation.id).year)})
    assert "'=HYPERLINK" in response.text


@pytest.mark.parametrize("year", ["", "abc", "2400", "99999999999999"])
def test_a_year_without_receipts_is_a_form_error(paid, client, login_as, year):
    paid(**TAX_FIELDS)
    login_as("staff")
    response = client.post("/staff/receipts", data={"year": year})
    assert response.status_code == 422
    assert exports() == 0
