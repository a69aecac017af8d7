"""Campaigns the staff dashboard lists: one stalled (less than a third of its goal with less
than a quarter of its time left) and one ending within 7 days (half raised, so not stalled),
at two more demo schools of Notebook for Education 2563, their gifts paid through the same
rules as the webhook. Running it again changes nothing."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..applications.models import Application
from ..campaigns.models import Campaign
from ..db_types import utcnow
from ..extensions import db
from ..i18n import BANGKOK
from ..programmes.models import Programme
from ..registry.models import NetworkStatus, School
from .campaigns import NAME, _seed_gifts, notebook_campaign

#: (title, notebooks, days since start, days until end, gifts as (name or None, baht, message))
DASHBOARD_CAMPAIGNS = (
    # 6 notebooks and bags (≈ ฿92,300): ฿4,500 raised, 8 of 48 days left: stalled
    (
        "โน้ตบุ๊กเพื่อห้องเรียนชนบท",
        6,
        40,
        8,
        [("คุณประยุทธ์ สายทอง", 2_500, "เป็นกำลังใจให้"), (None, 2_000, "")],
    ),
    # 4 notebooks and bags (≈ ฿61,500): ฿32,000 raised, 4 of 24 days left: ending soon
    (
        "โน้ตบุ๊กสำหรับชุมนุมคอมพิวเตอร์",
        4,
        20,
        4,
        [
            ("สมาคมผู้ปกครองและครู", 20_000, "ร่วมด้วยช่วยกัน"),
            ("คุณมาลี รักเรียน", 7_000, ""),
            (None, 5_000, "สู้ ๆ นะ"),
        ],
    ),
)


def seed_dashboards() -> None:
    """The stalled and the ending-soon campaign (once)."""
    programme = db.session.scalar(sa.select(Programme).where(Programme.name_th == NAME))
    if programme is None:
        return
    titles = [title for title, *_rest in DASHBOARD_CAMPAIGNS]
    if db.session.scalar(sa.select(Application.id).where(Application.title.in_(titles))):
        return
    taken = sa.select(Application.school_id).where(Application.programme_id == programme.id)
    schools = db.session.scalars(
        sa.select(School)
        .where(School.network_status == NetworkStatus.MEMBER, School.id.not_in(taken))
        .order_by(School.code)
        .limit(len(DASHBOARD_CAMPAIGNS))
    ).all()
    if len(schools) < len(DASHBOARD_CAMPAIGNS):
        return
    now = utcnow()
    for school, (title, notebooks, since, until, gifts) in zip(
        schools, DASHBOARD_CAMPAIGNS, strict=True
    ):
        campaign = notebook_campaign(
            programme,
            school,
            title=title,
            notebooks=notebooks,
            need="นักเรียนใช้คอมพิวเตอร์ร่วมกันหลายคนต่อเครื่อง",
            submitted_at=(now - timedelta(days=since + 30)).astimezone(BANGKOK),
            teachers=1,
            grade="p5",
            starts_at=now - timedelta(days=since),
            ends_at=now + timedelta(days=until),
        )
        _seed_gifts(campaign, gifts, goal_reached=False, refund_last=False)
    db.session.flush()


def dashboard_campaigns() -> list[Campaign]:
    """The two campaigns (for the tests of the demo)."""
    titles = [title for title, *_rest in DASHBOARD_CAMPAIGNS]
    return list(
        db.session.scalars(
            sa.select(Campaign)
            .join(Application, Application.id == Campaign.application_id)
            .where(Application.title.in_(titles))
            .order_by(Campaign.ends_at)
        )
    )
