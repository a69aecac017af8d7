"""Every devices route × visitor, donor, school staff of this school and of another school,
sponsor, committee member and staff. The signed handover form is never public."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.devices.models import CheckInDue, Device, Handover
from partnership.extensions import db
from partnership.registry.models import Sector
from partnership.review.models import CommitteeMember
from tests.devices.helpers import handover_data, record

ROLES = ("visitor", "donor", "this_school", "other_school", "sponsor", "committee", "staff")
PUBLIC = set(ROLES)
SCHOOL = {"this_school", "staff"}
STAFF = {"staff"}

#: (method, url template, who may) for every route of the feature.
ROUTES = [
    ("GET", "/campaigns/{campaign}/trail", PUBLIC),
    ("GET", "/campaigns/{campaign}/devices", SCHOOL),
    ("GET", "/campaigns/{campaign}/devices/handover", SCHOOL),
    ("POST", "/campaigns/{campaign}/devices/handover", SCHOOL),
    ("GET", "/devices/handovers/{handover}/form", SCHOOL),
    ("GET", "/devices/check-ins/{due}", SCHOOL),
    ("POST", "/devices/check-ins/{due}", SCHOOL),
    ("GET", "/staff/campaigns/{campaign}/devices", STAFF),
    ("GET", "/staff/disbursement-lines/{line}/devices", STAFF),
    ("POST", "/staff/disbursement-lines/{line}/devices", STAFF),
    ("GET", "/staff/devices/not-received", STAFF),
    ("GET", "/staff/devices/check-ins", STAFF),
]


@pytest.fixture()
def world(laptops, client, login, make_user, make_school, make_org, add_membership):
    s = laptops(quantity=4)
    devices = record(s)
    login(s.school_user)
    response = client.post(
        f"/campaigns/{s.campaign.id}/devices/handover",
        data=handover_data(devices[:2], received_on=utcnow().date() - timedelta(days=190)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    handover = db.session.scalar(sa.select(Handover))
    due = db.session.scalar(sa.select(CheckInDue).where(CheckInDue.months == 6))
    people = {"visitor": None, "this_school": s.school_user, "staff": s.staff}
    people["donor"] = make_user()
    people["other_school"] = make_user()
    add_membership(people["other_school"], school=make_school())
    people["sponsor"] = make_user()
    add_membership(people["sponsor"], organisation=make_org())
    member = make_user()
    organisation = make_org(sector=Sector.PUBLIC)
    add_membership(member, organisation=organisation)
    db.session.add(
        CommitteeMember(
            programme_id=s.campaign.programme_id,
            user=member,
            organisation=organisation,
            sector=Sector.PUBLIC,
        )
    )
    db.session.commit()
    people["committee"] = member
    ids = {"campaign": s.campaign.id, "handover": handover.id, "due": due.id, "line": s.line.id}
    return people, ids, devices


def _body(method, template, devices):
    if method != "POST":
        return {}
    if "handover" in template:
        return {"data": handover_data(devices[2:]), "content_type": "multipart/form-data"}
    if "check-ins" in template:
        data = {}
        for device in devices[:2]:
            data[f"status_{device.id}"], data[f"note_{device.id}"] = "in_use", ""
        return {"data": data}
    return {"data": {"kind": "laptop", "model": "HP", "serials": "NEW1"}}


def _snapshot():
    db.session.expire_all()
    return (
        tuple(db.session.execute(sa.select(Device.id, Device.state)).all()),
        db.session.scalar(sa.select(sa.func.count(Handover.id))),
        tuple(db.session.execute(sa.select(CheckInDue.id, CheckInDue.done_at)).all()),
    )


@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, client, act_as, role):
    """Each route in turn as ``role`` (one world per role: building it is the slow part)."""
    people, ids, devices = world
    act_as(people[role])
    for method, template, allowed in ROUTES:
        url = template.format(**ids)
        before = _snapshot()
        response = client.open(url, method=method, **_body(method, template, devices))
        where = (role, method, url, response.status_code)
        if role in allowed:
            # 422: the form was read and answered (the line has no room for another device)
            assert response.status_code in (200, 303, 422), where
            continue
        if role == "visitor":
            assert response.status_code == 302 and "/login" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where
        assert _snapshot() == before, where


def test_the_signed_form_is_never_cached_or_public(world, client, act_as):
    people, ids, _ = world
    act_as(people["this_school"])
    response = client.get(f"/devices/handovers/{ids['handover']}/form")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert "no-store" in response.headers["Cache-Control"]
    act_as(None)
    assert client.get(f"/devices/handovers/{ids['handover']}/form").status_code == 302
