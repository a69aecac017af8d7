"""The after-funding demo: a funded Notebook for Education campaign whose money goes out and
whose laptops are followed to the classroom.

The campaign is at Ban Non Sawan School (the demo school account's school): 24 laptops and 24
bags, funded by donors and a foundation's top-up about 220 days ago (delivered since, checked at
6 months). The features after funding (spending, milestones, devices, outcomes) seed what happened since on this campaign; each keeps
its own part idempotent. Running it again changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ..applications.models import Application, ApplicationState, Beneficiaries, BudgetLine
from ..campaigns.models import Campaign, CampaignState
from ..campaigns.services import create_campaign
from ..campaigns.workflow import transition
from ..db_types import utcnow
from ..extensions import db
from ..i18n import BANGKOK
from ..programmes.models import Programme
from ..registry.models import GRADE_INDEX, School
from .campaigns import BAG, NAME, NOTEBOOK, _seed_gifts
from .devices import seed_devices
from .milestones import seed_milestones
from .outcomes import seed_outcomes
from .spending import seed_spending

SCHOOL_CODE = "1040050101"
LAPTOPS = 24
#: Days since the goal was reached (milestones count their due dates from then).
FUNDED_DAYS_AGO = 220
GIFTS = [
    ("บริษัท มิตรผล จำกัด", 150_000, "เพื่อห้องเรียนที่ทันสมัยของน้อง ๆ"),
    ("คุณสุนทร วงศ์ใหญ่", 20_000, "ขอให้ใช้เรียนอย่างมีความสุข"),
    (None, 5_000, ""),
    ("ชมรมครูเกษียณขอนแก่น", 30_000, "จากครูถึงศิษย์"),
]


def funded_laptop_campaign() -> Campaign | None:
    """The campaign (made once); None when the decided call or the school is missing."""
    programme_id = db.session.scalar(sa.select(Programme.id).where(Programme.name_th == NAME))
    school = db.session.scalar(sa.select(School).where(School.code == SCHOOL_CODE))
    if programme_id is None or school is None:
        return None
    existing = db.session.scalar(
        sa.select(Campaign).where(
            Campaign.programme_id == programme_id, Campaign.school_id == school.id
        )
    )
    if existing is not None:
        return existing
    application = Application(
        programme_id=programme_id,
        school=school,
        title=f"โน้ตบุ๊กสำหรับห้องเรียน ป.4–6 {school.name_th}",
        summary=f"โน้ตบุ๊ก {LAPTOPS} เครื่องพร้อมกระเป๋า ให้นักเรียนชั้น ป.4–6 ใช้เรียนในห้อง",
        need="ห้องคอมพิวเตอร์มีเครื่องใช้งานได้ 5 เครื่องสำหรับนักเรียน 62 คน",
        state=ApplicationState.APPROVED,
        submitted_at=datetime(2020, 6, 22, 10, 0, tzinfo=BANGKOK),
        teachers_benefiting=3,
    )
    application.budget_lines += [
        BudgetLine(position=0, item=NOTEBOOK[0], unit_price_satang=NOTEBOOK[1], quantity=LAPTOPS),
        BudgetLine(position=1, item=BAG[0], unit_price_satang=BAG[1], quantity=LAPTOPS),
    ]
    for grade, pupils in (("p4", 22), ("p5", 20), ("p6", 20)):
        application.beneficiaries.append(Beneficiaries(grade=GRADE_INDEX[grade], pupils=pupils))
    db.session.add(application)
    db.session.flush()
    now = utcnow()
    starts_at = now - timedelta(days=FUNDED_DAYS_AGO + 20)
    campaign = create_campaign(
        application, starts_at=starts_at, ends_at=now - timedelta(days=10), actor=None
    )
    transition(campaign, CampaignState.LIVE, launched_at=starts_at)
    _seed_gifts(campaign, GIFTS, goal_reached=True, refund_last=False)
    # Demo history: the goal was reached FUNDED_DAYS_AGO days ago, not now (the one value the
    # demo writes directly; every money row went through the webhook's rules above).
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(funded_at=now - timedelta(days=FUNDED_DAYS_AGO))
    )
    db.session.flush()
    db.session.expire(campaign)
    return campaign


def seed_after_funding() -> None:
    """The funded campaign; the features after funding add their parts to it."""
    campaign = funded_laptop_campaign()
    if campaign is None or campaign.state != CampaignState.FUNDED:
        return
    seed_spending(campaign)
    seed_devices(campaign)
    seed_milestones(campaign)
    seed_outcomes(campaign)
