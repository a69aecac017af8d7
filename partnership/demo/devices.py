"""The devices demo: the 24 laptops of the funded Notebook for Education campaign, followed from
the invoice to the classroom.

Built on the spending demo's paid laptop disbursement: without it this part makes nothing. 24
serials recorded from its laptop line; 23 confirmed by the school about 200 days ago on a signed
handover form (a generated image) with the school's asset numbers, one never arrived; the
6-month check-in answered with one laptop broken, the rest in use. Running it again changes
nothing (the line's devices are made once).
"""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw

from ..accounts.models import User
from ..campaigns.models import Campaign, CampaignBudgetLine
from ..db_types import utcnow
from ..devices.models import CheckInDue, Device, DeviceKind, DeviceState
from ..devices.services import (
    confirm_handover,
    record_check_in,
    record_devices,
    store_signed_form,
)
from ..extensions import db
from ..i18n import to_bangkok
from ..spending.models import Disbursement, DisbursementLine, DisbursementState
from .campaigns import NOTEBOOK

MODEL = "HP 240 G8"
SERIALS = [f"5CD1234A{n:02d}" for n in range(1, 25)]
#: The laptop that never arrived (listed for staff as not received).
MISSING = "5CD1234A17"
BROKEN = "5CD1234A09"
RECEIVED_DAYS_AGO = 200
RECEIVED_BY = "นางสาวจันทร์เพ็ญ ศรีสุข"  # invented: the school's procurement teacher
SCHOOL_ACCOUNT = "school@demo.example.org"


def laptop_line(campaign: Campaign) -> DisbursementLine | None:
    """The paid disbursement line that bought the campaign's laptops (the spending demo's)."""
    return db.session.scalar(
        sa.select(DisbursementLine)
        .join(Disbursement, Disbursement.id == DisbursementLine.disbursement_id)
        .join(CampaignBudgetLine, CampaignBudgetLine.id == DisbursementLine.budget_line_id)
        .where(
            Disbursement.campaign_id == campaign.id,
            Disbursement.state == DisbursementState.PAID,
            CampaignBudgetLine.item == NOTEBOOK[0],
        )
        .order_by(DisbursementLine.id)
        .limit(1)
    )


def signed_form_image() -> bytes:
    """A scan-like picture of a signed handover form (lines of a table and two signatures)."""
    image = Image.new("RGB", (850, 1100), "white")
    draw = ImageDraw.Draw(image)
    draw.text((60, 50), "HANDOVER OF EQUIPMENT / BAN NON SAWAN SCHOOL", fill="black")
    draw.text((60, 80), f"{len(SERIALS) - 1} x {MODEL}", fill="black")
    for row in range(26):
        y = 130 + row * 30
        draw.line((60, y, 790, y), fill=(120, 120, 120), width=1)
    for x in (60, 120, 420, 790):
        draw.line((x, 130, x, 880), fill=(120, 120, 120), width=1)
    for n, serial in enumerate(s for s in SERIALS if s != MISSING):
        draw.text((75, 138 + n * 30), str(n + 1), fill="black")
        draw.text((130, 138 + n * 30), serial, fill="black")
    for x in (120, 500):
        draw.line((x, 1000, x + 220, 1000), fill="black", width=1)
        draw.arc((x + 20, 960, x + 200, 1010), 200, 340, fill=(20, 40, 140), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed_devices(campaign: Campaign) -> None:
    """The laptops of the campaign, once; nothing when no laptop disbursement is paid."""
    line = laptop_line(campaign)
    if line is None:
        return
    exists = db.session.scalar(
        sa.select(Device.id).where(Device.disbursement_line_id == line.id).limit(1)
    )
    if exists is not None:
        return
    staff = db.session.scalar(sa.select(User).where(User.is_staff).order_by(User.id))
    school_user = db.session.scalar(sa.select(User).where(User.email == SCHOOL_ACCOUNT))
    serials = SERIALS[: line.quantity]
    devices = record_devices(
        line, kind=DeviceKind.LAPTOP, model=MODEL, serials=serials, actor=staff
    )
    arrived = [d for d in devices if d.serial != MISSING]
    received_on = to_bangkok(utcnow()).date() - timedelta(days=RECEIVED_DAYS_AGO)
    handover = confirm_handover(
        campaign,
        devices=arrived,
        received_on=received_on,
        received_by_name=RECEIVED_BY,
        asset_numbers={d.id: f"7440-001-0001/{n:02d}" for n, d in enumerate(arrived, 1)},
        signed_form=store_signed_form(signed_form_image(), "ใบตรวจรับพัสดุ.png"),
        actor=school_user,
    )
    six_months = db.session.scalar(
        sa.select(CheckInDue).where(CheckInDue.handover_id == handover.id, CheckInDue.months == 6)
    )
    if school_user is None:
        return
    answers = {
        d.id: (
            (DeviceState.BROKEN, "จอแตกจากการตกโต๊ะ ส่งซ่อมตามประกันแล้ว")
            if d.serial == BROKEN
            else (DeviceState.IN_USE, "")
        )
        for d in arrived
    }
    record_check_in(six_months, answers=answers, actor=school_user)
