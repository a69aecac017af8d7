"""The staff dashboard's delivery lists hold exactly their rows: overdue check-ins (not those
only open), devices not confirmed (not those handed over), overdue milestones (not those due)."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import g

from partnership.db_types import utcnow
from partnership.devices.models import CheckInDue, Device
from partnership.extensions import db
from partnership.milestones.models import Milestone
from tests.crowd import build_campaign
from tests.devices.helpers import handover_data, record
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.milestones.conftest import fund


def _handed_over(laptops, client, login, days_ago):
    setting = laptops(quantity=2)
    devices = record(setting, prefix=f"D{days_ago}X")
    login(setting.school_user)
    response = client.post(
        f"/campaigns/{setting.campaign.id}/devices/handover",
        data=handover_data(devices, received_on=utcnow().date() - timedelta(days=days_ago)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    g.pop("_login_user", None)
    return setting


def _section(html, key):
    return re.search(rf'<section id="{key}".*?</section>', html, re.S).group(0)


def test_delivery_lists(app, client, login, login_as, laptops, make_school):
    overdue = _handed_over(laptops, client, login, days_ago=190)  # 6-month check 10 days late
    _handed_over(laptops, client, login, days_ago=170)  # 6-month check open, due in 10 days
    waiting = laptops(quantity=2)
    unconfirmed = record(waiting, prefix="WAIT")  # recorded, never handed over
    late = fund(build_campaign(make_school(), state="live"), days_ago=30)  # ordered: 14 days
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(CheckInDue.id))) == 4
    assert db.session.scalar(sa.select(sa.func.count(Device.id))) == 6

    login_as("staff")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    check_ins = _section(html, "check-ins-overdue")
    assert re.findall(r'href="/staff/campaigns/(\d+)/devices"', check_ins) == [
        str(overdue.campaign.id)
    ]
    devices = _section(html, "devices-unconfirmed")
    assert sorted(re.findall(r"<td><a [^>]*>([^<]+)</a>", devices)) == sorted(
        d.serial for d in unconfirmed
    )
    milestones = _section(html, "milestones-overdue")
    first = db.session.scalar(
        sa.select(Milestone).where(Milestone.campaign_id == late.id).order_by(Milestone.due_on)
    )
    assert re.findall(r'href="/milestones/(\d+)"', milestones) == [str(first.id)]
