"""The devices demo: nothing without the spending demo's paid laptop disbursement; with it, 24
laptops, 23 confirmed by the school, one missing, a 6-month check-in with one broken."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.demo.after_funding import funded_laptop_campaign
from partnership.demo.campaigns import NOTEBOOK
from partnership.demo.devices import BROKEN, MISSING, laptop_line, seed_devices
from partnership.devices.models import (
    CheckInDue,
    Device,
    DeviceCheckIn,
    DeviceState,
    Handover,
)
from partnership.extensions import db
from partnership.ledger.services import verify
from tests.devices.helpers import paid_disbursement


def _counts():
    db.session.expire_all()
    return dict(
        db.session.execute(sa.select(Device.state, sa.func.count()).group_by(Device.state)).all()
    )


def test_the_demo_follows_the_laptops_of_the_paid_disbursement(app):
    from partnership.demo import seed_demo

    seed_demo()  # calls seed_devices: without the spending demo's disbursement, nothing
    db.session.commit()
    campaign = funded_laptop_campaign()
    if laptop_line(campaign) is None:  # the spending demo is not merged in yet
        assert _counts() == {}
        line = next(b for b in campaign.budget_lines if b.item == NOTEBOOK[0])
        paid_disbursement(campaign, line, 24, unit_price_satang=NOTEBOOK[1])
        seed_devices(campaign)
        db.session.commit()
    assert _counts() == {
        DeviceState.IN_USE: 22,
        DeviceState.BROKEN: 1,
        DeviceState.RECORDED: 1,
    }
    states = dict(db.session.execute(sa.select(Device.serial, Device.state)).all())
    assert (states[MISSING], states[BROKEN]) == (DeviceState.RECORDED, DeviceState.BROKEN)
    handover = db.session.scalar(sa.select(Handover))
    assert handover.form_content_type == "image/png"
    assert all(d.asset_number for d in handover.devices)
    broken = db.session.scalar(sa.select(DeviceCheckIn).where(DeviceCheckIn.status == "broken"))
    assert broken.note
    dues = db.session.scalars(sa.select(CheckInDue).order_by(CheckInDue.months)).all()
    assert [d.done_at is not None for d in dues] == [True, False]

    seed_devices(campaign)  # again: nothing changes
    db.session.commit()
    assert sum(_counts().values()) == 24
    assert db.session.scalar(sa.select(sa.func.count(Handover.id))) == 1
    assert verify() == []
