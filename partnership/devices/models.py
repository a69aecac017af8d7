"""Devices bought by a disbursement, each followed from its invoice line to the classroom: the
school's handover (ใบตรวจรับพัสดุ) and its check-ins at 6 and 12 months."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryMixin, history_of
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..campaigns.models import Campaign
    from ..spending.models import DisbursementLine


class DeviceKind(LabelledEnum):
    LAPTOP = "laptop"
    TABLET = "tablet"
    DESKTOP = "desktop"
    PROJECTOR = "projector"
    #: Bags, chargers, mice: anything that comes with a device.
    ACCESSORY = "accessory"
    OTHER = "other"


LABELS[DeviceKind] = {
    DeviceKind.LAPTOP: lazy_pgettext("device kind", "Laptop"),
    DeviceKind.TABLET: lazy_pgettext("device kind", "Tablet"),
    DeviceKind.DESKTOP: lazy_pgettext("device kind", "Desktop computer"),
    DeviceKind.PROJECTOR: lazy_pgettext("device kind", "Projector"),
    DeviceKind.ACCESSORY: lazy_pgettext("device kind", "Bag or accessory"),
    DeviceKind.OTHER: lazy_pgettext("device kind", "Other"),
}


class DeviceState(LabelledEnum):
    #: Recorded by staff from the invoice; the school has not confirmed it arrived.
    RECORDED = "recorded"
    #: The school confirmed it on the signed handover form.
    RECEIVED = "received"
    #: At the last check-in: used in class.
    IN_USE = "in_use"
    BROKEN = "broken"
    LOST = "lost"
    STOLEN = "stolen"


LABELS[DeviceState] = {
    DeviceState.RECORDED: lazy_pgettext("device state", "Not received"),
    DeviceState.RECEIVED: lazy_pgettext("device state", "Received"),
    DeviceState.IN_USE: lazy_pgettext("device state", "In use"),
    DeviceState.BROKEN: lazy_pgettext("device state", "Broken"),
    DeviceState.LOST: lazy_pgettext("device state", "Lost"),
    DeviceState.STOLEN: lazy_pgettext("device state", "Stolen"),
}
#: What a check-in may say about a device.
CHECK_IN_STATES = (DeviceState.IN_USE, DeviceState.BROKEN, DeviceState.LOST, DeviceState.STOLEN)
#: The months after the handover at which the school checks its devices.
CHECK_IN_MONTHS = (6, 12)


class Handover(db.Model):
    """The school's receipt of devices (ใบตรวจรับพัสดุ): the day, who signed, the signed form.

    The form is private (staff and the school's staff): it carries names and signatures."""

    __tablename__ = "device_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    #: The day the devices arrived at the school (Bangkok calendar); check-ins count from it.
    received_on: Mapped[date] = mapped_column(sa.Date)
    #: Who received them at the school, as signed on the form (never shown to the public).
    received_by_name: Mapped[str] = mapped_column(sa.String(120))
    form_key: Mapped[str] = mapped_column(sa.String(80))
    form_name: Mapped[str] = mapped_column(sa.String(200), default="")
    form_content_type: Mapped[str] = mapped_column(sa.String(80))
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    confirmed_by: Mapped[User | None] = relationship()
    devices: Mapped[list[Device]] = relationship(
        back_populates="handover", order_by="Device.id", viewonly=True
    )
    check_ins: Mapped[list[CheckInDue]] = relationship(
        back_populates="handover", order_by="CheckInDue.months"
    )

    def can_view(self, user) -> bool:
        """The signed form: staff and the staff of the campaign's school."""
        return bool(
            user.is_authenticated
            and (user.is_staff or user.is_school_staff_of(self.campaign.school_id))
        )


class Device(db.Model):
    """One device from one invoice line, by its serial number."""

    __tablename__ = "devices"
    __table_args__ = (
        sa.UniqueConstraint("kind", "serial", name="uq_devices_kind_serial"),
        sa.CheckConstraint("serial <> ''", name="serial_present"),
        sa.CheckConstraint(
            "state = 'recorded' OR handover_id IS NOT NULL", name="received_has_handover"
        ),
        sa.Index("ix_devices_campaign_id_state", "campaign_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The campaign of the disbursement (kept here so the trail counts without joins).
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    disbursement_line_id: Mapped[int] = mapped_column(
        sa.ForeignKey("disbursement_lines.id"), index=True
    )
    kind: Mapped[DeviceKind] = mapped_column(enum_type(DeviceKind, "device_kind"))
    model: Mapped[str] = mapped_column(sa.String(120))
    serial: Mapped[str] = mapped_column(sa.String(80))
    state: Mapped[DeviceState] = mapped_column(
        enum_type(DeviceState, "device_state"), default=DeviceState.RECORDED
    )
    handover_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("device_handovers.id"), index=True
    )
    #: The school's own asset number (เลขครุภัณฑ์), if it gives one.
    asset_number: Mapped[str] = mapped_column(sa.String(80), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    line: Mapped[DisbursementLine] = relationship()
    handover: Mapped[Handover | None] = relationship(back_populates="devices")
    events: Mapped[list[DeviceEvent]] = history_of("DeviceEvent", back_populates="device")


class DeviceEvent(HistoryMixin, db.Model):
    """Append-only history of a device: recorded, received, each check-in, with who and why."""

    __tablename__ = "device_events"

    device_id: Mapped[int] = mapped_column(sa.ForeignKey("devices.id"), index=True)

    device: Mapped[Device] = relationship(back_populates="events")


class CheckInDue(db.Model):
    """A check-in the school owes for one handover's devices, 6 or 12 months after it.

    ``soon_mailed_at`` and ``overdue_mailed_at`` are the reminder claims: each is set by one
    conditional UPDATE before its mail is queued, so each reminder goes at most once."""

    __tablename__ = "device_check_ins_due"
    __table_args__ = (
        sa.UniqueConstraint("handover_id", "months", name="uq_device_check_ins_due_round"),
        sa.CheckConstraint("months IN (6, 12)", name="months_known"),
        sa.CheckConstraint("(done_at IS NULL) = (done_by_id IS NULL)", name="done_has_actor"),
        sa.Index("ix_device_check_ins_due_open", "done_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(sa.ForeignKey("device_handovers.id"))
    months: Mapped[int] = mapped_column(sa.SmallInteger)
    due_on: Mapped[date] = mapped_column(sa.Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The reminder 7 days before the due date was claimed (queued) then.
    soon_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The reminder that it is overdue was claimed (queued) then.
    overdue_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    handover: Mapped[Handover] = relationship(back_populates="check_ins")

    def can_answer(self, user) -> bool:
        return self.handover.can_view(user)


class DeviceCheckIn(db.Model):
    """What the school said about one device at one check-in (with its note)."""

    __tablename__ = "device_check_ins"
    __table_args__ = (
        sa.UniqueConstraint("device_id", "due_id", name="uq_device_check_ins_device_due"),
        sa.CheckConstraint(
            "status IN ('in_use', 'broken', 'lost', 'stolen')", name="status_checked"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(sa.ForeignKey("devices.id"), index=True)
    due_id: Mapped[int] = mapped_column(sa.ForeignKey("device_check_ins_due.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    device: Mapped[Device] = relationship()
