"""Creators for the milestones tests: a funded campaign with its programme's template, one
account per role, and a photo."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from partnership.campaigns.models import CampaignState
from partnership.campaigns.workflow import transition
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.milestones.services import add_step
from partnership.registry.models import Sector
from partnership.review.models import CommitteeMember
from tests.crowd import build_campaign
from tests.factories import build_programme, english  # noqa: F401  (autouse: pages in English)

TEMPLATE = [
    ("สั่งซื้อ", "Ordered", 14),
    ("ส่งมอบถึงโรงเรียน", "Delivered to the school", 45),
    ("ใช้งานในชั้นเรียน", "In use in class", 60),
    ("รายงานผล", "Report", 210),
]


def png(colour=(200, 120, 40), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def fund(campaign, days_ago: int = 0, steps=TEMPLATE):
    """Give the campaign's programme a template (if it has none) and fund the campaign
    ``days_ago`` days ago: the funding hook makes its milestones."""
    for name_th, name_en, days in steps:
        add_step(campaign.programme_id, name_th=name_th, name_en=name_en, due_days=days)
    transition(campaign, CampaignState.FUNDED, funded_at=utcnow() - timedelta(days=days_ago))
    db.session.commit()
    return campaign


@pytest.fixture()
def funded(make_school):
    """funded(school=None, days_ago=0, steps=TEMPLATE): a funded campaign with milestones."""

    def make(school=None, days_ago: int = 0, steps=TEMPLATE):
        return fund(build_campaign(school or make_school(), state="live"), days_ago, steps)

    return make


@pytest.fixture()
def roles(app, make_user, make_school, make_org, add_membership):
    """role -> user (None for the visitor); ``roles.school`` is the school of "school"."""

    class Roles(dict):
        pass

    school, other = make_school(), make_school()
    people = Roles(visitor=None)
    people["donor"] = make_user()
    people["school"] = make_user()
    add_membership(people["school"], school=school)
    people["other school"] = make_user()
    add_membership(people["other school"], school=other)
    people["sponsor"] = make_user()
    add_membership(people["sponsor"], organisation=make_org())
    reviewer, organisation = make_user(), make_org(sector=Sector.PUBLIC)
    add_membership(reviewer, organisation=organisation)
    programme = build_programme()
    db.session.add(programme)
    db.session.add(
        CommitteeMember(
            programme=programme, user=reviewer, organisation=organisation, sector=Sector.PUBLIC
        )
    )
    people["committee"] = reviewer
    people["staff"] = make_user(is_staff=True)
    db.session.commit()
    people.school = school
    return people


@pytest.fixture()
def as_role(switch_user, roles):
    """as_role(name): that role's person signed in (the visitor: signed out), in English."""
    return lambda name: switch_user(roles[name])
