"""The milestones demo: Notebook for Education's template, the laptop campaign's milestones
(ordered, delivered and in use done with notes and photos; the report overdue: the one overdue
milestone of the demo) and two school updates with drawn photos. Idempotent."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw

from ..accounts.models import User
from ..campaigns.models import Campaign
from ..donors.models import CampaignUpdate
from ..donors.updates import post_update
from ..extensions import db
from ..milestones.models import Milestone, MilestoneState, MilestoneStep
from ..milestones.services import add_step, create_missing, move_milestone, steps_of
from .campaigns import NAME

SCHOOL_ACCOUNT = "school@demo.example.org"

#: (Thai, English, days after funding). The campaign was funded 220 days ago: the report, due
#: after 210 days, is the one overdue milestone.
TEMPLATE = [
    ("สั่งซื้อ", "Ordered", 14),
    ("ส่งมอบถึงโรงเรียน", "Delivered to the school", 45),
    ("ใช้งานในชั้นเรียน", "In use in class", 60),
    ("รายงานผล", "Report", 210),
]
#: Step position → (days after funding it was done, the school's note, the drawn photo or None).
DONE = {
    0: (10, "ฝ่ายพัสดุของมูลนิธิสั่งซื้อโน้ตบุ๊ก 24 เครื่องและกระเป๋า 24 ใบแล้ว", None),
    1: (41, "รับมอบโน้ตบุ๊กครบ 24 เครื่อง ตรวจรับโดยคณะกรรมการตรวจรับพัสดุของโรงเรียน", "boxes"),
    2: (55, "เริ่มใช้ในวิชาวิทยาการคำนวณของ ป.4–6 ทุกห้องแล้ว", "classroom"),
}
UPDATES = [
    (
        "โน้ตบุ๊กมาถึงโรงเรียนแล้ว",
        "วันนี้โรงเรียนได้รับโน้ตบุ๊ก 24 เครื่องพร้อมกระเป๋า ครูกำลังติดตั้งโปรแกรมสำหรับวิชา"
        "วิทยาการคำนวณ ขอบคุณผู้บริจาคทุกท่านค่ะ",
        "boxes",
    ),
    (
        "ห้องเรียน ป.5 ใช้โน้ตบุ๊กทุกสัปดาห์",
        "นักเรียน ป.4–6 ใช้โน้ตบุ๊กในวิชาวิทยาการคำนวณสัปดาห์ละ 3 ชั่วโมง และค้นคว้าทำโครงงานวิทยาศาสตร์ในห้องสมุด",
        "classroom",
    ),
]


def drawn_photo(scene: str) -> bytes:
    """A simple illustration (PNG): boxes of laptops, or a classroom with laptops on the desks
    (drawn figures, no real people)."""
    image = Image.new("RGB", (960, 640), (236, 228, 212))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 470, 960, 640), fill=(176, 140, 100))  # floor
    if scene == "boxes":
        for row in range(3):
            for col in range(4):
                x, y = 160 + col * 170 - row * 20, 330 - row * 110
                draw.rectangle(
                    (x, y, x + 150, y + 100), fill=(196, 160, 110), outline=(120, 90, 60), width=4
                )
                draw.line((x, y + 50, x + 150, y + 50), fill=(160, 120, 80), width=3)
        draw.rectangle((40, 40, 340, 110), fill=(255, 255, 255), outline=(60, 60, 60), width=3)
        draw.text((60, 62), "24 x notebook", fill=(30, 30, 30))
    else:
        draw.rectangle((300, 50, 660, 230), fill=(40, 84, 60), outline=(120, 90, 60), width=10)
        draw.text((330, 80), "Computing  P.4-6", fill=(240, 240, 240))
        for row in range(2):
            for col in range(3):
                x, y = 110 + col * 270, 330 + row * 140
                draw.ellipse((x + 70, y - 80, x + 120, y - 30), fill=(120, 90, 70))  # a head
                draw.rectangle((x + 60, y - 30, x + 130, y + 10), fill=(250, 250, 250))  # a shirt
                draw.rectangle((x, y, x + 190, y + 30), fill=(150, 110, 70))  # the desk
                draw.polygon(
                    [(x + 55, y), (x + 135, y), (x + 125, y - 45), (x + 65, y - 45)],
                    fill=(70, 70, 80),
                )
                draw.rectangle((x + 70, y - 40, x + 120, y - 5), fill=(120, 180, 230))  # the screen
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _template(programme_id: int) -> None:
    if steps_of(programme_id):
        return
    for name_th, name_en, days in TEMPLATE:
        add_step(programme_id, name_th=name_th, name_en=name_en, due_days=days)


def seed_milestones(campaign: Campaign) -> None:
    """The template, the campaign's milestones (through ``create-missing``), their progress and
    the school's two updates."""
    school_user = db.session.scalar(sa.select(User).where(User.email == SCHOOL_ACCOUNT))
    if school_user is None or campaign.programme.name_th != NAME:
        return
    _template(campaign.programme_id)
    create_missing()
    milestones = db.session.scalars(
        sa.select(Milestone)
        .join(MilestoneStep, MilestoneStep.id == Milestone.step_id)
        .where(Milestone.campaign_id == campaign.id)
        .order_by(MilestoneStep.position, MilestoneStep.id)
    ).all()
    for position, milestone in enumerate(milestones):
        if position not in DONE or milestone.state != MilestoneState.PENDING:
            continue
        days, note, scene = DONE[position]
        move_milestone(
            milestone,
            MilestoneState.DONE,
            actor=school_user,
            note=note,
            photos=[drawn_photo(scene)] if scene else [],
            public_photos=True,
            at=campaign.funded_at + timedelta(days=days),
        )
    posted = set(
        db.session.scalars(
            sa.select(CampaignUpdate.title).where(CampaignUpdate.campaign_id == campaign.id)
        )
    )
    for title, body, scene in UPDATES:
        if title not in posted:
            post_update(
                campaign,
                title=title,
                body=body,
                author=school_user,
                photos=[drawn_photo(scene)],
                public_photos=True,
            )
