"""Staff pages: make a campaign from an approved application, edit it, add photos, launch, close."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..applications.models import Application
from ..core.pagination import paginate
from ..core.unit_of_work import discard_changes, refusal_returns_to
from ..db_types import utcnow
from ..extensions import db
from ..i18n import last_day, to_bangkok
from ..permissions import load_or_404, staff_required
from ..programmes.models import Programme
from .forms import CampaignForm, FundingRuleForm, PhotoForm
from .hooks import after_campaign_closed
from .models import Campaign, CampaignState, FundingRule
from .photos import (
    add_photo,
    copy_application_photos,
    move_photo,
    remove_photo,
)
from .services import (
    CampaignRuleError,
    below_zero,
    campaign_for_application,
    close,
    create_campaign,
    funding_rule_of,
    launch,
    set_funding_rule,
    update_campaign,
)

bp = Blueprint("campaigns_staff", __name__, url_prefix="/staff/campaigns")


@bp.get("/")
@staff_required
def campaigns():
    query = sa.select(Campaign).order_by(Campaign.id.desc())
    return render_template("campaigns/staff_list.html", page=paginate(query))


@bp.get("/below-zero")
@staff_required
def below_zero_list():
    """Campaigns that paid out more than they hold now (a dispute or refund after spending),
    lowest balance first: staff cover each with an offline gift from the foundation."""
    return render_template("campaigns/staff_below_zero.html", campaigns=below_zero())


@bp.route("/new/<int:application_id>", methods=["GET", "POST"])
@staff_required
def new_campaign(application_id: int):
    application = db.get_or_404(Application, application_id)
    existing = campaign_for_application(application.id)
    if existing is not None:
        return redirect(url_for(".edit", campaign_id=existing.id))
    today = to_bangkok(utcnow()).date()
    form = CampaignForm(
        data={
            "title": application.title,
            "story": "\n\n".join(p for p in (application.summary, application.need) if p.strip()),
            "starts_on": today,
            "ends_on": today + timedelta(days=44),
        }
    )
    if form.validate_on_submit():
        try:
            campaign = create_campaign(
                application, starts_at=form.starts_at, ends_at=form.ends_at, actor=current_user
            )
            copy_application_photos(campaign)
            _update_from(campaign, form)
        except CampaignRuleError as error:
            discard_changes()
            flash(str(error), "error")
        else:
            flash(_("The draft campaign is ready. Add photos, then launch it."), "success")
            return redirect(url_for(".edit", campaign_id=campaign.id))
    return render_template(
        "campaigns/staff_form.html", form=form, application=application, campaign=None
    )


def _update_from(campaign: Campaign, form: CampaignForm) -> None:
    """What the staff form sets: the title, the story and the first and last day."""
    update_campaign(
        campaign,
        title=form.title.data,
        story=form.story.data or "",
        starts_at=form.starts_at,
        ends_at=form.ends_at,
    )


@bp.route("/<int:campaign_id>", methods=["GET", "POST"])
@staff_required
def edit(campaign_id: int):
    campaign = load_or_404(Campaign, campaign_id, "edit")
    form = CampaignForm(
        data={
            "title": campaign.title,
            "story": campaign.story,
            "starts_on": to_bangkok(campaign.starts_at).date(),
            "ends_on": last_day(campaign.ends_at),
        }
    )
    if form.validate_on_submit():
        try:
            _update_from(campaign, form)
        except CampaignRuleError as error:
            discard_changes()
            flash(str(error), "error")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".edit", campaign_id=campaign.id))
    return render_template(
        "campaigns/staff_form.html",
        form=form,
        application=campaign.application,
        campaign=campaign,
        photo_form=PhotoForm(),
        rule_form=FundingRuleForm(data={"rule": funding_rule_of(campaign.programme_id).value}),
    )


@bp.post("/<int:campaign_id>/photos")
@staff_required
def upload_photo(campaign_id: int):
    campaign = load_or_404(Campaign, campaign_id, "edit")
    form = PhotoForm()
    if form.validate_on_submit():
        refusal_returns_to(url_for(".edit", campaign_id=campaign.id))
        add_photo(campaign, form.photo.data.read(), form.caption.data or "")
        flash(_("Photo added."), "success")
    else:
        flash(_("Choose a photo."), "error")
    return redirect(url_for(".edit", campaign_id=campaign.id))


@bp.post("/<int:campaign_id>/photos/<int:photo_id>/move")
@staff_required
def reorder_photo(campaign_id: int, photo_id: int):
    campaign = load_or_404(Campaign, campaign_id, "edit")
    step = -1 if request.form.get("direction") == "up" else 1
    refusal_returns_to(url_for(".edit", campaign_id=campaign.id, _anchor="photos"))
    move_photo(campaign, photo_id, step)
    flash(_("The photos are in their new order."), "success")
    return redirect(url_for(".edit", campaign_id=campaign.id, _anchor="photos"))


@bp.post("/<int:campaign_id>/photos/<int:photo_id>/remove")
@staff_required
def delete_photo(campaign_id: int, photo_id: int):
    campaign = load_or_404(Campaign, campaign_id, "edit")
    refusal_returns_to(url_for(".edit", campaign_id=campaign.id, _anchor="photos"))
    remove_photo(campaign, photo_id)
    flash(_("The photo is removed."), "success")
    return redirect(url_for(".edit", campaign_id=campaign.id, _anchor="photos"))


@bp.post("/<int:campaign_id>/launch")
@staff_required
def launch_campaign(campaign_id: int):
    return _change_state(campaign_id, launch, _("The campaign is live."))


@bp.post("/<int:campaign_id>/close")
@staff_required
def close_campaign(campaign_id: int):
    response = _change_state(campaign_id, close, _("The campaign is closed."))
    if db.session.get(Campaign, campaign_id).state == CampaignState.CLOSED:
        after_campaign_closed.send(campaign_id)
    return response


def _change_state(campaign_id: int, service, done: str):
    """Run one state change of the campaign for the staff member, then back to its page."""
    campaign = load_or_404(Campaign, campaign_id, "edit")
    refusal_returns_to(url_for(".edit", campaign_id=campaign.id))
    service(campaign, current_user)
    flash(done, "success")
    return redirect(url_for(".edit", campaign_id=campaign.id))


@bp.post("/programmes/<int:programme_id>/funding-rule")
@staff_required
def funding_rule(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    form = FundingRuleForm()
    if form.validate_on_submit():
        set_funding_rule(programme.id, FundingRule(form.rule.data))
        flash(_("The programme's funding rule is saved."), "success")
    campaign_id = db.session.scalar(
        sa.select(Campaign.id)
        .where(Campaign.programme_id == programme.id)
        .order_by(Campaign.id.desc())
        .limit(1)
    )
    if campaign_id:
        return redirect(url_for(".edit", campaign_id=campaign_id))
    return redirect(url_for(".campaigns"))
