"""The e-Donation file: one row per receipt whose donor asked for a tax receipt.

The Revenue Department's e-Donation system takes, for each gift, the donor's 13-digit tax id
and name, the date, the amount and whether it was money or property; we add the receipt number
(the reference staff and donors quote) and the address given on the form. Every cell goes
through ``core.spreadsheet``'s escape; each download is recorded in ``tax_exports``.
"""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from ..accounts.models import User
from ..core.spreadsheet import spreadsheet_cell
from ..extensions import db
from ..i18n import BUDDHIST_ERA_OFFSET, to_bangkok
from ..money import satang_to_input
from ..payments.models import Donation
from ..payments.tax import DonationTaxInfo
from .models import Receipt, TaxExport

HEADERS = [
    "receipt_number",
    "donation_date",
    "donor_tax_id",
    "donor_name",
    "donor_address",
    "donation_type",
    "amount_baht",
    "campaign",
]


def receipt_years() -> list[int]:
    """Buddhist-Era years that have receipts, newest first."""
    return list(
        db.session.scalars(sa.select(Receipt.year).distinct().order_by(Receipt.year.desc()))
    )


def e_donation_rows(year: int) -> list[list]:
    """The year's receipts with tax details, in number order; refunded money is left out (a
    fully refunded gift has no row)."""
    query = (
        sa.select(Receipt, Donation, DonationTaxInfo)
        .join(Donation, Donation.id == Receipt.donation_id)
        .join(DonationTaxInfo, DonationTaxInfo.donation_id == Donation.id)
        .where(Receipt.year == year, Receipt.cancelled_at.is_(None))
        .order_by(Receipt.number)
    )
    rows = []
    for receipt, donation, tax in db.session.execute(query):
        kept = donation.amount_satang - donation.refunded_satang - donation.disputed_satang
        if kept <= 0:
            continue
        paid = to_bangkok(donation.paid_at)
        rows.append(
            [
                receipt.label,
                f"{paid.day:02d}/{paid.month:02d}/{paid.year + BUDDHIST_ERA_OFFSET}",
                tax.tax_id(),
                tax.full_name,
                tax.address,
                "เงินสด",  # money, not property
                satang_to_input(kept),
                donation.campaign.title,
            ]
        )
    return rows


def export_e_donation(year: int, actor: User) -> str:
    """The CSV (UTF-8 with BOM, for Excel) of ``year``, recorded as exported by ``actor``."""
    rows = e_donation_rows(year)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    db.session.add(TaxExport(exported_by_id=actor.id, year=year, row_count=len(rows)))
    db.session.flush()
    return "\ufeff" + out.getvalue()


def export_history():
    return (
        sa.select(TaxExport)
        .options(sa.orm.joinedload(TaxExport.exported_by))
        .order_by(TaxExport.id.desc())
    )
