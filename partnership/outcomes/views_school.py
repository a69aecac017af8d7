"""The school's pages of outcomes: its funded campaigns, and the form to report figures."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..campaigns.models import Campaign
from ..extensions import db
from ..i18n import current_language
from ..permissions import login_required, require
from . import services
from .forms import report_form

bp = Blueprint("outcomes_school", __name__, url_prefix="/school/outcomes")


@bp.get("/")
@login_required
def campaigns():
    """The funded campaigns of the person's schools, each with a link to report outcomes."""
    school_ids = [s.id for s in current_user.schools]
    if not school_ids:
        abort(403)
    funded = db.session.scalars(
        sa.select(Campaign)
        .where(Campaign.school_id.in_(school_ids), Campaign.funded_at.is_not(None))
        .options(sa.orm.joinedload(Campaign.school))
        .order_by(Campaign.funded_at.desc())
    ).all()
    return render_template("outcomes/school_campaigns.html", campaigns=funded)


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@login_required
def report(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    require(current_user.is_school_staff_of(campaign.school_id))
    lang = current_language()
    measures = services.measures_of(campaign.programme_id)
    years = services.registry_years(campaign.school_id)
    form = report_form(measures, years, services.default_year(years), lang)
    reportable = services.can_report(campaign, current_user) and bool(measures)
    if reportable and form.validate_on_submit():
        reports = services.report_outcomes(
            campaign,
            form.academic_year.data,
            form.values(),
            (form.note.data or "").strip(),
            current_user,
        )
        flash(
            _("%(n)s figures sent. Staff will verify them.", n=len(reports)),
            "success",
        )
        return redirect(url_for(".report", campaign_id=campaign.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "outcomes/report_form.html",
        campaign=campaign,
        form=form,
        reportable=reportable,
        table=services.outcome_table(campaign.programme_id, campaign.id),
        reports=services.reports_of(campaign),
        years=years,
    ), status
