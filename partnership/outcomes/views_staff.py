"""Staff pages of outcomes: a programme's measures, the figures awaiting verification, and a
campaign's figures with the verify and send-back buttons."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..campaigns.models import Campaign
from ..core.exports import filtered_download
from ..core.pagination import paginate
from ..core.unit_of_work import refusal_returns_to
from ..extensions import db
from ..permissions import load_or_404, staff_required
from ..programmes.models import Programme
from . import services
from .exports import STAFF_COLUMNS, ReportFilters, staff_rows
from .forms import MeasureForm, ReturnForm, VerifyForm, measure_form_data
from .models import OutcomeMeasure, OutcomeReport

bp = Blueprint("outcomes_staff", __name__, url_prefix="/staff/outcomes")


@bp.get("/")
@staff_required
def queue():
    """Figures schools reported that wait for a member of staff, oldest first."""
    return render_template(
        "outcomes/queue.html",
        page=paginate(services.awaiting_query()),
        filters=ReportFilters(formdata=None),
    )


@bp.get("/reports.<any(csv, xlsx):fmt>")
@staff_required
def export(fmt: str):
    """Every report the filters keep (programme, campaign, state), planned against reported."""
    filters = ReportFilters(request.args)
    return filtered_download(fmt, filters, STAFF_COLUMNS, staff_rows, "outcome-reports", "outcomes")


@bp.route("/programmes/<int:programme_id>/measures", methods=["GET", "POST"])
@staff_required
def measures(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    existing = services.measures_of(programme.id)
    form = MeasureForm(programme=programme)
    if request.method == "GET":
        form.position.data = max((m.position for m in existing), default=0) + 1
    if form.validate_on_submit():
        measure = services.add_measure(programme, form.values())
        flash(_("Measure %(name)s is added.", name=measure.name_th), "success")
        return redirect(url_for(".measures", programme_id=programme.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "outcomes/measures.html", programme=programme, measures=existing, form=form
    ), status


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
def edit_measure(measure_id: int):
    measure = load_or_404(OutcomeMeasure, measure_id, "edit")
    if request.method == "GET":
        form = MeasureForm(
            data=measure_form_data(measure), programme=measure.programme, measure=measure
        )
    else:
        form = MeasureForm(programme=measure.programme, measure=measure)
    if form.validate_on_submit():
        services.update_measure(measure, form.values())
        flash(_("Saved."), "success")
        return redirect(url_for(".measures", programme_id=measure.programme_id))
    status = 422 if request.method == "POST" else 200
    return render_template("outcomes/measure_form.html", measure=measure, form=form), status


@bp.get("/campaigns/<int:campaign_id>")
@staff_required
def campaign(campaign_id: int):
    """Planned, verified and awaiting figures of one campaign, and every report."""
    campaign = db.get_or_404(Campaign, campaign_id)
    return render_template(
        "outcomes/staff_campaign.html",
        campaign=campaign,
        table=services.outcome_table(campaign.programme_id, campaign.id),
        reports=services.reports_of(campaign),
        years=services.registry_years(campaign.school_id),
    )


@bp.post("/reports/<int:report_id>/verify")
def verify(report_id: int):
    report = load_or_404(OutcomeReport, report_id, "verify")
    back = url_for(".campaign", campaign_id=report.campaign_id)
    if not VerifyForm().validate_on_submit():
        flash(_("The form expired. Try again."), "error")
        return redirect(back)
    refusal_returns_to(back)
    services.verify(report, current_user)
    flash(_("Verified: %(name)s.", name=report.measure.display_name()), "success")
    return redirect(back)


@bp.route("/reports/<int:report_id>/return", methods=["GET", "POST"])
def send_back(report_id: int):
    report = load_or_404(OutcomeReport, report_id, "verify")
    form = ReturnForm()
    if form.validate_on_submit():
        refusal_returns_to(url_for(".campaign", campaign_id=report.campaign_id))
        services.send_back(report, form.reason.data.strip(), current_user)
        flash(_("Sent back to the school."), "success")
        return redirect(url_for(".campaign", campaign_id=report.campaign_id))
    status = 422 if request.method == "POST" else 200
    return render_template("outcomes/return_form.html", report=report, form=form), status
