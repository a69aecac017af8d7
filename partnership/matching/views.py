"""Pledging a match (a sponsor's representative) and deciding on it (staff)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..campaigns.models import Campaign, CampaignState
from ..core.pagination import paginate
from ..core.unit_of_work import refusal_returns_to
from ..extensions import db
from ..i18n import current_language
from ..permissions import load_or_404, staff_required
from ..programmes.models import Programme
from ..registry.models import Organisation
from ..registry.provinces import province_choices
from .forms import DecisionForm, PledgeForm
from .mails import tell_sponsor_pledge_approved
from .models import MatchPledge, MatchScope, PledgeState
from .pledges import create_pledge, decide

bp = Blueprint("matching", __name__)

ACTIONS = {
    "approve": PledgeState.APPROVED,
    "decline": PledgeState.DECLINED,
    "end": PledgeState.ENDED,
}


def _pledge_form(lang: str) -> PledgeForm:
    """The form with its choices: campaigns taking gifts (and, for staff, drafts)."""
    states = [CampaignState.LIVE, CampaignState.FUNDED]
    if current_user.is_staff:
        states.append(CampaignState.DRAFT)
    campaigns = db.session.execute(
        sa.select(Campaign.id, Campaign.title)
        .where(Campaign.state.in_(states))
        .order_by(Campaign.title)
    ).all()
    programmes = db.session.scalars(sa.select(Programme).order_by(Programme.id.desc())).all()
    return PledgeForm(
        campaigns=[(str(i), t) for i, t in campaigns],
        programmes=[(str(p.id), p.display_name(lang)) for p in programmes],
        provinces=province_choices(lang),
    )


@bp.route("/organisations/<int:organisation_id>/pledges/new", methods=["GET", "POST"])
def new_pledge(organisation_id: int):
    organisation = load_or_404(Organisation, organisation_id, "edit")
    form = _pledge_form(current_language())
    if form.validate_on_submit():
        sponsor_part, donor_part = form.parts
        create_pledge(
            organisation,
            sponsor_part=sponsor_part,
            donor_part=donor_part,
            cap_satang=form.cap_satang,
            per_donation_cap_satang=form.per_donation_cap_satang,
            scope=MatchScope(form.scope.data),
            target_id=form.target_id,
            province_code=form.province.data or None,
            starts_at=form.starts_at,
            ends_at=form.ends_at,
            counts_offline=form.counts_offline.data,
            note=form.note.data or "",
            actor=current_user,
        )
        flash(_("Thank you. Staff will review the pledge before it starts matching."), "success")
        return redirect(url_for("registry.organisation", organisation_id=organisation.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "matching/pledge_form.html", form=form, organisation=organisation
    ), status


@bp.get("/staff/matching")
@staff_required
def staff_pledges():
    waiting_first = sa.case((MatchPledge.state == PledgeState.PENDING, 0), else_=1)
    query = (
        sa.select(MatchPledge)
        .options(joinedload(MatchPledge.organisation))
        .order_by(waiting_first, MatchPledge.id.desc())
    )
    return render_template("matching/staff_list.html", page=paginate(query), form=DecisionForm())


@bp.post("/staff/matching/<int:pledge_id>/<action>")
@staff_required
def decide_pledge(pledge_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    pledge = load_or_404(MatchPledge, pledge_id, "edit")
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("The reason is too long."), "error")
        return redirect(url_for("matching.staff_pledges"))
    refusal_returns_to(url_for("matching.staff_pledges"))
    decide(pledge, ACTIONS[action], current_user, form.reason.data or "")
    if pledge.state == PledgeState.APPROVED:  # only this request moved it there (decide)
        tell_sponsor_pledge_approved(pledge)
    flash(_("The pledge is now: %(state)s.", state=pledge.state.label), "success")
    return redirect(url_for("matching.staff_pledges"), 303)
