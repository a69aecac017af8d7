"""Outcome fixtures: a funded campaign whose programme names the Notebook for Education
measures, and whose school has this year's pupils and teachers in the registry."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from partnership.extensions import db
from partnership.i18n import current_academic_year
from partnership.outcomes import services
from partnership.outcomes.models import MeasureKind, PlannedFrom
from partnership.registry.models import SchoolYearStat
from tests.factories import english  # noqa: F401  (autouse: pages in English)

#: key, planned from, budget item, kind
MEASURES = (
    ("laptops", PlannedFrom.BUDGET_QUANTITY, "โน้ตบุ๊ก", MeasureKind.COUNT),
    ("pupils", PlannedFrom.PUPILS, "", MeasureKind.COUNT),
    ("teachers", PlannedFrom.TEACHERS, "", MeasureKind.COUNT),
    ("hours", PlannedFrom.NONE, "", MeasureKind.HOURS_PER_WEEK),
)
PUPILS, TEACHERS = 50, 5


def add_measures(programme) -> dict:
    measures = {}
    for position, (key, planned, item, kind) in enumerate(MEASURES, 1):
        measures[key] = services.add_measure(
            programme,
            {
                "key": key,
                "name_th": f"ตัวชี้วัด {key}",
                "name_en": f"Measure {key}",
                "unit_th": "หน่วย",
                "unit_en": "units",
                "kind": kind,
                "planned_from": planned,
                "budget_item": item,
                "position": position,
            },
        )
    db.session.commit()
    return measures


def add_year(school, year=None, pupils=PUPILS, teachers=TEACHERS):
    db.session.add(
        SchoolYearStat(
            school_id=school.id,
            academic_year=year or current_academic_year(),
            pupils=pupils,
            teachers=teachers,
        )
    )
    db.session.commit()


@pytest.fixture()
def funded(make_campaign, school_staff):
    """A funded campaign, its school's staff member, the measures, this year's registry row."""
    user, school = school_staff()
    campaign = make_campaign(school=school, state="funded")
    measures = add_measures(campaign.programme)
    add_year(school)
    return SimpleNamespace(campaign=campaign, school=school, user=user, measures=measures)


def form_data(measures, **figures) -> dict:
    """The report form's fields: ``laptops=3`` → ``measure_<id>=3``."""
    data = {f"measure_{measures[key].id}": str(value) for key, value in figures.items()}
    return {"academic_year": str(current_academic_year()), **data}
