"""Matching, offline and all-or-nothing demo data, written through the same rules as the app.

- Mitr Phol Group (the demo sponsor's company) pledges 1:1 up to ฿20,000 on the funded
  campaign (still taking gifts); two gifts after the pledge use half of it.
- Offline gifts on the live campaign: a bank transfer, a cheque, and cash voided as a duplicate.
- A fourth campaign, all-or-nothing, ended short of its goal: its online gifts were refunded
  (as ``flask campaigns close-due`` does, with Stripe's answers written as its webhooks would)
  and its cheque returned by hand.

Running it again changes nothing (the pledge's note marks that it ran).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ..applications.models import Application, ApplicationState, Beneficiaries, BudgetLine
from ..campaigns.models import Campaign, CampaignState, FundingRule
from ..campaigns.services import close_due, create_campaign
from ..campaigns.workflow import transition
from ..db_types import utcnow
from ..extensions import db
from ..gifts.models import GiftMethod, GiftState
from ..gifts.services import record_gift, reverse_gift
from ..i18n import BANGKOK
from ..matching.draws import release_campaign
from ..matching.models import MatchPledge, MatchScope, PledgeState
from ..matching.pledges import create_pledge, decide
from ..payments.donations import mark_paid, note_payment_ids, note_refund
from ..payments.models import Donation, RefundCause, RefundRequest
from ..programmes.models import Programme
from ..registry.models import GRADE_INDEX, NetworkStatus, Organisation, School
from .campaigns import NAME, NOTEBOOK

DEMO_NOTE = "ทุนสมทบสาธิต: บริษัทสมทบทุกบาทที่ผู้บริจาคให้ จนครบวงเงิน"
SPONSOR = "Mitr Phol Group"


def seed_matching() -> None:
    if db.session.scalar(sa.select(MatchPledge.id).where(MatchPledge.note == DEMO_NOTE)):
        return
    programme = db.session.scalar(sa.select(Programme).where(Programme.name_th == NAME))
    sponsor = db.session.scalar(sa.select(Organisation).where(Organisation.name_en == SPONSOR))
    live, funded = (
        db.session.scalar(
            sa.select(Campaign)
            .where(Campaign.programme_id == getattr(programme, "id", None))
            .where(Campaign.state == state)
            .order_by(Campaign.id)
        )
        for state in (CampaignState.LIVE, CampaignState.FUNDED)
    )
    if programme is None or sponsor is None or live is None or funded is None:
        return
    now = utcnow()
    pledge = create_pledge(
        sponsor,
        sponsor_part=1,
        donor_part=1,
        cap_satang=2_000_000,
        per_donation_cap_satang=1_000_000,
        scope=MatchScope.CAMPAIGN,
        target_id=funded.id,
        starts_at=now - timedelta(days=3),
        ends_at=funded.ends_at,
        counts_offline=False,
        note=DEMO_NOTE,
    )
    decide(pledge, PledgeState.APPROVED)
    for n, (name, baht) in enumerate((("คุณศิริพร บุญมา", 6_000), ("คุณณัฐวุฒิ ชัยวงศ์", 4_000))):
        _paid(funded, f"demo-match-{n}", name, baht * 100)
    today = now.astimezone(BANGKOK).date()
    record_gift(
        live,
        method=GiftMethod.BANK_TRANSFER,
        amount_satang=300_000,
        received_on=today - timedelta(days=2),
        reference="KBANK 0045 2211 9087",
        donor_name="ร้านเครื่องเขียนบ้านโคก",
    )
    record_gift(
        live,
        method=GiftMethod.CHEQUE,
        amount_satang=500_000,
        received_on=today - timedelta(days=1),
        reference="เช็คเลขที่ 10023455",
        donor_name="สมาคมผู้ปกครองและครู",
    )
    duplicate = record_gift(
        live,
        method=GiftMethod.CASH,
        amount_satang=100_000,
        received_on=today,
        reference="ใบรับเงิน 0017",
        donor_name="คุณยายบุญเรือน",
    )
    reverse_gift(duplicate, GiftState.VOIDED, reason="บันทึกซ้ำกับใบรับเงิน 0016")
    _failed_all_or_nothing(programme, now)
    db.session.flush()


def _paid(campaign: Campaign, token: str, name: str, amount_satang: int) -> Donation:
    donation = Donation(
        campaign_id=campaign.id,
        token=token,
        idempotency_key=token,
        amount_satang=amount_satang,
        donor_name=name,
        email=f"{token}@example.com",
    )
    db.session.add(donation)
    db.session.flush()
    note_payment_ids(donation, payment_intent=f"pi_{token.replace('-', '_')}")
    mark_paid(donation, f"demo:{token}")
    return donation


def _failed_all_or_nothing(programme: Programme, now: datetime) -> None:
    school = db.session.scalars(
        sa.select(School)
        .where(School.network_status == NetworkStatus.MEMBER)
        .order_by(School.code.desc())
        .offset(3)
        .limit(1)
    ).first()
    if school is None:
        return
    application = Application(
        programme=programme,
        school=school,
        title=f"โน้ตบุ๊กสำหรับห้องเรียนคอมพิวเตอร์ {school.name_th}",
        summary=f"โน้ตบุ๊ก 10 เครื่องสำหรับนักเรียนชั้น ป.4–6 ของ{school.name_th}",
        need="ห้องคอมพิวเตอร์มีเครื่องใช้งานได้เพียง 3 เครื่อง",
        state=ApplicationState.APPROVED,
        submitted_at=datetime(2020, 6, 22, 10, 0, tzinfo=BANGKOK),
        teachers_benefiting=1,
    )
    application.budget_lines.append(
        BudgetLine(position=0, item=NOTEBOOK[0], unit_price_satang=NOTEBOOK[1], quantity=10)
    )
    application.beneficiaries.append(Beneficiaries(grade=GRADE_INDEX["p5"], pupils=10))
    db.session.add(application)
    db.session.flush()
    starts_at = now - timedelta(days=40)
    campaign = create_campaign(
        application, starts_at=starts_at, ends_at=now - timedelta(days=2), actor=None
    )
    campaign.funding_rule = FundingRule.ALL_OR_NOTHING
    db.session.flush()
    transition(campaign, CampaignState.LIVE, launched_at=starts_at)
    gifts = [("คุณประเสริฐ ทองคำ", 150_000), ("", 50_000), ("คุณจันทร์เพ็ญ รักดี", 80_000)]
    donations = [
        _paid(campaign, f"demo-aon-{n}", name, amount) for n, (name, amount) in enumerate(gifts)
    ]
    cheque = record_gift(
        campaign,
        method=GiftMethod.CHEQUE,
        amount_satang=200_000,
        received_on=(now - timedelta(days=20)).astimezone(BANGKOK).date(),
        reference="เช็คเลขที่ 20077801",
        donor_name="ชมรมศิษย์เก่า",
    )
    close_due(now)
    for donation in donations:
        refund_id = f"re_demo_aon_{donation.id}"
        db.session.add(
            RefundRequest(
                donation_id=donation.id,
                cause=RefundCause.ALL_OR_NOTHING,
                amount_satang=donation.amount_satang,
                idempotency_key=f"aon-refund-{donation.id}",
                stripe_refund_id=refund_id,
                status="succeeded",
                answered_at=now,
            )
        )
        db.session.flush()
        note_refund(
            donation,
            {"id": refund_id, "amount": donation.amount_satang, "status": "succeeded"},
            f"demo:{donation.token}:refund",
        )
    release_campaign(campaign.id)
    reverse_gift(
        cheque,
        GiftState.RETURNED,
        reason="คืนเช็คให้ผู้บริจาคแล้ว: แคมเปญแบบทั้งหมดหรือไม่มีเลยไม่ถึงเป้าหมาย",
    )
