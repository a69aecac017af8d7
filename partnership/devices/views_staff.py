"""Staff pages: record devices from a paid invoice line; devices not received; check-ins due."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..campaigns.models import Campaign
from ..core.exports import filtered_download
from ..core.pagination import paginate
from ..core.unit_of_work import discard_changes
from ..db_types import utcnow
from ..extensions import db
from ..i18n import to_bangkok
from ..permissions import staff_required
from ..spending.models import Disbursement, DisbursementLine
from .exports import COLUMNS, DeviceFilters, staff_rows
from .forms import DeviceEntryForm
from .models import Device, DeviceKind
from .services import (
    LineNotPaid,
    SerialTaken,
    TooManyDevices,
    lines_of_campaign,
    not_received,
    open_check_ins,
    paid_line,
    record_devices,
)

bp = Blueprint("devices_staff", __name__)


@bp.get("/staff/campaigns/<int:campaign_id>/devices")
@staff_required
def campaign_lines(campaign_id: int):
    """The campaign's paid invoice lines and how many devices each has recorded."""
    campaign = db.get_or_404(Campaign, campaign_id)
    lines = lines_of_campaign(campaign.id)
    counts = dict(
        db.session.execute(
            sa.select(Device.disbursement_line_id, sa.func.count(Device.id))
            .where(Device.campaign_id == campaign.id)
            .group_by(Device.disbursement_line_id)
        ).all()
    )
    return render_template(
        "devices/staff_lines.html", campaign=campaign, lines=lines, counts=counts
    )


@bp.route("/staff/disbursement-lines/<int:line_id>/devices", methods=["GET", "POST"])
@staff_required
def line_devices(line_id: int):
    """Paste the serial numbers of one invoice line, one per line."""
    line = db.session.scalar(
        sa.select(DisbursementLine)
        .where(DisbursementLine.id == line_id)
        .options(
            joinedload(DisbursementLine.disbursement).joinedload(Disbursement.campaign),
            joinedload(DisbursementLine.budget_line),
        )
    )
    if line is None:
        abort(404)
    recorded = db.session.scalars(
        sa.select(Device).where(Device.disbursement_line_id == line.id).order_by(Device.id)
    ).all()
    room = max(0, line.quantity - len(recorded))
    form = DeviceEntryForm(room=room)
    if not form.is_submitted() and recorded:
        form.kind.data, form.model.data = recorded[-1].kind.value, recorded[-1].model
    is_paid = paid_line(line)
    if is_paid and form.validate_on_submit():
        try:
            devices = record_devices(
                line,
                kind=DeviceKind(form.kind.data),
                model=form.model.data.strip(),
                serials=form.serial_list,
                actor=current_user,
            )
        except (SerialTaken, TooManyDevices, LineNotPaid) as error:
            discard_changes()
            form.serials.errors = [error.user_message()]
        else:
            flash(_("%(n)d devices are recorded.", n=len(devices)), "success")
            return redirect(url_for("devices_staff.line_devices", line_id=line.id), 303)
    status = 200 if not form.is_submitted() else (422 if is_paid else 409)
    return render_template(
        "devices/staff_line.html",
        line=line,
        campaign=line.disbursement.campaign,
        recorded=recorded,
        room=room,
        form=form,
        is_paid=is_paid,
    ), status


@bp.get("/staff/devices/not-received")
@staff_required
def waiting():
    """Devices the school has not confirmed, oldest first, with their campaign and school."""
    query = not_received().options(
        joinedload(Device.line)
        .joinedload(DisbursementLine.disbursement)
        .joinedload(Disbursement.campaign)
        .joinedload(Campaign.school)
    )
    return render_template(
        "devices/staff_waiting.html", page=paginate(query), filters=DeviceFilters(formdata=None)
    )


@bp.get("/staff/devices.<any(csv, xlsx):fmt>")
@staff_required
def export(fmt: str):
    """Every device the filters keep (campaign, state, province), with its last check-in."""
    return filtered_download(
        fmt, DeviceFilters(request.args), COLUMNS, staff_rows, "devices", "devices"
    )


@bp.get("/staff/devices/check-ins")
@staff_required
def check_ins():
    """Check-ins open or overdue at every school, soonest first."""
    today = to_bangkok(utcnow()).date()
    return render_template(
        "devices/staff_check_ins.html", page=paginate(open_check_ins(today)), today=today
    )
