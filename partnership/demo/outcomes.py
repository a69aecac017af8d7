"""The outcomes demo: Notebook for Education's four measures, and the laptop campaign's figures
reported by the school and verified by staff (one sent back once and reported again).

Planned values come from the campaign's application and budget: 24 laptops, 62 pupils (22 + 20
+ 20 in ป.4–6), 3 teachers. The school reports 23 laptops (the 24th never arrived), 62 pupils
(the registry has 148 at Ban Non Sawan School), 3 teachers trained and 6 hours of use a week.
Running it again changes nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import User
from ..campaigns.models import Campaign
from ..extensions import db
from ..outcomes import services
from ..outcomes.models import MeasureKind, OutcomeMeasure, OutcomeReport, PlannedFrom
from ..programmes.models import Programme

#: key, Thai name, English name, Thai unit, English unit, kind, planned from, budget item
MEASURES = (
    ("laptops_delivered", "โน้ตบุ๊กที่ส่งมอบ", "Laptops delivered", "เครื่อง", "laptops",
     MeasureKind.COUNT, PlannedFrom.BUDGET_QUANTITY, "คอมพิวเตอร์โน้ตบุ๊ก"),
    ("pupils_reached", "นักเรียนที่ได้ใช้", "Pupils reached", "คน", "pupils",
     MeasureKind.COUNT, PlannedFrom.PUPILS, ""),
    ("teachers_trained", "ครูที่ได้รับการอบรม", "Teachers trained", "คน", "teachers",
     MeasureKind.COUNT, PlannedFrom.TEACHERS, ""),
    ("hours_per_week", "ชั่วโมงการใช้งานต่อสัปดาห์", "Hours of use per week", "ชั่วโมง", "hours",
     MeasureKind.HOURS_PER_WEEK, PlannedFrom.NONE, ""),
)  # fmt: skip
#: What the school reports, by measure key.
FIGURES = {
    "laptops_delivered": 23,
    "pupils_reached": 62,
    "teachers_trained": 3,
    "hours_per_week": 6,
}


def seed_outcome_measures(programme: Programme) -> dict[str, OutcomeMeasure]:
    """The programme's measures (added once)."""
    existing = {m.key: m for m in services.measures_of(programme.id)}
    for position, (key, th, en, unit_th, unit_en, kind, planned, item) in enumerate(MEASURES, 1):
        if key not in existing:
            existing[key] = services.add_measure(
                programme,
                {
                    "key": key,
                    "name_th": th,
                    "name_en": en,
                    "unit_th": unit_th,
                    "unit_en": unit_en,
                    "kind": kind,
                    "planned_from": planned,
                    "budget_item": item,
                    "position": position,
                },
            )
    return existing


def seed_outcomes(campaign: Campaign) -> None:
    """The measures of the campaign's programme, and its figures reported and verified."""
    measures = seed_outcome_measures(campaign.programme)
    reported = db.session.scalar(
        sa.select(OutcomeReport.id).where(OutcomeReport.campaign_id == campaign.id).limit(1)
    )
    if reported is not None:
        return
    school_user = db.session.scalar(sa.select(User).where(User.email == "school@demo.example.org"))
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@demo.example.org"))
    if school_user is None or staff is None:
        return
    year = services.default_year(services.registry_years(campaign.school_id))
    # A first figure for the hours, sent back: it counted the whole school week.
    (first,) = services.report_outcomes(
        campaign,
        year,
        {measures["hours_per_week"].id: 30},
        "ห้องเรียน ป.4–6 เปิดสอน 30 ชั่วโมงต่อสัปดาห์",
        school_user,
    )
    services.send_back(
        first,
        "โปรดรายงานเฉพาะชั่วโมงที่นักเรียนใช้โน้ตบุ๊กในชั้นเรียน ไม่ใช่ชั่วโมงเรียนทั้งหมด",
        staff,
    )
    reports = services.report_outcomes(
        campaign,
        year,
        {measures[key].id: value for key, value in FIGURES.items()},
        "ได้รับโน้ตบุ๊ก 23 เครื่อง อีก 1 เครื่องยังไม่ได้รับ ครูคอมพิวเตอร์ใช้สอน 6 ชั่วโมงต่อสัปดาห์",
        school_user,
    )
    for report in reports:
        services.verify(report, staff)
