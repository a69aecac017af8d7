"""The public trail of a campaign: from the donation to the devices in class."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from ..campaigns.models import Campaign
from ..core.exports import download
from ..extensions import db
from ..i18n import current_academic_year, current_language
from .access import can_handle_devices
from .exports import TRAIL_COLUMNS
from .models import Device, DeviceKind, DeviceState, Handover
from .trail import model_counts, trail_of

bp = Blueprint("devices", __name__)


@bp.get("/campaigns/<int:campaign_id>/trail")
def trail(campaign_id: int):
    """Raised, spent, what was bought, devices delivered and where they are: counts only."""
    campaign = db.get_or_404(Campaign, campaign_id)
    if not campaign.can_view(current_user):
        abort(404)
    return render_template(
        "devices/trail.html", campaign=campaign, trail=trail_of(campaign, current_language())
    )


@bp.get("/campaigns/<int:campaign_id>/trail.<any(csv, xlsx):fmt>")
def trail_export(campaign_id: int, fmt: str):
    """The trail's devices by kind and model: the counts the page shows, nothing more."""
    campaign = db.get_or_404(Campaign, campaign_id)
    if not campaign.can_view(current_user):
        abort(404)
    stem = f"campaign-{campaign.id}-devices"
    rows = model_counts(campaign.id)
    return download(fmt, TRAIL_COLUMNS, rows, stem, "devices", private=False)


def campaign_section(campaign: Campaign, **_page) -> dict:
    """On the campaign page: the trail link, and the devices page for its school and staff."""
    values = {"trail_url": url_for("devices.trail", campaign_id=campaign.id)}
    if can_handle_devices(campaign, current_user):
        values["devices_url"] = url_for("devices_school.devices", campaign_id=campaign.id)
    return values


def thanks_section(donation) -> dict:
    """On the thank-you page of a paid gift: follow it to the classroom."""
    if not donation.is_paid:
        return {}
    return {"trail_url": url_for("devices.trail", campaign_id=donation.campaign_id)}


def school_page_section(school, **_extra) -> dict:
    """``registry.hooks.school_page``: the computers (laptops, tablets, desktops) the school
    received through the programme and still has, per academic year of the handover, for pupils
    per computer after the programme (one query)."""
    rows = db.session.execute(
        sa.select(Handover.received_on, sa.func.count(Device.id))
        .join(Device, Device.handover_id == Handover.id)
        .join(Campaign, Campaign.id == Handover.campaign_id)
        .where(
            Campaign.school_id == school.id,
            Device.kind.in_((DeviceKind.LAPTOP, DeviceKind.TABLET, DeviceKind.DESKTOP)),
            Device.state.in_((DeviceState.RECEIVED, DeviceState.IN_USE)),
        )
        .group_by(Handover.received_on)
    )
    delivered: dict[int, int] = {}
    for received_on, count in rows:
        year = current_academic_year(received_on)
        delivered[year] = delivered.get(year, 0) + count
    return {"computers_delivered": delivered}
