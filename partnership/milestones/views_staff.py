"""Staff pages of milestones: a programme's template (its steps), and every overdue milestone."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..core.forms import BaseForm
from ..core.pagination import paginate
from ..core.unit_of_work import refusal_returns_to
from ..extensions import db
from ..permissions import staff_required
from ..programmes.models import Programme
from .forms import StepEditForm, StepForm
from .models import MilestoneStep
from .services import add_step, bangkok_today, delete_step, edit_step, overdue_query, steps_of

bp = Blueprint("milestones_staff", __name__, url_prefix="/staff/milestones")


@bp.get("/overdue")
@staff_required
def overdue():
    """Open milestones past their due day, on every campaign, the longest overdue first."""
    today = bangkok_today()
    page = paginate(overdue_query(today), 50)
    return render_template("milestones/staff_overdue.html", page=page, today=today)


@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
@staff_required
def template(programme_id: int):
    """The programme's steps, and a form to add one at the end."""
    programme = db.get_or_404(Programme, programme_id)
    form = StepForm()
    if form.validate_on_submit():
        add_step(
            programme.id,
            name_th=form.name_th.data,
            name_en=form.name_en.data or "",
            due_days=form.due_days.data,
        )
        flash(_("The step is added."), "success")
        return redirect(url_for("milestones_staff.template", programme_id=programme.id))
    return render_template(
        "milestones/staff_template.html",
        programme=programme,
        steps=steps_of(programme.id),
        form=form,
        delete_form=BaseForm(),
    ), (422 if form.errors else 200)


@bp.route("/steps/<int:step_id>", methods=["GET", "POST"])
@staff_required
def step(step_id: int):
    step = db.get_or_404(MilestoneStep, step_id)
    programme = db.get_or_404(Programme, step.programme_id)
    form = StepEditForm(obj=step)
    if form.validate_on_submit():
        edit_step(
            step,
            name_th=form.name_th.data,
            name_en=form.name_en.data or "",
            due_days=form.due_days.data,
            position=form.position.data,
        )
        flash(_("The step is saved."), "success")
        return redirect(url_for("milestones_staff.template", programme_id=programme.id))
    return render_template(
        "milestones/staff_step.html", step=step, programme=programme, form=form
    ), (422 if form.errors else 200)


@bp.post("/steps/<int:step_id>/delete")
@staff_required
def delete(step_id: int):
    step = db.get_or_404(MilestoneStep, step_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    programme_id = step.programme_id
    refusal_returns_to(url_for("milestones_staff.template", programme_id=programme_id))
    delete_step(step)
    flash(_("The step is deleted."), "success")
    return redirect(url_for("milestones_staff.template", programme_id=programme_id))
