"""The e-Donation files: the monthly worklist's file, and a year's receipts with tax details.

The monthly file lists the e-Donation records staff still have to enter, amend or cancel for
one month, in the columns ``EDONATION_COLUMNS`` names (keys of ``EDONATION_COLUMN_KEYS``): the
Revenue Department's template may split the name and use Buddhist-Era dates. Until
``EDONATION_MAPPING_CHECKED`` says the columns were checked against that template, the file's
first row and its name say it is a worksheet.

The year's file has one row per receipt whose donor asked for a tax receipt.

The Revenue Department's e-Donation system takes, for each gift, the donor's 13-digit tax id
and name, the date, the amount and whether it was money or property; we add the receipt number
(the reference staff and donors quote) and the address given on the form. Both files are
written by ``core.exports`` (formulas escaped, money exact from satang); each download is
recorded in ``tax_exports``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import User
from ..core.exports import Column, Kind, cells, csv_text
from ..extensions import db
from ..i18n import BUDDHIST_ERA_OFFSET, to_bangkok
from ..payments.models import Donation, DonationTaxInfo
from .edonation import kept_satang, month_bounds
from .models import EDONATION_OPEN_STATES, EDonationRecord, EDonationState, Receipt, TaxExport


def receipt_years() -> list[int]:
    """Buddhist-Era years that have receipts, newest first."""
    return list(
        db.session.scalars(sa.select(Receipt.year).distinct().order_by(Receipt.year.desc()))
    )


def _be_day(moment) -> str:
    day = to_bangkok(moment)
    return f"{day.day:02d}/{day.month:02d}/{day.year + BUDDHIST_ERA_OFFSET}"


#: The year's file: one row per (receipt, donation, tax details, satang kept). The headers are
#: the file's fixed field names, not words for a reader, so they are not translated.
YEAR_COLUMNS = [
    Column("receipt_number", lambda line: line[0].label),
    Column("donation_date", lambda line: _be_day(line[1].paid_at)),
    Column("donor_tax_id", lambda line: line[2].tax_id()),
    Column("donor_name", lambda line: line[2].full_name),
    Column("donor_address", lambda line: line[2].address),
    Column("donation_type", lambda line: "เงินสด"),  # money, not property
    Column("amount_baht", lambda line: line[3], Kind.MONEY),
    Column("campaign", lambda line: line[1].campaign.title),
]


def e_donation_lines(year: int) -> list[tuple]:
    """The year's receipts with tax details, in number order, with the satang kept; refunded
    money is left out (a fully refunded gift has no row)."""
    query = (
        sa.select(Receipt, Donation, DonationTaxInfo)
        .join(Donation, Donation.id == Receipt.donation_id)
        .join(DonationTaxInfo, DonationTaxInfo.donation_id == Donation.id)
        .where(Receipt.year == year, Receipt.cancelled_at.is_(None))
        .order_by(Receipt.number)
    )
    lines = []
    for receipt, donation, tax in db.session.execute(query):
        kept = donation.amount_satang - donation.refunded_satang - donation.disputed_satang
        if kept > 0:
            lines.append((receipt, donation, tax, kept))
    return lines


def e_donation_rows(year: int) -> list[list]:
    """The year's file as cells (the amount an exact Decimal of baht)."""
    return [cells(YEAR_COLUMNS, line) for line in e_donation_lines(year)]


def export_e_donation(year: int, actor: User) -> str:
    """The CSV (UTF-8 with BOM, for Excel) of ``year``, recorded as exported by ``actor``."""
    lines = e_donation_lines(year)
    body = csv_text(YEAR_COLUMNS, lines)
    db.session.add(TaxExport(exported_by_id=actor.id, year=year, row_count=len(lines)))
    db.session.flush()
    return body


def export_history():
    return (
        sa.select(TaxExport)
        .options(sa.orm.joinedload(TaxExport.exported_by))
        .order_by(TaxExport.id.desc())
    )


#: Titles a Thai name may start with, longest first (นางสาว before นาง).
NAME_TITLES = (
    "นางสาว", "เด็กหญิง", "เด็กชาย", "นาง", "นาย", "น.ส.", "ด.ญ.", "ด.ช.", "ดร.",
    "Mrs.", "Miss", "Mr.", "Ms.", "Dr.",
)  # fmt: skip


def split_name(full_name: str) -> tuple[str, str, str]:
    """(title, first name, surname) of a name as the donor wrote it: a known title at the start,
    then the first word, then the rest ("นายสมชาย ใจดี" -> นาย, สมชาย, ใจดี)."""
    rest = " ".join(full_name.split())
    title = ""
    for candidate in NAME_TITLES:
        if rest.startswith(candidate) and len(rest) > len(candidate):
            title, rest = candidate, rest[len(candidate) :].lstrip()
            break
    first, _, surname = rest.partition(" ")
    return title, first, surname


def date_be(day: date | None) -> str:
    """dd/mm/yyyy in the Buddhist Era (31/12/2569)."""
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year + BUDDHIST_ERA_OFFSET}"


#: What each row of the monthly file asks the Revenue Department to do.
ACTIONS = {
    EDonationState.DUE: "new",
    EDonationState.TO_AMEND: "amend",
    EDonationState.TO_CANCEL: "cancel",
}


@dataclass
class EDonationLine:
    """One record of the monthly file, with what its columns are read from."""

    record: EDonationRecord
    tax: DonationTaxInfo | None
    receipt: Receipt | None

    @property
    def amount_satang(self) -> int:
        """What the e-Donation record must hold; a cancellation names the amount it cancels."""
        if self.record.state == EDonationState.TO_CANCEL:
            return self.record.recorded_satang or 0
        return kept_satang(self.record.donation)

    def name_part(self, index: int) -> str:
        return split_name(self.tax.full_name)[index] if self.tax else ""


#: The fixed vocabulary of EDONATION_COLUMNS: key -> the cell of a line.
EDONATION_COLUMN_KEYS: dict[str, Callable[[EDonationLine], str | int]] = {
    "tax_id": lambda line: line.tax.tax_id() if line.tax else "",
    "title": lambda line: line.name_part(0),
    "first_name": lambda line: line.name_part(1),
    "surname": lambda line: line.name_part(2),
    "full_name": lambda line: line.tax.full_name if line.tax else "",
    "address": lambda line: line.tax.address if line.tax else "",
    "amount_baht": lambda line: line.amount_satang,
    "date_be": lambda line: date_be(line.record.gift_on),
    "date_iso": lambda line: line.record.gift_on.isoformat(),
    "receipt_no": lambda line: line.receipt.label if line.receipt else "",
    "reference": lambda line: line.record.rd_reference,
    "action": lambda line: ACTIONS.get(line.record.state, ""),
    "donation_type": lambda line: "เงินสด",  # money, not property
    "campaign": lambda line: line.record.donation.campaign.title,
    "deadline_be": lambda line: date_be(line.record.due_on),
}

#: Columns that are not text (the rest are).
EDONATION_COLUMN_KINDS = {"amount_baht": Kind.MONEY}

WORKSHEET_TITLE = "worksheet — not checked against the Revenue Department's template"


def unknown_columns(keys) -> list[str]:
    """The keys of ``EDONATION_COLUMNS`` outside the vocabulary (the app refuses to start)."""
    return [key for key in keys if key not in EDONATION_COLUMN_KEYS]


def month_lines(year: int, month: int) -> list[EDonationLine]:
    """The month's records still to enter, amend or cancel: new ones first, then amendments,
    then cancellations, each by gift date."""
    first, after = month_bounds(year, month)
    query = (
        sa.select(EDonationRecord, DonationTaxInfo, Receipt)
        .join(Donation, Donation.id == EDonationRecord.donation_id)
        .outerjoin(DonationTaxInfo, DonationTaxInfo.donation_id == Donation.id)
        .outerjoin(Receipt, Receipt.donation_id == Donation.id)
        .where(
            EDonationRecord.opened_on >= first,
            EDonationRecord.opened_on < after,
            EDonationRecord.state.in_(EDONATION_OPEN_STATES),
        )
        .order_by(EDonationRecord.gift_on, EDonationRecord.id)
    )
    lines = [EDonationLine(*row) for row in db.session.execute(query)]
    order = list(ACTIONS)
    return sorted(lines, key=lambda line: order.index(line.record.state))


def month_filename(year: int, month: int) -> str:
    """e-donation-2569-12.csv, or e-donation-2569-12-worksheet.csv until the mapping is checked."""
    worksheet = "" if current_app.config["EDONATION_MAPPING_CHECKED"] else "-worksheet"
    return f"e-donation-{year + BUDDHIST_ERA_OFFSET}-{month:02d}{worksheet}.csv"


def export_month(year: int, month: int, actor: User) -> str:
    """The month's file (UTF-8 with BOM, for Excel) in the EDONATION_COLUMNS columns, recorded
    as exported by ``actor``; a worksheet title row first until the mapping is checked."""
    keys = current_app.config["EDONATION_COLUMNS"]
    columns = [
        Column(key, EDONATION_COLUMN_KEYS[key], EDONATION_COLUMN_KINDS.get(key, Kind.TEXT))
        for key in keys
    ]
    lines = month_lines(year, month)
    checked = current_app.config["EDONATION_MAPPING_CHECKED"]
    body = csv_text(columns, lines, preamble=[] if checked else [[WORKSHEET_TITLE]])
    db.session.add(
        TaxExport(
            exported_by_id=actor.id,
            year=year + BUDDHIST_ERA_OFFSET,
            month=month,
            row_count=len(lines),
        )
    )
    db.session.flush()
    return body
