"""Devices as CSV and Excel: staff's file of every device (filtered by campaign, state and
province), a school's asset register of its own devices, and the public trail's counts by kind
and model (never a serial number or a name from the school, as on the trail page)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from ..campaigns.models import Campaign
from ..core.exports import Column, Kind
from ..core.forms import QueryForm
from ..core.inputs import DB_INT_MAX
from ..extensions import db
from ..i18n import current_language
from ..registry.models import School
from ..registry.provinces import province_choices, province_name
from ..spending.models import DisbursementLine
from .models import Device, DeviceCheckIn, DeviceState, Handover


class DeviceFilters(QueryForm):
    """Staff's filters of the devices file, read from the query string."""

    campaign = IntegerField(
        _l("Campaign number"), validators=[Optional(), NumberRange(1, DB_INT_MAX)]
    )
    state = SelectField(_l("State"), choices=[], validators=[Optional()])
    province = SelectField(_l("Province"), choices=[], validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [("", _l("All states"))] + DeviceState.choices()
        self.province.choices = [("", _l("All provinces"))] + province_choices(current_language())

    def apply(self, query: sa.Select) -> sa.Select:
        if self.campaign.data:
            query = query.where(Device.campaign_id == self.campaign.data)
        if self.state.data:
            query = query.where(Device.state == DeviceState(self.state.data))
        if self.province.data:
            query = query.where(School.province_code == self.province.data)
        return query

    def args(self) -> dict:
        return {
            name: self[name].data
            for name in ("campaign", "state", "province")
            if not self[name].errors and self[name].data
        }


@dataclass(frozen=True)
class DeviceRow:
    device: Device
    campaign: str
    school: str
    province: str
    disbursement_id: int
    received_on: object
    check_in: DeviceCheckIn | None

    @property
    def answer(self):
        return DeviceState(self.check_in.status) if self.check_in is not None else None


def _device(read):
    return lambda row: read(row.device)


COLUMNS = [
    Column(_l("Device"), _device(lambda d: d.id), Kind.INT),
    Column(_l("Campaign number"), _device(lambda d: d.campaign_id), Kind.INT),
    Column(_l("Campaign"), lambda row: row.campaign),
    Column(_l("School"), lambda row: row.school),
    Column(_l("Province"), lambda row: row.province),
    Column(_l("Disbursement"), lambda row: row.disbursement_id, Kind.INT),
    Column(_l("Kind"), _device(lambda d: d.kind)),
    Column(_l("Model"), _device(lambda d: d.model)),
    Column(_l("Serial number"), _device(lambda d: d.serial)),
    Column(_l("Asset number"), _device(lambda d: d.asset_number)),
    Column(_l("State"), _device(lambda d: d.state)),
    Column(_l("Recorded at"), _device(lambda d: d.created_at), Kind.DATETIME),
    Column(_l("Received on"), lambda row: row.received_on, Kind.DATE),
    Column(_l("Last check-in"), lambda row: row.check_in and row.check_in.at, Kind.DATETIME),
    Column(_l("Last check-in answer"), lambda row: row.answer),
    Column(_l("Last check-in note"), lambda row: row.check_in.note if row.check_in else ""),
]


def _rows(query: sa.Select) -> list[DeviceRow]:
    """One query, however many devices: campaign, school, handover day and the latest
    check-in answer of each device joined in."""
    lang = current_language()
    latest = (
        sa.select(DeviceCheckIn.device_id, sa.func.max(DeviceCheckIn.id).label("id"))
        .group_by(DeviceCheckIn.device_id)
        .subquery()
    )
    query = (
        query.add_columns(
            Campaign.title,
            School.name_th,
            School.name_en,
            School.province_code,
            DisbursementLine.disbursement_id,
            Handover.received_on,
            DeviceCheckIn,
        )
        .join(DisbursementLine, DisbursementLine.id == Device.disbursement_line_id)
        .outerjoin(Handover, Handover.id == Device.handover_id)
        .outerjoin(latest, latest.c.device_id == Device.id)
        .outerjoin(DeviceCheckIn, DeviceCheckIn.id == latest.c.id)
        .order_by(School.name_th, Device.campaign_id, Device.kind, Device.serial)
    )
    return [
        DeviceRow(
            device=device,
            campaign=title,
            school=name_en if lang == "en" and name_en else name_th,
            province=province_name(province, lang),
            disbursement_id=disbursement_id,
            received_on=received_on,
            check_in=check_in,
        )
        for device, title, name_th, name_en, province, disbursement_id, received_on, check_in
        in db.session.execute(query)
    ]  # fmt: skip


def _devices() -> sa.Select:
    return (
        sa.select(Device)
        .join(Campaign, Campaign.id == Device.campaign_id)
        .join(School, School.id == Campaign.school_id)
    )


def staff_rows(filters: DeviceFilters) -> list[DeviceRow]:
    return _rows(filters.apply(_devices()))


def school_rows(school_id: int) -> list[DeviceRow]:
    """The school's asset register: every device of every campaign of the school."""
    return _rows(_devices().where(Campaign.school_id == school_id))


#: The trail page's table "By kind and model", and nothing else.
TRAIL_COLUMNS = [
    Column(_l("Kind"), lambda m: m.kind),
    Column(_l("Model"), lambda m: m.model),
    Column(_l("Delivered"), lambda m: m.delivered, Kind.INT),
    Column(lazy_pgettext("device state", "Not received"), lambda m: m.not_received, Kind.INT),
    Column(lazy_pgettext("device state", "In use"), lambda m: m.in_use, Kind.INT),
    Column(lazy_pgettext("device state", "Broken"), lambda m: m.broken, Kind.INT),
    Column(_l("Lost or stolen"), lambda m: m.lost_or_stolen, Kind.INT),
]
