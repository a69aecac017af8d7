"""The school confirms which serials arrived on the signed handover form (ใบตรวจรับพัสดุ); the
rest stay "not received" and are listed for staff."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.devices.models import CheckInDue, Device, DeviceEvent, DeviceState, Handover
from partnership.devices.services import add_months
from partnership.extensions import db
from tests.devices.helpers import handover_data, record
from tests.hostile import MINIMAL_PDF


def _confirm(client, setting, devices, **kw):
    return client.post(
        f"/campaigns/{setting.campaign.id}/devices/handover",
        data=handover_data(devices, **kw),
        content_type="multipart/form-data",
    )


def _states():
    return dict(db.session.execute(sa.select(Device.serial, Device.state)).all())


def test_the_school_confirms_23_of_24_and_one_stays_not_received(laptops, client, login):
    s = laptops()
    devices = record(s)
    login(s.school_user)
    page = client.get(f"/campaigns/{s.campaign.id}/devices/handover").get_data(as_text=True)
    assert page.count('name="devices"') == 24 and "Select all" in page
    received_on = utcnow().date() - timedelta(days=3)
    response = _confirm(client, s, devices[:23], received_on=received_on)
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    states = _states()
    assert list(states.values()).count(DeviceState.RECEIVED) == 23
    assert states["5CD1234A24"] == DeviceState.RECORDED
    handover = db.session.scalar(sa.select(Handover))
    assert (handover.received_on, handover.received_by_name) == (received_on, "ครูสมศรี รับของ")
    assert handover.form_content_type == "image/png"
    first = db.session.get(Device, devices[0].id)
    assert (first.handover_id, first.asset_number) == (handover.id, "KK-001")
    moves = db.session.scalars(
        sa.select(DeviceEvent).where(DeviceEvent.to_state == "received")
    ).all()
    assert len(moves) == 23 and {e.actor_id for e in moves} == {s.school_user.id}
    dues = db.session.scalars(sa.select(CheckInDue).order_by(CheckInDue.months)).all()
    assert [(d.months, d.due_on) for d in dues] == [
        (6, add_months(received_on, 6)),
        (12, add_months(received_on, 12)),
    ]
    # The one not received is listed for staff.
    login(s.staff)
    listing = client.get("/staff/devices/not-received").get_data(as_text=True)
    assert "5CD1234A24" in listing and "5CD1234A01" not in listing


def test_a_pdf_scan_is_accepted_too(laptops, client, login):
    s = laptops(quantity=2)
    devices = record(s)
    login(s.school_user)
    assert _confirm(client, s, devices, form=MINIMAL_PDF, name="scan.pdf").status_code == 303
    login(s.staff)
    handover = db.session.scalar(sa.select(Handover))
    response = client.get(f"/devices/handovers/{handover.id}/form")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"form": b"not an image at all"}, "signed_form", "must be a PDF, JPEG or PNG"),
        ({"form": b"\x89PNG\r\n\x1a\nbroken"}, "signed_form", "form.png"),
        ({"received_on": date.today() + timedelta(days=5)}, "received_on", "future"),
        ({"received_by": ""}, "received_by", "Enter who received"),
    ],
)
def test_a_bad_handover_is_a_form_error_and_changes_nothing(
    laptops, client, login, change, field, message
):
    s = laptops(quantity=2)
    devices = record(s)
    login(s.school_user)
    response = _confirm(client, s, devices, **change)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert set(_states().values()) == {DeviceState.RECORDED}
    assert db.session.scalar(sa.select(sa.func.count(Handover.id))) == 0


def test_no_tick_and_no_file_are_form_errors(laptops, client, login):
    s = laptops(quantity=2)
    record(s)
    login(s.school_user)
    response = client.post(
        f"/campaigns/{s.campaign.id}/devices/handover",
        data={"received_on": "2026-01-01", "received_by": "x"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tick at least one device that arrived." in page
    assert "Add a photo or scan of the signed handover form." in page


def test_a_device_of_another_campaign_cannot_be_ticked(laptops, client, login):
    s, other = laptops(quantity=2), laptops(quantity=2)
    record(s)
    theirs = record(other, prefix="OTHER")
    login(s.school_user)
    response = _confirm(client, s, theirs)
    assert response.status_code == 422
    assert "no longer waiting for confirmation" in response.get_data(as_text=True)
    db.session.expire_all()
    assert set(_states().values()) == {DeviceState.RECORDED}


def test_a_device_confirmed_meanwhile_refuses_the_form(laptops, app):
    """Two colleagues with the same form open: the second confirmation moves nothing."""
    from partnership.devices.services import IllegalDeviceMove, confirm_handover

    s = laptops(quantity=2)
    device = record(s)[0]
    assert device.state == DeviceState.RECORDED  # as the second colleague's form saw it
    first = Handover(
        campaign_id=s.campaign.id,
        received_on=utcnow().date(),
        received_by_name="x",
        form_key="a" * 32 + ".png",
        form_content_type="image/png",
    )
    db.session.add(first)
    db.session.flush()
    db.session.execute(  # the first colleague's confirmation, behind the session's back
        sa.update(Device)
        .where(Device.id == device.id)
        .values(state="received", handover_id=first.id),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(IllegalDeviceMove):
        confirm_handover(
            s.campaign,
            devices=[device],
            received_on=utcnow().date(),
            received_by_name="y",
            asset_numbers={},
            signed_form=("b" * 32 + ".png", "f.png", "image/png"),
            actor=s.school_user,
        )
    db.session.rollback()


@pytest.mark.parametrize(
    "day, months, due",
    [
        (date(2026, 1, 31), 6, date(2026, 7, 31)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2026, 6, 15), 12, date(2027, 6, 15)),
    ],
)
def test_check_ins_fall_due_months_after_the_handover(day, months, due):
    assert add_months(day, months) == due


def test_the_school_s_dashboard_says_what_waits_for_it(laptops, client, login, make_user):
    """The school lands on its dashboard: the devices waiting for its confirmation, then the
    check-in the handover opened; another school's dashboard shows neither."""
    s = laptops(quantity=3)
    devices = record(s)
    login(s.school_user)
    page = client.get("/my/applications").get_data(as_text=True)
    assert "3 devices wait for your confirmation of receipt" in page
    assert f"/campaigns/{s.campaign.id}/devices/handover" in page
    # Confirmed 200 days ago: the 6-month check-in is open now.
    received_on = utcnow().date() - timedelta(days=200)
    assert _confirm(client, s, devices[:2], received_on=received_on).status_code == 303
    page = client.get("/my/applications").get_data(as_text=True)
    assert "1 device waits for your confirmation of receipt" in page
    six = db.session.scalar(sa.select(CheckInDue).where(CheckInDue.months == 6))
    assert f"/devices/check-ins/{six.id}" in page and "6-month check-in" in page
    other = laptops(quantity=1)
    login(other.school_user)
    page = client.get("/my/applications").get_data(as_text=True)
    assert f"/devices/check-ins/{six.id}" not in page
    assert f"/campaigns/{s.campaign.id}/devices/handover" not in page
