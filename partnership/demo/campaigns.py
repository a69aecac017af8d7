"""Campaign demo data: a decided Notebook for Education call whose approved projects raise money.

Three campaigns (live, funded, ended) at demo schools, with paid gifts written through the same
rules the webhook uses (so ``flask ledger verify`` passes): some anonymous, one refunded.
Donor names are invented. Running it again changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ..applications.models import Application, ApplicationState, Beneficiaries, BudgetLine
from ..campaigns.models import Campaign, CampaignState
from ..campaigns.services import close_due, create_campaign
from ..campaigns.workflow import transition
from ..db_types import utcnow
from ..extensions import db
from ..i18n import BANGKOK
from ..payments.donations import mark_paid, note_refund
from ..payments.models import Donation
from ..programmes.models import Programme, ProgrammeState
from ..registry.models import GRADE_INDEX, NetworkStatus, School

NAME = "โครงการ Notebook for Education 2563"
NOTEBOOK = ("คอมพิวเตอร์โน้ตบุ๊ก", 1_499_050)
BAG = ("กระเป๋าใส่โน้ตบุ๊ก", 39_000)

#: (state, notebooks, days since start, days until end, gifts as (name or None, baht, message))
CAMPAIGNS = (
    (
        "live",
        24,
        10,
        35,
        [
            ("คุณวราภรณ์ ศรีสุข", 5_000, "ขอให้น้อง ๆ ตั้งใจเรียนนะคะ"),
            (None, 1_000, ""),
            ("ชมรมศิษย์เก่า", 20_000, "จากรุ่นพี่ถึงรุ่นน้อง"),
            ("คุณธนพล แก้วมณี", 500, ""),
            (None, 2_500, "สู้ ๆ"),
            ("คุณปวีณา ทองดี", 3_000, ""),
        ],
    ),
    (
        "funded",
        4,
        25,
        5,
        [
            ("บริษัทตัวอย่าง จำกัด", 40_000, "ยินดีสนับสนุนการศึกษา"),
            (None, 15_000, ""),
            ("คุณสมศรี ใจงาม", 10_000, "ขอบคุณครูทุกท่าน"),
        ],
    ),
    (
        "ended",
        12,
        50,
        -5,
        [("คุณอนุชา พรหมมา", 2_000, ""), (None, 800, ""), ("คุณกานดา มีสุข", 1_200, "")],
    ),
)


def seed_campaigns() -> None:
    """The decided call, its approved applications and their campaigns (once)."""
    if db.session.scalar(sa.select(Programme.id).where(Programme.name_th == NAME)):
        return
    schools = db.session.scalars(
        sa.select(School)
        .where(School.network_status == NetworkStatus.MEMBER)
        .order_by(School.code.desc())
        .limit(len(CAMPAIGNS))
    ).all()
    if len(schools) < len(CAMPAIGNS):
        return
    programme = Programme(
        name_th=NAME,
        name_en="Notebook for Education 2563",
        description_th="โน้ตบุ๊กสำหรับนักเรียนชั้น ป.4–6 ปีการศึกษา 2563",
        description_en="Laptops for grade 4–6 pupils, academic year 2563",
        opens_at=datetime(2020, 5, 18, 8, 30, tzinfo=BANGKOK),
        closes_at=datetime(2020, 6, 30, 23, 59, tzinfo=BANGKOK),
        state=ProgrammeState.DECIDED,
        budget_total_satang=200_000_000,
        cap_satang=50_000_000,
        min_grade=GRADE_INDEX["p4"],
        max_grade=GRADE_INDEX["p6"],
    )
    db.session.add(programme)
    now = utcnow()
    for index, (state, notebooks, since, until, gifts) in enumerate(CAMPAIGNS):
        school = schools[index]
        campaign = notebook_campaign(
            programme,
            school,
            title=f"โน้ตบุ๊กเพื่อการเรียนรู้ {school.name_th}",
            notebooks=notebooks,
            need="นักเรียนต้องใช้คอมพิวเตอร์ร่วมกันหลายคนต่อเครื่อง และเครื่องเดิมใช้งานมานานกว่า 8 ปี",
            submitted_at=datetime(2020, 6, 20, 9, 0, tzinfo=BANGKOK),
            teachers=2,
            grade="p4",
            starts_at=now - timedelta(days=since),
            ends_at=now + timedelta(days=until),
        )
        _seed_gifts(campaign, gifts, goal_reached=state == "funded", refund_last=state == "live")
    db.session.flush()
    close_due(now)


def _seed_gifts(campaign: Campaign, gifts, *, goal_reached: bool, refund_last: bool) -> None:
    donations = []
    for n, (name, baht, message) in enumerate(gifts):
        donation = Donation(
            campaign_id=campaign.id,
            token=f"demo-{campaign.id}-{n}",
            idempotency_key=f"demo-{campaign.id}-{n}",
            amount_satang=baht * 100,
            donor_name=name or "",
            email=f"donor{n}@example.com",
            anonymous=name is None,
            show_amount=n % 3 != 2,
            message=message,
        )
        db.session.add(donation)
        db.session.flush()
        mark_paid(donation, f"demo:{donation.token}")
        donations.append(donation)
    if goal_reached:
        top_up = campaign.goal_satang - db.session.get(Campaign, campaign.id).raised_satang
        if top_up > 0:
            donation = Donation(
                campaign_id=campaign.id,
                token=f"demo-{campaign.id}-top",
                idempotency_key=f"demo-{campaign.id}-top",
                amount_satang=min(top_up + 50_000, 99_999_999),
                donor_name="มูลนิธิตัวอย่างเพื่อการศึกษา",
                email="foundation@example.com",
                message="ร่วมเติมให้ครบเป้าหมาย",
            )
            db.session.add(donation)
            db.session.flush()
            mark_paid(donation, f"demo:{donation.token}")
    if refund_last:
        # One gift refunded at the donor's request.
        refunded = donations[-1]
        note_refund(
            refunded,
            {
                "id": f"re_demo_{refunded.id}",
                "amount": refunded.amount_satang,
                "status": "succeeded",
            },
            f"demo:{refunded.token}:refund",
        )


def notebook_campaign(
    programme, school, *, title, notebooks, need, submitted_at, teachers, grade, starts_at, ends_at
) -> Campaign:
    """An approved application for ``notebooks`` notebooks and bags and its campaign, live from
    ``starts_at`` (the demo's campaigns, and the dashboards' stalled and ending-soon ones)."""
    application = Application(
        programme=programme,
        school=school,
        title=title,
        summary=f"โน้ตบุ๊ก {notebooks} เครื่องสำหรับนักเรียนชั้น ป.4–6 ของ{school.name_th}",
        need=need,
        state=ApplicationState.APPROVED,
        submitted_at=submitted_at,
        teachers_benefiting=teachers,
    )
    application.budget_lines += [
        BudgetLine(position=0, item=NOTEBOOK[0], unit_price_satang=NOTEBOOK[1], quantity=notebooks),
        BudgetLine(position=1, item=BAG[0], unit_price_satang=BAG[1], quantity=notebooks),
    ]
    application.beneficiaries.append(Beneficiaries(grade=GRADE_INDEX[grade], pupils=notebooks))
    db.session.add(application)
    db.session.flush()
    campaign = create_campaign(application, starts_at=starts_at, ends_at=ends_at, actor=None)
    transition(campaign, CampaignState.LIVE, launched_at=starts_at)
    return campaign
