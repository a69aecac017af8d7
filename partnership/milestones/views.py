"""Milestone pages for the school's staff and programme staff (a campaign's milestones, one
milestone with its history and its move, the school's own due list), the photos, and the
progress section of the public campaign page."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from ..campaigns.models import Campaign, CampaignState
from ..campaigns.photos import WIDTHS, PhotoRejected, is_photo_key, send_sized
from ..core.pagecache import keep_until
from ..core.unit_of_work import discard_changes, refusal_returns_to
from ..extensions import db
from ..i18n import BANGKOK
from ..permissions import login_required, require
from .forms import MoveForm
from .models import OPEN_STATES, Milestone, MilestonePhoto, MilestoneState
from .services import (
    PHOTO_FOLDER,
    TRANSITIONS,
    bangkok_today,
    milestones_of,
    move_milestone,
    overdue_query,
    upcoming_query,
)

bp = Blueprint("milestones", __name__)


def can_manage(campaign: Campaign, user) -> bool:
    """Programme staff, and the staff of the campaign's school."""
    return bool(
        user.is_authenticated and (user.is_staff or user.is_school_staff_of(campaign.school_id))
    )


def milestones_section(campaign: Campaign, **_page) -> dict:
    """``campaigns.hooks.campaign_page``: the delivery progress (two queries, whatever the
    number of milestones). The page is kept until the next milestone would turn overdue."""
    if campaign.funded_at is None:
        return {}
    milestones = milestones_of(campaign.id)
    today = bangkok_today()
    upcoming = [m.due_on for m in milestones if m.state in OPEN_STATES and m.due_on >= today]
    if upcoming:
        turns_overdue = datetime.combine(min(upcoming) + timedelta(days=1), time(), BANGKOK)
        keep_until(turns_overdue)
    return {
        "milestones": milestones,
        "milestones_today": today,
        "milestone_widths": WIDTHS,
        "can_manage_milestones": can_manage(campaign, current_user),
    }


def school_dashboard_section(user, schools=(), **_extra) -> Markup | None:
    """``applications.signals.school_dashboard``: the school's overdue and coming milestones."""
    school_ids = [school.id for school in schools]
    if not school_ids:
        return None
    today = bangkok_today()
    overdue = db.session.scalars(overdue_query(today, school_ids).limit(20)).unique().all()
    upcoming = db.session.scalars(upcoming_query(today, school_ids).limit(20)).unique().all()
    if not overdue and not upcoming:
        return None
    return Markup(
        render_template(
            "milestones/_dashboard.html", overdue=overdue, upcoming=upcoming, today=today
        )
    )


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.get_or_404(Campaign, campaign_id)
    if campaign.state == CampaignState.DRAFT and not (
        current_user.is_authenticated and current_user.is_staff
    ):
        abort(404)
    require(can_manage(campaign, current_user))
    return campaign


@bp.get("/campaigns/<int:campaign_id>/milestones")
@login_required
def campaign_milestones(campaign_id: int):
    campaign = _campaign(campaign_id)
    return render_template(
        "milestones/campaign.html",
        campaign=campaign,
        milestones=milestones_of(campaign.id),
        today=bangkok_today(),
        widths=WIDTHS,
    )


@bp.route("/milestones/<int:milestone_id>", methods=["GET", "POST"])
@login_required
def milestone(milestone_id: int):
    milestone = db.get_or_404(
        Milestone,
        milestone_id,
        options=[joinedload(Milestone.campaign), joinedload(Milestone.step)],
    )
    require(milestone.can_view(current_user))
    form = MoveForm()
    if form.validate_on_submit():
        to_state = MilestoneState(form.to.data)
        require(milestone.can_move_to(current_user, to_state))
        refusal_returns_to(url_for("milestones.milestone", milestone_id=milestone.id))
        try:
            move_milestone(
                milestone,
                to_state,
                actor=current_user,
                note=form.note.data or "",
                photos=form.photo_bytes(),
                public_photos=form.consent.data,
            )
        except PhotoRejected as error:
            discard_changes()
            form.photos.errors = [error.user_message()]
        else:
            if to_state == MilestoneState.DONE:
                flash(_("The milestone is marked done."), "success")
            else:
                flash(_("The milestone is reopened."), "success")
            return redirect(url_for("milestones.milestone", milestone_id=milestone.id))
    moves = [
        state
        for state in (MilestoneState.DONE, MilestoneState.REOPENED)
        if state in _next_states(milestone) and milestone.can_move_to(current_user, state)
    ]
    status = 422 if form.errors else 200
    return render_template(
        "milestones/milestone.html",
        milestone=milestone,
        campaign=milestone.campaign,
        events=list(milestone.events),
        photos=list(
            db.session.scalars(
                sa.select(MilestonePhoto)
                .where(MilestonePhoto.milestone_id == milestone.id)
                .order_by(MilestonePhoto.id)
            )
        ),
        form=form,
        moves=moves,
        today=bangkok_today(),
        widths=WIDTHS,
    ), status


def _next_states(milestone: Milestone):
    return TRANSITIONS.get(milestone.state, frozenset())


@bp.get("/my/milestones")
@login_required
def my_milestones():
    """The signed-in school staff member's milestones: overdue first, then what is coming."""
    school_ids = [school.id for school in current_user.schools]
    require(bool(school_ids))
    today = bangkok_today()
    milestones = (
        db.session.scalars(
            sa.select(Milestone)
            .join(Campaign, Campaign.id == Milestone.campaign_id)
            .where(Campaign.school_id.in_(school_ids))
            .options(joinedload(Milestone.campaign), joinedload(Milestone.step))
            .order_by(Milestone.due_on, Milestone.id)
            .limit(200)
        )
        .unique()
        .all()
    )
    return render_template("milestones/mine.html", milestones=milestones, today=today)


@bp.get("/milestones/photos/<key>-<int:width>.jpg")
def photo(key: str, width: int):
    """A milestone photo: anyone's when the school confirmed the guardians' consent, else
    staff's and the school's staff's only."""
    if not is_photo_key(key):
        abort(404)
    found = db.session.scalar(
        sa.select(MilestonePhoto)
        .where(MilestonePhoto.storage_key == key)
        .options(selectinload(MilestonePhoto.milestone).joinedload(Milestone.campaign))
    )
    if found is None:
        abort(404)
    campaign = found.milestone.campaign
    if not campaign.can_view(current_user):
        abort(404)
    if not found.public:
        require(can_manage(campaign, current_user))
    return send_sized(PHOTO_FOLDER, key, width, public=found.public)
