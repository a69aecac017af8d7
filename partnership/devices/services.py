"""The rules of devices: recorded from a paid invoice line, received on the school's signed
handover, checked at 6 and 12 months. Services flush; the request commits (STYLE.md 1, 15)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from ..campaigns.figures import note
from ..campaigns.models import Campaign
from ..core.storage import new_key, save_file
from ..core.transitions import StaleState, TransitionRefused, compare_and_set, hold_row, move
from ..core.unit_of_work import Refused
from ..core.uploads import RefusedFile, checked_content, clean_filename, sniff_type
from ..db_types import utcnow
from ..extensions import db
from ..spending.models import Disbursement, DisbursementLine, DisbursementState
from .models import (
    CHECK_IN_MONTHS,
    CheckInDue,
    Device,
    DeviceCheckIn,
    DeviceEvent,
    DeviceKind,
    DeviceState,
    Handover,
)

#: The moves of a device: the school confirms it, then each check-in says where it stands (a
#: broken laptop may be repaired, a lost one found).
CHECKED = frozenset({DeviceState.IN_USE, DeviceState.BROKEN, DeviceState.LOST, DeviceState.STOLEN})
ALLOWED: dict[DeviceState, frozenset[DeviceState]] = {
    DeviceState.RECORDED: frozenset({DeviceState.RECEIVED}),
    DeviceState.RECEIVED: CHECKED,
    **{state: CHECKED for state in CHECKED},
}
#: A check-in can be answered from this many days before its due date.
CHECK_IN_OPENS_DAYS = 30


class IllegalDeviceMove(TransitionRefused):
    message = _l("The device has changed in the meantime. Reload the page and check it again.")


class LineNotPaid(Refused):
    message = _l("Devices are recorded only from the lines of a paid disbursement.")


class TooManyDevices(Refused):
    message = _l("This invoice line has no room for that many more devices.")


class SerialTaken(Refused):
    message = _l(
        "One of these serial numbers was recorded by someone else in the meantime. "
        "Nothing was saved: check the list and send it again."
    )


class HandoverRefused(Refused):
    """The signed form is not a PDF or image we can read, or no device was ticked."""

    def user_message(self) -> str:
        return str(self.args[0]) if self.args else super().user_message()


class CheckInRefused(Refused):
    message = _l("This check-in was already sent (perhaps by a colleague). Nothing was changed.")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def move_device(device: Device, to_state: DeviceState, *, actor, reason: str = "", **values):
    """One move of a device (a conditional UPDATE) and its history event."""
    from_state = move(
        device,
        to_state,
        allowed=ALLOWED,
        illegal=lambda _f, _t: IllegalDeviceMove(),
        values=values,
    )
    if from_state == DeviceState.RECORDED:
        count_devices(device.campaign_id, confirmed=1)
    db.session.add(
        DeviceEvent(
            device_id=device.id,
            actor_id=getattr(actor, "id", None),
            from_state=from_state.value,
            to_state=to_state.value,
            reason=reason,
        )
    )


def count_devices(campaign_id: int, *, recorded: int = 0, confirmed: int = 0) -> None:
    """Move the campaign's device counters in this transaction (the dashboards read them;
    ``flask ledger verify`` recounts them: ``devices_counted``)."""
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign_id)
        .values(
            devices_recorded=Campaign.devices_recorded + recorded,
            devices_confirmed=Campaign.devices_confirmed + confirmed,
        ),
        execution_options={"synchronize_session": False},
    )
    note(campaign_id, devices_recorded=recorded, devices_confirmed=confirmed)


def devices_counted() -> list[str]:
    """Every campaign whose device counters differ from its devices, as readable lines."""
    confirmed = sa.func.count(Device.id).filter(Device.state != DeviceState.RECORDED)
    counted = (
        sa.select(
            Device.campaign_id,
            sa.func.count(Device.id).label("recorded"),
            confirmed.label("confirmed"),
        )
        .group_by(Device.campaign_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Campaign.id,
            Campaign.devices_recorded,
            Campaign.devices_confirmed,
            sa.func.coalesce(counted.c.recorded, 0),
            sa.func.coalesce(counted.c.confirmed, 0),
        )
        .outerjoin(counted, counted.c.campaign_id == Campaign.id)
        .where(
            (Campaign.devices_recorded != sa.func.coalesce(counted.c.recorded, 0))
            | (Campaign.devices_confirmed != sa.func.coalesce(counted.c.confirmed, 0))
        )
        .order_by(Campaign.id)
    )
    return [
        f"campaign {campaign_id}: devices recorded cached {rec}, counted {real_rec}; "
        f"confirmed cached {conf}, counted {real_conf}"
        for campaign_id, rec, conf, real_rec, real_conf in rows
    ]


# Recording from the invoice -------------------------------------------------------------------


def paid_line(line: DisbursementLine) -> bool:
    return line.disbursement.state == DisbursementState.PAID


def devices_on_line(line_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Device.id)).where(Device.disbursement_line_id == line_id)
    )


def serials_taken(kind: DeviceKind, serials: Iterable[str]) -> set[str]:
    """Which of ``serials`` are already recorded for a device of ``kind``."""
    wanted = list(dict.fromkeys(serials))
    if not wanted:
        return set()
    return set(
        db.session.scalars(
            sa.select(Device.serial).where(Device.kind == kind, Device.serial.in_(wanted))
        )
    )


def record_devices(
    line: DisbursementLine, *, kind: DeviceKind, model: str, serials: list[str], actor
) -> list[Device]:
    """Record one device per serial from a paid invoice line, never more than its quantity.

    Two staff pasting for the same line take turns on the line's row; a serial recorded in the
    meantime is refused by the database's (kind, serial) constraint and nothing is saved."""
    if not paid_line(line):
        raise LineNotPaid()
    hold_row(DisbursementLine, line.id)
    if devices_on_line(line.id) + len(serials) > line.quantity:
        raise TooManyDevices()
    devices = [
        Device(
            campaign_id=line.disbursement.campaign_id,
            disbursement_line_id=line.id,
            kind=kind,
            model=model,
            serial=serial,
            state=DeviceState.RECORDED,
            recorded_by_id=getattr(actor, "id", None),
        )
        for serial in serials
    ]
    try:
        with db.session.begin_nested():
            db.session.add_all(devices)
    except sa.exc.IntegrityError:
        raise SerialTaken() from None
    count_devices(line.disbursement.campaign_id, recorded=len(devices))
    for device in devices:
        device.events.append(
            DeviceEvent(actor_id=getattr(actor, "id", None), to_state=DeviceState.RECORDED.value)
        )
    db.session.flush()
    return devices


def lines_of_campaign(campaign_id: int) -> list[DisbursementLine]:
    """The paid disbursements' lines of a campaign, each with its budget line (staff page)."""
    return list(
        db.session.scalars(
            sa.select(DisbursementLine)
            .join(Disbursement)
            .where(
                Disbursement.campaign_id == campaign_id,
                Disbursement.state == DisbursementState.PAID,
            )
            .options(joinedload(DisbursementLine.budget_line))
            .order_by(Disbursement.paid_on, DisbursementLine.id)
        )
    )


# The handover -------------------------------------------------------------------------------

FORM_TYPES = ("application/pdf", "image/jpeg", "image/png")


def store_signed_form(data: bytes, filename: str | None) -> tuple[str, str, str]:
    """Parse the signed handover form (PDF or image) and store it: (key, name, content type).

    The file goes with the transaction: a refused handover leaves no file behind."""
    content_type = sniff_type(data[:16])
    if content_type not in FORM_TYPES:
        raise HandoverRefused(_l("The signed form must be a PDF, JPEG or PNG file."))
    name = clean_filename(filename, content_type)
    try:
        stored = checked_content(data, content_type, name)
    except RefusedFile as error:
        raise HandoverRefused(str(error)) from error
    key = new_key(content_type, "handovers")
    save_file(key, stored, content_type)
    return key, name, content_type


def confirm_handover(
    campaign: Campaign,
    *,
    devices: list[Device],
    received_on: date,
    received_by_name: str,
    asset_numbers: Mapping[int, str],
    signed_form: tuple[str, str, str],
    actor,
) -> Handover:
    """The school confirms the ticked devices arrived: each moves recorded → received once (a
    device a colleague confirmed in the meantime refuses the whole form), and the 6- and
    12-month check-ins fall due from ``received_on``."""
    if not devices:
        raise HandoverRefused(_l("Tick at least one device that arrived."))
    key, name, content_type = signed_form
    handover = Handover(
        campaign_id=campaign.id,
        received_on=received_on,
        received_by_name=received_by_name,
        form_key=key,
        form_name=name,
        form_content_type=content_type,
        confirmed_by_id=getattr(actor, "id", None),
    )
    db.session.add(handover)
    db.session.flush()
    for device in devices:
        if device.campaign_id != campaign.id:
            raise IllegalDeviceMove()
        move_device(
            device,
            DeviceState.RECEIVED,
            actor=actor,
            handover_id=handover.id,
            asset_number=asset_numbers.get(device.id, ""),
        )
    for months in CHECK_IN_MONTHS:
        db.session.add(
            CheckInDue(
                handover_id=handover.id, months=months, due_on=add_months(received_on, months)
            )
        )
    db.session.flush()
    return handover


def waiting_devices(campaign_id: int) -> list[Device]:
    """A campaign's devices the school has not confirmed, in the order they were recorded."""
    return list(
        db.session.scalars(
            sa.select(Device)
            .where(Device.campaign_id == campaign_id, Device.state == DeviceState.RECORDED)
            .order_by(Device.kind, Device.serial)
        )
    )


def not_received():
    """Every device still waiting for the school's confirmation, oldest first (staff)."""
    return (
        sa.select(Device)
        .where(Device.state == DeviceState.RECORDED)
        .options(joinedload(Device.line).joinedload(DisbursementLine.disbursement))
        .order_by(Device.created_at, Device.id)
    )


# Check-ins ----------------------------------------------------------------------------------


def check_in_open(due: CheckInDue, today: date) -> bool:
    return due.done_at is None and today >= due.due_on - timedelta(days=CHECK_IN_OPENS_DAYS)


def record_check_in(
    due: CheckInDue, *, answers: Mapping[int, tuple[DeviceState, str]], actor
) -> None:
    """The school's answer for each device of the handover; the check-in is answered once."""
    try:
        compare_and_set(
            due,
            expected={"done_at": None, "done_by_id": None},
            values={"done_at": utcnow(), "done_by_id": actor.id},
        )
    except StaleState:
        raise CheckInRefused() from None
    for device in due.handover.devices:
        status, note = answers[device.id]
        move_device(device, status, actor=actor, reason=note)
        db.session.add(
            DeviceCheckIn(
                device_id=device.id, due_id=due.id, status=status.value, note=note, by_id=actor.id
            )
        )
    db.session.flush()


def open_check_ins(today: date, *, school_id: int | None = None, campaign_id: int | None = None):
    """Check-ins not answered that are open now (due within 30 days or overdue), soonest first."""
    query = (
        sa.select(CheckInDue)
        .join(Handover)
        .join(Campaign, Campaign.id == Handover.campaign_id)
        .where(
            CheckInDue.done_at.is_(None),
            CheckInDue.due_on <= today + timedelta(days=CHECK_IN_OPENS_DAYS),
        )
        .options(
            joinedload(CheckInDue.handover)
            .joinedload(Handover.campaign)
            .joinedload(Campaign.school)
        )
        .order_by(CheckInDue.due_on, CheckInDue.id)
    )
    if school_id is not None:
        query = query.where(Campaign.school_id == school_id)
    if campaign_id is not None:
        query = query.where(Handover.campaign_id == campaign_id)
    return query


def handovers_of(campaign_id: int) -> list[Handover]:
    return list(
        db.session.scalars(
            sa.select(Handover)
            .where(Handover.campaign_id == campaign_id)
            .options(selectinload(Handover.devices), selectinload(Handover.check_ins))
            .order_by(Handover.received_on, Handover.id)
        )
    )
