"""Receipts for the demo's paid gifts, and a few demo donors who asked for a tax receipt.

Paid gifts seeded by ``demo.campaigns`` wait for their numbers (``receipts.claims``): this
numbers them, and also any paid gift still without one (a database seeded before receipts
existed). The donors' ids are invented (obvious patterns with a valid check digit). Their
e-Donation records stand in different states: one due, one recorded, one to amend (part of it
refunded after it was recorded), one to cancel (refunded in full). Running it again changes
nothing.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db
from ..i18n import to_bangkok
from ..payments.donations import note_refund
from ..payments.models import PAID_STATES, Donation, DonationTaxInfo
from ..payments.tax import record_tax_info
from ..receipts.claims import claim_receipts, thank_numbered
from ..receipts.edonation import follow_money, mark, open_record
from ..receipts.models import EDonationEvent, EDonationRecord, EDonationState, Receipt
from ..receipts.numbering import assign_receipt, follow_returned_money

#: The demo donor with a tax receipt (invented person, invented id).
TAX_DONOR = {
    "full_name": "นางสาววราภรณ์ ศรีสุข",
    "address": "88/8 หมู่ 8 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
    "tax_id": "1234567890121",
}


def seed_receipts() -> None:
    """Number every paid demo gift that has no receipt; give one donor tax details."""
    claim_receipts(batch=100_000)  # those paid just now, in paid order
    thank_numbered(batch=100_000)
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
    donor = _demo_gift("คุณวราภรณ์ ศรีสุข")
    if donor is not None:
        record_tax_info(donor, **TAX_DONOR)
        open_record(donor, "demo")  # due
    _seed_edonation_states()


#: More invented donors with tax details: (the gift's donor name, tax details).
RECORDED_DONOR = (
    "บริษัทตัวอย่าง จำกัด",
    {
        "full_name": "บริษัท ตัวอย่าง จำกัด",
        "address": "1 ถนนตัวอย่าง แขวงสีลม เขตบางรัก กรุงเทพมหานคร 10500",
        "tax_id": "0105550012340",
    },
)
AMEND_DONOR = (
    "คุณธนพล แก้วมณี",
    {
        "full_name": "นายธนพล แก้วมณี",
        "address": "5 หมู่ 2 ตำบลบ้านเป็ด อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "tax_id": "3100100345674",
    },
)
CANCEL_DONOR = (
    "คุณปวีณา ทองดี",
    {
        "full_name": "นางสาวปวีณา ทองดี",
        "address": "17 ถนนศรีจันทร์ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "tax_id": "1100200456781",
    },
)


def _demo_gift(name: str) -> Donation | None:
    return db.session.scalar(
        sa.select(Donation)
        .where(Donation.token.like("demo-%"), Donation.donor_name == name)
        .order_by(Donation.id)
        .limit(1)
    )


def _seed_edonation_states() -> None:
    """A recorded gift, one partly refunded after it was recorded, one refunded in full."""
    staff = db.session.scalar(sa.select(User).where(User.is_staff).order_by(User.id).limit(1))
    if staff is None:
        return
    recorded, amend = _demo_gift(RECORDED_DONOR[0]), _demo_gift(AMEND_DONOR[0])
    if recorded is not None:
        record_tax_info(recorded, **RECORDED_DONOR[1])
        mark(open_record(recorded, "demo"), EDonationState.RECORDED, actor=staff,
             reference="EDN-DEMO-0001")  # fmt: skip
    if amend is not None and amend.refunded_satang == 0:
        record_tax_info(amend, **AMEND_DONOR[1])
        mark(open_record(amend, "demo"), EDonationState.RECORDED, actor=staff,
             reference="EDN-DEMO-0002")  # fmt: skip
        refund = {"id": f"re_demo_part_{amend.id}", "amount": 20_000, "status": "succeeded"}
        note_refund(amend, refund, f"demo:{amend.token}:refund")  # ฿200 back: to amend
    cancel = _demo_gift(CANCEL_DONOR[0])
    if cancel is not None and cancel.refunded_satang == cancel.amount_satang:
        # Refunded in full by demo.campaigns; its record is as if it was entered before.
        record_tax_info(cancel, **CANCEL_DONOR[1])
        record = EDonationRecord(
            donation_id=cancel.id,
            state=EDonationState.RECORDED,
            gift_on=_gift_day(cancel),
            opened_on=_gift_day(cancel),
            due_on=_gift_day(cancel),
            recorded_satang=cancel.amount_satang,
            rd_reference="EDN-DEMO-0003",
            recorded_at=utcnow(),
            recorded_by_id=staff.id,
        )
        db.session.add(record)
        db.session.flush()
        for before, after in ((None, EDonationState.DUE), (EDonationState.DUE, record.state)):
            db.session.add(
                EDonationEvent(
                    record_id=record.id,
                    from_state=before,
                    to_state=after,
                    actor_id=staff.id if before else None,
                    rd_reference=record.rd_reference if before else "",
                    kept_satang=cancel.amount_satang,
                    source="demo",
                )
            )
        follow_money(cancel, "demo")  # to cancel
    db.session.flush()


def _gift_day(donation: Donation) -> date:
    return to_bangkok(donation.paid_at).date()
