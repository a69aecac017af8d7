"""Donor pages: the privacy link (erase my data), and posting a campaign update."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..campaigns.models import Campaign
from ..campaigns.photos import WIDTHS, PhotoRejected, is_photo_key, send_sized
from ..core.unit_of_work import discard_changes
from ..extensions import db
from ..permissions import require
from .forms import CampaignUpdateForm, EraseForm
from .models import CampaignUpdatePhoto
from .privacy import LinkInvalid, donation_for_token, donations_of, erase_donor
from .updates import (
    PHOTO_FOLDER,
    can_post_update,
    can_see_private_photos,
    post_update,
    updates_of,
)

bp = Blueprint("donors", __name__)


def updates_section(campaign: Campaign, *, probes: dict, **_page) -> dict:
    """The campaign page's updates: asked for only when the page's statement found one
    (the ``updates`` probe, registered in ``init_app``)."""
    return {
        "campaign_updates": updates_of(campaign.id) if probes["updates"] else [],
        "can_post_update": can_post_update(campaign, current_user),
        "can_see_private_photos": can_see_private_photos(campaign, current_user),
        "photo_widths": WIDTHS,
    }


#: A signed link: URL-safe base64 parts joined by dots (itsdangerous).
SIGNED = re.compile(r"[A-Za-z0-9_.-]{1,200}")


@bp.route("/privacy/<token>", methods=["GET", "POST"])
def privacy(token: str):
    """The link in every donor e-mail: confirm, then erase the donor's personal data."""
    try:
        if not SIGNED.fullmatch(token):
            raise LinkInvalid("not a signed token")
        donation = donation_for_token(token)
    except LinkInvalid:
        return render_template("donors/privacy.html", invalid=True, form=None), 400
    gifts = donations_of(donation)
    form = EraseForm()
    if gifts and form.validate_on_submit():
        record = erase_donor(donation)
        if record is not None:
            return render_template("donors/privacy.html", done=record, form=None)
        return render_template("donors/privacy.html", already=True, form=None)
    return render_template(
        "donors/privacy.html",
        form=form,
        gifts=len(gifts),
        already=not gifts,
        address=_masked(donation.email),
    ), (422 if form.errors else 200)


def _masked(address: str) -> str:
    """s•••@example.com: enough for the donor to recognise, little for anyone else."""
    name, _at, domain = address.partition("@")
    return f"{name[:1]}•••@{domain}" if domain else ""


@bp.route("/campaigns/<int:campaign_id>/updates/new", methods=["GET", "POST"])
def new_update(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    if not campaign.can_view(current_user):
        abort(404)
    require(can_post_update(campaign, current_user))
    form = CampaignUpdateForm()
    if form.validate_on_submit():
        try:
            update = post_update(
                campaign,
                title=form.title.data,
                body=form.body.data,
                author=current_user,
                photos=form.photo_bytes(),
                public_photos=form.consent.data,
            )
        except PhotoRejected as error:
            discard_changes()
            form.photos.errors = [error.user_message()]
        else:
            flash(
                _("The update is posted and mailed to %(n)d donors.", n=update.recipients),
                "success",
            )
            return redirect(
                url_for("campaigns.campaign", campaign_id=campaign.id, _anchor="updates")
            )
    status = 422 if form.errors else 200
    return render_template("donors/update_form.html", campaign=campaign, form=form), status


@bp.get("/campaigns/updates/photos/<key>-<int:width>.jpg")
def update_photo(key: str, width: int):
    """An update's photo: anyone's when the school confirmed the guardians' consent, else
    staff's and the school's staff's only."""
    if not is_photo_key(key):
        abort(404)
    photo = db.session.scalar(
        sa.select(CampaignUpdatePhoto).where(CampaignUpdatePhoto.storage_key == key)
    )
    if photo is None:
        abort(404)
    campaign = db.get_or_404(Campaign, photo.update.campaign_id)
    if not campaign.can_view(current_user):
        abort(404)
    if not photo.public:
        require(can_see_private_photos(campaign, current_user))
    return send_sized(PHOTO_FOLDER, key, width, public=photo.public)
