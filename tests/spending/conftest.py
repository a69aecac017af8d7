"""Spending fixtures: a funded campaign with two budget lines, two staff, disbursements."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfWriter

from partnership.applications.models import ApplicationState
from partnership.campaigns.models import Campaign
from partnership.campaigns.services import create_campaign, launch
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.gifts.models import GiftMethod
from partnership.gifts.services import record_gift
from partnership.spending import services, suppliers
from partnership.spending.models import Disbursement
from tests.factories import (
    build_application,
    build_programme,
    english,  # noqa: F401  (autouse: pages in English)
)

#: 24 laptops at ฿15,000 and 24 bags at ฿500: a goal of ฿372,000.
LAPTOP = ("โน้ตบุ๊ก", 1_500_000, 24)
BAG = ("กระเป๋าโน้ตบุ๊ก", 50_000, 24)


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture()
def funded_campaign(app, make_school):
    """funded_campaign(raised=None, school=None): funded by an offline gift of its goal (or of
    ``raised`` satang on top of the goal when given: a bigger or smaller balance)."""

    def make(*, school=None, extra_satang: int = 0) -> Campaign:
        programme = build_programme(name_th="Notebook for Education")
        application = build_application(
            programme, school or make_school(), lines=(LAPTOP, BAG),
            state=ApplicationState.APPROVED, title="โน้ตบุ๊กเพื่อห้องเรียน",
        )  # fmt: skip
        db.session.add_all([programme, application])
        db.session.flush()
        now = utcnow()
        campaign = create_campaign(
            application, starts_at=now - timedelta(days=2), ends_at=now + timedelta(days=30),
            actor=None,
        )  # fmt: skip
        launch(campaign, None)
        record_gift(
            campaign,
            method=GiftMethod.BANK_TRANSFER,
            amount_satang=int(campaign.goal_satang) + extra_satang,
            received_on=date.today(),
            reference=f"T{campaign.id}",
            donor_name="มูลนิธิทดสอบ",
        )
        db.session.commit()
        db.session.expire_all()
        return db.session.get(Campaign, campaign.id)

    return make


@pytest.fixture()
def two_staff(make_user):
    return make_user(is_staff=True, name="เจ้าหน้าที่หนึ่ง"), make_user(is_staff=True, name="เจ้าหน้าที่สอง")


@pytest.fixture()
def make_disbursement(app, two_staff):
    """make_disbursement(campaign, state='approved', lines=[(line_index, qty, price)], ...)."""
    submitter, approver = two_staff

    def make(campaign, state="approved", lines=((0, 24, 1_500_000),), over_budget_reason=""):
        budget = campaign.budget_lines
        values = [services.LineValues(budget[i].id, q, p) for i, q, p in lines]
        key = suppliers.store_invoice(pdf_bytes(), "ใบกำกับภาษี.pdf")
        d = services.create_disbursement(
            campaign, paid_on=date.today(), payee=services.Payee(name="ร้านทดสอบ",
            tax_id="0105551234567"), lines=values, over_budget_reason=over_budget_reason,
            invoice=key, actor=submitter,
        )  # fmt: skip
        steps = ["submitted", "approved", "paid", "reversed"]
        if state in steps:
            for step in steps[: steps.index(state) + 1]:
                if step == "submitted":
                    services.submit(d, submitter)
                elif step == "approved":
                    services.approve(d, approver)
                elif step == "paid":
                    services.pay(d, approver)
                else:
                    services.reverse(d, approver, "ราคาผิด")
        db.session.commit()
        return db.session.get(Disbursement, d.id)

    return make
