"""Devices fixtures: a funded campaign with money, a paid laptop line, the people around it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from partnership.extensions import db
from tests.crowd import build_campaign
from tests.devices.helpers import paid_disbursement, two_staff
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.paid_gifts import gift


@dataclass
class Setting:
    campaign: object
    line: object
    school: object
    school_user: object
    staff: object


@pytest.fixture()
def laptops(app, make_school, make_user, add_membership):
    """make(quantity=24): a funded campaign with a paid disbursement line of laptops."""

    def make(quantity: int = 24, school=None) -> Setting:
        school = school or make_school()
        campaign = build_campaign(school, goal_satang=100_000, state="funded")
        gift(campaign, amount_satang=100_000)
        staff = two_staff()
        disbursement = paid_disbursement(campaign, campaign.budget_lines[0], quantity, staff=staff)
        db.session.commit()
        school_user = make_user()
        add_membership(school_user, school=school)
        return Setting(campaign, disbursement.lines[0], school, school_user, staff[0])

    return make
