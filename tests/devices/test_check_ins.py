"""Check-ins at 6 and 12 months: the school marks each device in use, broken, lost or stolen;
due check-ins are listed and mailed to the school (each reminder once, even with two workers)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.core.reminders import claim_reminder
from partnership.db_types import utcnow
from partnership.devices.models import (
    CheckInDue,
    Device,
    DeviceCheckIn,
    DeviceEvent,
    DeviceState,
)
from partnership.devices.reminders import send_reminders
from partnership.devices.services import ALLOWED, IllegalDeviceMove, move_device
from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from tests.devices.helpers import handover_data, record
from tests.paid_gifts import forget_queued_mail


def _handed_over(laptops, client, login, *, days_ago=190, quantity=3):
    s = laptops(quantity=quantity)
    devices = record(s)
    login(s.school_user)
    response = client.post(
        f"/campaigns/{s.campaign.id}/devices/handover",
        data=handover_data(devices, received_on=utcnow().date() - timedelta(days=days_ago)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.expire_all()
    six = db.session.scalar(sa.select(CheckInDue).where(CheckInDue.months == 6))
    return s, devices, six


def _answer(devices, **states):
    data = {}
    for device in devices:
        status = states.get(device.serial, "in_use")
        data[f"status_{device.id}"] = status
        data[f"note_{device.id}"] = "" if status == "in_use" else "หล่นจากโต๊ะ จอแตก"
    return data


def test_the_school_marks_each_device_at_six_months(laptops, client, login):
    s, devices, six = _handed_over(laptops, client, login)
    page = client.get(f"/campaigns/{s.campaign.id}/devices").get_data(as_text=True)
    assert f"/devices/check-ins/{six.id}" in page
    response = client.post(
        f"/devices/check-ins/{six.id}", data=_answer(devices, **{"5CD1234A02": "broken"})
    )
    assert response.status_code == 303
    db.session.expire_all()
    states = dict(db.session.execute(sa.select(Device.serial, Device.state)).all())
    assert states == {
        "5CD1234A01": DeviceState.IN_USE,
        "5CD1234A02": DeviceState.BROKEN,
        "5CD1234A03": DeviceState.IN_USE,
    }
    answers = db.session.scalars(sa.select(DeviceCheckIn).order_by(DeviceCheckIn.id)).all()
    assert [(a.status, a.due_id) for a in answers] == [
        ("in_use", six.id),
        ("broken", six.id),
        ("in_use", six.id),
    ]
    broken = db.session.scalar(sa.select(DeviceEvent).where(DeviceEvent.to_state == "broken"))
    assert (broken.from_state, broken.reason, broken.actor_id) == (
        "received",
        "หล่นจากโต๊ะ จอแตก",
        s.school_user.id,
    )
    assert db.session.get(CheckInDue, six.id).done_by_id == s.school_user.id
    # answered once: the same form again is refused and changes nothing
    again = client.post(f"/devices/check-ins/{six.id}", data=_answer(devices))
    assert again.status_code in (303, 409)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(DeviceCheckIn.id))) == 3


def test_a_device_not_in_use_needs_a_note(laptops, client, login):
    s, devices, six = _handed_over(laptops, client, login)
    data = _answer(devices)
    data[f"status_{devices[0].id}"] = "stolen"
    response = client.post(f"/devices/check-ins/{six.id}", data=data)
    assert response.status_code == 422
    assert "Say what happened to it." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(DeviceCheckIn.id))) == 0


def test_a_check_in_opens_thirty_days_before_it_is_due(laptops, client, login):
    s, devices, six = _handed_over(laptops, client, login, days_ago=10)
    page = client.get(f"/devices/check-ins/{six.id}")
    assert "opens 30 days before" in page.get_data(as_text=True)
    assert client.post(f"/devices/check-ins/{six.id}", data=_answer(devices)).status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(DeviceCheckIn.id))) == 0


def test_due_check_ins_are_listed_for_staff(laptops, client, login):
    s, devices, six = _handed_over(laptops, client, login)
    login(s.staff)
    page = client.get("/staff/devices/check-ins").get_data(as_text=True)
    assert f"/devices/check-ins/{six.id}" in page
    assert "overdue" in page.split("<tbody>")[1]  # due 6 months after 190 days ago


STATES = list(DeviceState)


@pytest.mark.parametrize("from_state", STATES, ids=str)
@pytest.mark.parametrize("to_state", STATES, ids=str)
def test_every_device_move(laptops, app, from_state, to_state):
    """The transition table, move by move: allowed ones leave an event, the rest are refused."""
    from partnership.devices.models import Handover

    s = laptops(quantity=1)
    device = record(s)[0]
    handover = Handover(
        campaign_id=s.campaign.id,
        received_on=utcnow().date(),
        received_by_name="x",
        form_key="c" * 32 + ".png",
        form_content_type="image/png",
    )
    db.session.add(handover)
    db.session.flush()
    if from_state != DeviceState.RECORDED:
        db.session.execute(
            sa.update(Device)
            .where(Device.id == device.id)
            .values(state=from_state.value, handover_id=handover.id)
        )
        db.session.expire(device)
    events = db.session.scalar(sa.select(sa.func.count(DeviceEvent.id)))
    if to_state in ALLOWED.get(from_state, ()):
        move_device(device, to_state, actor=s.staff, reason="check", handover_id=handover.id)
        db.session.flush()
        assert device.state == to_state
        assert db.session.scalar(sa.select(sa.func.count(DeviceEvent.id))) == events + 1
    else:
        with pytest.raises(IllegalDeviceMove):
            move_device(device, to_state, actor=s.staff)
    db.session.rollback()


# Reminders ------------------------------------------------------------------------------------


def _mails():
    return db.session.scalars(
        sa.select(OutgoingMail.subject)
        .where(OutgoingMail.topic == "device-check-in")
        .order_by(OutgoingMail.id)
    ).all()


def test_reminders_go_seven_days_before_and_once_overdue(laptops, client, login, app):
    s, devices, six = _handed_over(laptops, client, login, days_ago=1)
    forget_queued_mail()
    today = six.due_on - timedelta(days=8)
    assert send_reminders(today) == 0
    assert send_reminders(six.due_on - timedelta(days=7)) == 1
    assert send_reminders(six.due_on - timedelta(days=6)) == 0  # at most once
    assert send_reminders(six.due_on) == 0
    assert send_reminders(six.due_on + timedelta(days=1)) == 1  # overdue
    assert send_reminders(six.due_on + timedelta(days=30)) == 0
    subjects = _mails()
    assert len(subjects) == 2
    # in the school staff's language (Thai unless they chose English)
    assert subjects[0].startswith("ใกล้ถึงกำหนดติดตามสถานะอุปกรณ์")
    assert subjects[1].startswith("เลยกำหนดติดตามสถานะอุปกรณ์")
    mail = db.session.scalar(sa.select(OutgoingMail).order_by(OutgoingMail.id.desc()))
    assert mail.to_address == s.school_user.email
    assert f"/devices/check-ins/{six.id}" in mail.body


def test_an_answered_check_in_is_not_mailed(laptops, client, login, app):
    s, devices, six = _handed_over(laptops, client, login, days_ago=190)
    assert client.post(f"/devices/check-ins/{six.id}", data=_answer(devices)).status_code == 303
    forget_queued_mail()
    assert send_reminders(six.due_on + timedelta(days=3)) == 0
    assert _mails() == []


def test_the_claim_is_one_conditional_update(laptops, client, login, app):
    s, devices, six = _handed_over(laptops, client, login)
    assert claim_reminder(CheckInDue, six.id, "overdue_mailed_at") is True
    assert claim_reminder(CheckInDue, six.id, "overdue_mailed_at") is False
    db.session.rollback()


def test_two_workers_mail_each_reminder_once(laptops, client, login, app):
    """Two workers' passes at the same moment, each in its own thread and session."""
    s, devices, six = _handed_over(laptops, client, login, days_ago=200, quantity=2)
    forget_queued_mail()
    db.session.remove()
    barrier, errors, counts = threading.Barrier(2), [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                counts.append(send_reminders())
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(counts) == [0, 1]
    assert len(_mails()) == 1


def test_the_worker_pass_and_the_command_send_reminders(laptops, client, login, app):
    from partnership.notifications.worker import worker_pass

    s, devices, six = _handed_over(laptops, client, login, days_ago=200)
    forget_queued_mail()
    worker_pass.send(app)
    assert len(_mails()) == 1
    result = app.test_cli_runner().invoke(args=["devices", "remind"])
    assert "check-in reminders queued: 0" in result.output
