"""Staff record devices from a paid invoice line by pasting serials: every bad line gets its own
error, never a 500, and never more devices than the line's quantity."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.devices.models import Device, DeviceEvent, DeviceKind, DeviceState
from partnership.devices.services import SerialTaken, TooManyDevices, record_devices
from partnership.extensions import db
from partnership.spending.models import DisbursementState
from tests.devices.helpers import paid_disbursement


def _post(client, line, serials, kind="laptop", model="HP 240 G8"):
    return client.post(
        f"/staff/disbursement-lines/{line.id}/devices",
        data={"kind": kind, "model": model, "serials": serials},
    )


def _serials(line_id=None):
    query = sa.select(Device.serial).order_by(Device.id)
    if line_id is not None:
        query = query.where(Device.disbursement_line_id == line_id)
    return list(db.session.scalars(query))


def test_staff_paste_serials_one_per_line(laptops, client, login):
    s = laptops(quantity=3)
    login(s.staff)
    response = _post(client, s.line, "5cd1234a01\r\n\n  5CD1234A02  \n5CD1234A03\n")
    assert response.status_code == 303
    assert _serials() == ["5CD1234A01", "5CD1234A02", "5CD1234A03"]  # as on the label
    device = db.session.scalar(sa.select(Device).order_by(Device.id))
    assert (device.kind, device.model, device.state) == (
        DeviceKind.LAPTOP,
        "HP 240 G8",
        DeviceState.RECORDED,
    )
    assert device.campaign_id == s.campaign.id
    event = db.session.scalar(sa.select(DeviceEvent).where(DeviceEvent.device_id == device.id))
    assert (event.to_state, event.actor_id) == ("recorded", s.staff.id)
    page = client.get(f"/staff/disbursement-lines/{s.line.id}/devices").get_data(as_text=True)
    assert "Every device of this line is recorded." in page


def test_each_bad_line_gets_its_own_error_and_nothing_is_saved(laptops, client, login):
    s = laptops(quantity=10)
    login(s.staff)
    assert _post(client, s.line, "TAKEN1").status_code == 303
    response = _post(client, s.line, "AAA1\nBBB2\naaa1\nTAKEN1\nbad serial!\nCCC3")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Line 3: aaa1 is already on line 1 of this list." in page
    assert "Line 4: TAKEN1 is already recorded for a device of this kind." in page
    assert "Line 5: “bad serial!” is not a serial number" in page
    assert "Correct the lines above; nothing was saved." in page
    assert "AAA1\nBBB2" in page  # what was typed is kept
    assert _serials() == ["TAKEN1"]


def test_the_same_serial_may_be_recorded_for_another_kind(laptops, client, login):
    s = laptops(quantity=4)
    login(s.staff)
    assert _post(client, s.line, "X1").status_code == 303
    assert _post(client, s.line, "X1", kind="accessory", model="Bag").status_code == 303
    assert _post(client, s.line, "x1", kind="accessory", model="Bag").status_code == 422


def test_never_more_devices_than_the_line_holds(laptops, client, login):
    s = laptops(quantity=3)
    login(s.staff)
    assert _post(client, s.line, "A1\nA2").status_code == 303
    response = _post(client, s.line, "A3\nA4")
    assert response.status_code == 422
    assert "room for 1 more devices; the list has 2" in response.get_data(as_text=True)
    assert _serials() == ["A1", "A2"]


def test_the_service_holds_the_quantity_and_the_database_the_serials(laptops, app):
    s = laptops(quantity=2)
    record_devices(s.line, kind=DeviceKind.LAPTOP, model="M", serials=["Q1"], actor=s.staff)
    db.session.commit()
    with pytest.raises(TooManyDevices):
        record_devices(
            s.line, kind=DeviceKind.LAPTOP, model="M", serials=["Q2", "Q3"], actor=s.staff
        )
    # A serial a racing request recorded after the form checked: the constraint refuses it.
    with pytest.raises(SerialTaken):
        record_devices(s.line, kind=DeviceKind.LAPTOP, model="M", serials=["Q1"], actor=s.staff)
    db.session.rollback()
    assert _serials() == ["Q1"]


def test_the_database_refuses_a_second_device_of_a_kind_with_one_serial(laptops, app):
    s = laptops(quantity=2)
    for _ in range(2):
        db.session.add(
            Device(
                campaign_id=s.campaign.id,
                disbursement_line_id=s.line.id,
                kind=DeviceKind.TABLET,
                model="M",
                serial="DUP",
            )
        )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_only_lines_of_paid_disbursements(laptops, client, login):
    s = laptops(quantity=2)
    submitted = paid_disbursement(
        s.campaign, s.campaign.budget_lines[0], 2, state=DisbursementState.SUBMITTED
    )
    db.session.commit()
    line = submitted.lines[0]
    login(s.staff)
    page = client.get(f"/staff/disbursement-lines/{line.id}/devices")
    assert page.status_code == 200
    assert "only from the lines of a paid disbursement" in page.get_data(as_text=True)
    assert _post(client, line, "Z1").status_code == 409
    assert _serials() == []


def test_the_campaign_page_for_staff_lists_paid_lines(laptops, client, login):
    s = laptops(quantity=2)
    login(s.staff)
    page = client.get(f"/staff/campaigns/{s.campaign.id}/devices").get_data(as_text=True)
    assert f"/staff/disbursement-lines/{s.line.id}/devices" in page
