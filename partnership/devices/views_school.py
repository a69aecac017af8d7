"""The school's pages: its devices, the handover (ใบตรวจรับพัสดุ), check-ins, the signed form."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..campaigns.models import Campaign
from ..core.exports import download
from ..core.storage import send_private
from ..core.unit_of_work import discard_changes
from ..db_types import utcnow
from ..extensions import db
from ..i18n import to_bangkok
from ..permissions import require
from ..registry.models import School
from .access import can_handle_devices
from .exports import COLUMNS, school_rows
from .forms import check_in_form, handover_form
from .models import CheckInDue, Device, DeviceState, Handover
from .services import (
    HandoverRefused,
    IllegalDeviceMove,
    check_in_open,
    confirm_handover,
    handovers_of,
    open_check_ins,
    record_check_in,
    store_signed_form,
    waiting_devices,
)

bp = Blueprint("devices_school", __name__)


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.get_or_404(Campaign, campaign_id)
    require(can_handle_devices(campaign, current_user))
    return campaign


def _today():
    return to_bangkok(utcnow()).date()


@bp.get("/campaigns/<int:campaign_id>/devices")
def devices(campaign_id: int):
    """Every device of the campaign with its state, the handovers and the open check-ins."""
    campaign = _campaign(campaign_id)
    all_devices = db.session.scalars(
        sa.select(Device)
        .where(Device.campaign_id == campaign.id)
        .order_by(Device.kind, Device.serial)
    ).all()
    return render_template(
        "devices/school_devices.html",
        campaign=campaign,
        devices=all_devices,
        waiting=[d for d in all_devices if d.handover_id is None],
        handovers=handovers_of(campaign.id),
        check_ins=db.session.scalars(open_check_ins(_today(), campaign_id=campaign.id)).all(),
        is_open=lambda due: check_in_open(due, _today()),
    )


@bp.get("/schools/<int:school_id>/devices.<any(csv, xlsx):fmt>")
def export(school_id: int, fmt: str):
    """The school's asset register: every device of its campaigns (staff and its staff)."""
    school = db.get_or_404(School, school_id)
    require(current_user.is_authenticated and (
        current_user.is_staff or current_user.is_school_staff_of(school.id)))  # fmt: skip
    return download(
        fmt, COLUMNS, school_rows(school.id), f"school-{school.code}-devices", "devices"
    )


@bp.route("/campaigns/<int:campaign_id>/devices/handover", methods=["GET", "POST"])
def handover(campaign_id: int):
    """Tick the serials that arrived, with the date, who signed and the signed form."""
    campaign = _campaign(campaign_id)
    waiting = waiting_devices(campaign.id)
    form = handover_form(waiting)
    if not form.is_submitted():
        form.received_on.data = form.received_on.data or _today()
    if form.validate_on_submit():
        ticked = [d for d in waiting if d.id in set(form.devices.data)]
        upload = form.signed_form.data
        try:
            signed = store_signed_form(upload.read(), upload.filename)
            confirm_handover(
                campaign,
                devices=ticked,
                received_on=form.received_on.data,
                received_by_name=form.received_by.data.strip(),
                asset_numbers={d.id: (form.asset_field(d.id).data or "").strip() for d in ticked},
                signed_form=signed,
                actor=current_user,
            )
        except HandoverRefused as error:
            discard_changes()
            form.signed_form.errors = [error.user_message()]
        except IllegalDeviceMove as error:
            discard_changes()
            form.devices.errors = [error.user_message()]
        else:
            flash(
                _(
                    "%(n)d devices are confirmed as received. Thank you.",
                    n=len(ticked),
                ),
                "success",
            )
            return redirect(url_for("devices_school.devices", campaign_id=campaign.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "devices/handover.html", campaign=campaign, form=form, waiting=waiting
    ), status


@bp.get("/devices/handovers/<int:handover_id>/form")
def signed_form(handover_id: int):
    """The signed handover form: staff and the school's staff only, never cached."""
    handover = db.get_or_404(Handover, handover_id)
    require(handover.can_view(current_user))
    return send_private(
        handover.form_key,
        handover.form_name or "handover",
        content_type=handover.form_content_type,
        inline=True,
    )


@bp.route("/devices/check-ins/<int:due_id>", methods=["GET", "POST"])
def check_in(due_id: int):
    """Mark each device of a handover in use, broken, lost or stolen, with a note."""
    due = db.get_or_404(CheckInDue, due_id)
    require(due.can_answer(current_user))
    handover = due.handover
    devices = handover.devices
    form = check_in_form(devices)
    is_open = check_in_open(due, _today())
    if is_open and form.validate_on_submit():
        # a check-in answered meanwhile (CheckInRefused) goes to the one refusal handler
        record_check_in(due, answers=form.answers(devices), actor=current_user)
        flash(_("Thank you: the check-in is recorded."), "success")
        return redirect(url_for("devices_school.devices", campaign_id=handover.campaign_id), 303)
    status = 422 if form.is_submitted() and is_open else (409 if form.is_submitted() else 200)
    return render_template(
        "devices/check_in.html",
        due=due,
        handover=handover,
        campaign=handover.campaign,
        devices=devices,
        form=form,
        is_open=is_open,
    ), status


def school_dashboard_section(user, schools=(), **_extra) -> Markup | None:
    """``applications.signals.school_dashboard``: per campaign of the school, the devices
    waiting for the school's confirmation and the check-ins open now (two queries, whatever the
    number of campaigns or devices)."""
    school_ids = [school.id for school in schools]
    if not school_ids:
        return None
    waiting = dict(
        db.session.execute(
            sa.select(Device.campaign_id, sa.func.count())
            .join(Campaign, Campaign.id == Device.campaign_id)
            .where(Campaign.school_id.in_(school_ids), Device.state == DeviceState.RECORDED)
            .group_by(Device.campaign_id)
        ).all()
    )
    today = _today()
    check_ins = [
        due
        for school_id in school_ids
        for due in db.session.scalars(open_check_ins(today, school_id=school_id)).unique()
    ]
    if not waiting and not check_ins:
        return None
    titles = dict(
        db.session.execute(
            sa.select(Campaign.id, Campaign.title).where(Campaign.id.in_(list(waiting)))
        ).all()
    )
    return Markup(
        render_template(
            "devices/_dashboard.html",
            waiting=[(cid, titles.get(cid, ""), n) for cid, n in sorted(waiting.items())],
            check_ins=check_ins,
            today=today,
        )
    )
