"""A school's yearly figures: the form its staff fill in while the collection is open (staff at
any time), and the history of every entry."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ...core.unit_of_work import discard_changes
from ...extensions import db
from ...i18n import BUDDHIST_ERA_OFFSET, current_academic_year
from ...permissions import require
from ..models import GRADE_COLUMNS, School, SchoolYearStat, grade_label
from . import services
from .forms import SchoolDataForm

bp = Blueprint("school_data", __name__)


def _year_asked(window) -> int:
    """The year the form is for: the open window's for the school; staff may ask for any."""
    if current_user.is_staff:
        asked = request.values.get("academic_year", type=int)
        if asked and 2500 <= asked <= 2700:
            return asked - BUDDHIST_ERA_OFFSET
    return window.academic_year if window is not None else current_academic_year()


@bp.route("/schools/<int:school_id>/data", methods=["GET", "POST"])
def enter(school_id: int):
    """Pupils per grade, teachers and computers for one academic year."""
    school = db.get_or_404(School, school_id)
    require(school.can_edit(current_user))
    window = services.open_window_now()
    year = _year_asked(window)
    form = SchoolDataForm(
        obj=None if request.method == "POST" else services.stat_for(school.id, year, lock=False)
    )
    if request.method == "GET":
        form.academic_year.data = year + BUDDHIST_ERA_OFFSET
    elif form.academic_year.data:  # the year posted is the year judged
        year = form.academic_year.data - BUDDHIST_ERA_OFFSET
    allowed = services.may_enter(school, current_user, year)
    if allowed and form.validate_on_submit():
        figures = services.Figures(
            grades=form.grades(),
            teachers=form.teachers.data,
            devices_on_hand=form.devices_on_hand.data,
        )
        try:
            services.record_figures(school, year, figures, current_user)
        except services.SchoolDataRefused as refused:
            discard_changes()
            form.form_errors.append(refused.user_message())
        else:
            flash(_("Figures for %(year)d saved.", year=form.academic_year.data), "success")
            return redirect(url_for("registry.school", school_id=school.id), 303)
    status = 200
    if form.is_submitted():
        status = 422 if allowed else 409
    return render_template(
        "registry/school_data_form.html",
        school=school,
        form=form,
        allowed=allowed,
        window=window,
        closed_message=None if allowed else services.window_closed_message(),
        grade_fields=form.grade_fields(school),
        first_grade=school.min_grade,
        grade_columns=GRADE_COLUMNS,
        grade_label=grade_label,
    ), status


def school_dashboard_section(user, schools=(), **_extra) -> Markup | None:
    """``applications.signals.school_dashboard`` (connected by applications, which the registry
    may not import): while a collection is open, each of the person's schools with a link to
    its figures, marked done when this year's are in (two queries)."""
    window = services.open_window_now()
    if window is None or not schools:
        return None
    done = set(
        db.session.scalars(
            sa.select(SchoolYearStat.school_id).where(
                SchoolYearStat.school_id.in_([s.id for s in schools]),
                SchoolYearStat.academic_year == window.academic_year,
                SchoolYearStat.grade_k1.isnot(None),
            )
        )
    )
    return Markup(
        render_template(
            "registry/_school_data_dashboard.html", window=window, schools=schools, done=done
        )
    )
