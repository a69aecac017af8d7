"""The demo's money out: on the funded laptop campaign, a supplier, 24 laptops paid, reversed
(the invoice had the wrong unit price) and entered again correctly, and 24 bags paid.

staff@demo.example.org records and sends each one; finance@demo.example.org approves and pays
(four eyes). Idempotent: a campaign that has disbursements is left as it is.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..accounts.services import find_user
from ..campaigns.models import Campaign
from ..extensions import db
from ..i18n import BANGKOK
from ..money import line_total_satang
from ..registry.models import Organisation, OrganisationKind, Sector
from ..spending import services, suppliers
from ..spending.models import Disbursement
from .campaigns import BAG, NOTEBOOK

VENDOR = "บริษัท ไอทีเพื่อการศึกษา จำกัด"
VENDOR_EN = "IT for Education Co., Ltd."
#: An invented tax id (13 digits with a valid check digit).
VENDOR_TAX_ID = "0105561001239"
#: The typing mistake on the first invoice: ฿500 too little a laptop.
WRONG_PRICE = NOTEBOOK[1] - 50_000
REVERSAL_REASON = "ราคาต่อหน่วยในใบกำกับภาษีผิด (ใบกำกับฉบับแก้ไขออกใหม่แล้ว)"


def invoice_pdf(number: str, lines: list[tuple[str, int, int]]) -> bytes:
    """A one-page invoice (Latin text in Helvetica: the demo's stand-in for the scan)."""
    rows = [f"TAX INVOICE {number}", VENDOR_EN, f"Tax id {VENDOR_TAX_ID}", ""]
    total = 0
    for item, quantity, price in lines:
        line_total = line_total_satang(price, quantity)
        total += line_total
        rows.append(f"{item}  {quantity} x {price / 100:,.2f} = {line_total / 100:,.2f} THB")
    rows += ["", f"Total {total / 100:,.2f} THB"]
    text = "".join(f"({row}) Tj 0 -18 Td " for row in rows)
    stream = f"BT /F1 12 Tf 60 780 Td {text}ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number_, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number_ + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _vendor() -> Organisation:
    vendor = db.session.scalar(sa.select(Organisation).where(Organisation.name == VENDOR))
    if vendor is None:
        vendor = Organisation(
            name=VENDOR,
            name_en=VENDOR_EN,
            kind=OrganisationKind.VENDOR,
            sector=Sector.PRIVATE,
            tax_id=VENDOR_TAX_ID,
        )
        db.session.add(vendor)
        db.session.flush()
    return vendor


def seed_spending(campaign: Campaign) -> None:
    """Two disbursements of the funded laptop campaign (one reversed and entered again)."""
    staff = find_user("staff@demo.example.org")
    finance = find_user("finance@demo.example.org")
    if staff is None or finance is None:
        return
    exists = sa.select(Disbursement.id).where(Disbursement.campaign_id == campaign.id)
    if db.session.scalar(exists) is not None:
        return
    vendor = _vendor()
    laptops, bags = campaign.budget_lines[0], campaign.budget_lines[1]
    funded_on = campaign.funded_at.astimezone(BANGKOK).date()
    payee = services.Payee(organisation_id=vendor.id)

    def record(number, line, label, price, days):
        invoice = suppliers.store_invoice(
            invoice_pdf(number, [(label, line.quantity, price)]), f"{number}.pdf"
        )
        d = services.create_disbursement(
            campaign,
            paid_on=funded_on + timedelta(days=days),
            payee=payee,
            lines=[services.LineValues(line.id, line.quantity, price)],
            invoice=invoice,
            actor=staff,
        )
        services.submit(d, staff)
        services.approve(d, finance, "ตรวจใบกำกับภาษีแล้ว")
        services.pay(d, finance)
        return d

    first = record("IV2563-0142", laptops, "Notebook computer", WRONG_PRICE, 14)
    services.reverse(first, finance, REVERSAL_REASON)
    again = services.enter_again(first, staff)
    corrected = suppliers.store_invoice(
        invoice_pdf("IV2563-0142R", [("Notebook computer", laptops.quantity, NOTEBOOK[1])]),
        "IV2563-0142R.pdf",
    )
    services.update_draft(
        again,
        paid_on=funded_on + timedelta(days=21),
        payee=payee,
        lines=[services.LineValues(laptops.id, laptops.quantity, NOTEBOOK[1])],
        invoice=corrected,
        actor=staff,
    )
    services.submit(again, staff)
    services.approve(again, finance, "ราคาตรงกับใบเสนอราคา")
    services.pay(again, finance)
    record("IV2563-0143", bags, "Notebook bag", BAG[1], 21)
    db.session.flush()
