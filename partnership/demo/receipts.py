"""Receipts for the demo's paid gifts, and one demo donor who asked for a tax receipt.

Paid gifts seeded by ``demo.campaigns`` get their numbers from the payment signal already;
this also numbers any paid gift still without one (a database seeded before receipts
existed). The donor's id is invented (an obvious 1-2345-67890-12-1 pattern with a valid check
digit). Running it again changes nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..payments.models import PAID_STATES, Donation
from ..payments.tax import DonationTaxInfo, record_tax_info
from ..receipts.models import Receipt
from ..receipts.numbering import assign_receipt, follow_returned_money

#: The demo donor with a tax receipt (invented person, invented id).
TAX_DONOR = {
    "full_name": "นางสาววราภรณ์ ศรีสุข",
    "address": "88/8 หมู่ 8 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
    "tax_id": "1234567890121",
}


def seed_receipts() -> None:
    """Number every paid demo gift that has no receipt; give one donor tax details."""
    unnumbered = db.session.scalars(
        sa.select(Donation)
        .outerjoin(Receipt, Receipt.donation_id == Donation.id)
        .where(Donation.state.in_(PAID_STATES), Receipt.id.is_(None))
        .order_by(Donation.paid_at, Donation.id)
    ).all()
    for donation in unnumbered:
        assign_receipt(donation)
        follow_returned_money(donation)  # a refunded demo gift: cancelled, or replaced
    if db.session.scalar(sa.select(DonationTaxInfo.id).limit(1)) is not None:
        return
    donor = db.session.scalar(
        sa.select(Donation)
        .where(Donation.token.like("demo-%"), Donation.donor_name == "คุณวราภรณ์ ศรีสุข")
        .order_by(Donation.id)
        .limit(1)
    )
    if donor is not None:
        record_tax_info(donor, **TAX_DONOR)
