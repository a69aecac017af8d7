"""Programmes: the public list and page, and staff pages to create, edit and move them along."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..core.pagination import paginate
from ..core.unit_of_work import refusal_returns_to
from ..db_types import utcnow
from ..i18n import current_language
from ..permissions import load_or_404, staff_required
from ..registry.models import grade_range_label
from ..registry.provinces import province_name
from . import services
from .forms import ProgrammeForm, ProgrammeStateForm, programme_form_data
from .models import Programme, ProgrammeState
from .signals import sections_for

bp = Blueprint("programmes", __name__)

#: Button text for each move staff can make.
STATE_ACTIONS = {
    ProgrammeState.OPEN: (lambda: _("Open for applications"), "btn"),
    ProgrammeState.CLOSED: (lambda: _("Close applications"), "btn btn-secondary"),
    ProgrammeState.REVIEWING: (lambda: _("Start committee review"), "btn"),
    ProgrammeState.ARCHIVED: (lambda: _("Archive"), "btn btn-secondary"),
}


def _programme_facts(programme: Programme) -> dict:
    """Who may apply, in the visitor's language (labels from the registry)."""
    lang = current_language()
    grades = None
    if programme.min_grade is not None:
        grades = grade_range_label(programme.min_grade, programme.max_grade, lang)
    return {
        "grades": grades,
        "provinces": [province_name(code, lang) for code in programme.allowed_provinces],
    }


@bp.get("/programmes")
def programmes():
    query = services.visible_programmes_query(current_user).options(
        selectinload(Programme.criteria)
    )
    return render_template(
        "programmes/list.html", page=paginate(query), now=utcnow(), facts=_programme_facts
    )


@bp.get("/programmes/<int:programme_id>")
def programme(programme_id: int):
    programme = load_or_404(Programme, programme_id, "view")
    schools = current_user.schools if current_user.is_authenticated else []
    can_edit = programme.can_edit(current_user)
    return render_template(
        "programmes/programme.html",
        programme=programme,
        accepting=services.accepting_applications(programme),
        schools=schools,
        can_edit=can_edit,
        rubric_locked=services.rubric_locked(programme),
        moves=[
            (state, *STATE_ACTIONS[state])
            for state in sorted(
                services.MANUAL_TRANSITIONS[programme.state], key=list(ProgrammeState).index
            )
        ]
        if can_edit
        else [],
        state_form=ProgrammeStateForm(),
        **_programme_facts(programme),
        **sections_for(programme),
    )


def _handle_add_criterion(form: ProgrammeForm) -> bool:
    """The no-JavaScript "add a criterion" button: one more empty row, nothing saved."""
    if "add_criterion" not in request.form:
        return False
    if len(form.criteria) < form.criteria.max_entries:
        form.criteria.append_entry()
    return True


@bp.route("/programmes/new", methods=["GET", "POST"])
@staff_required
def new_programme():
    form = ProgrammeForm()
    if request.method == "GET":
        while len(form.criteria) < 3:
            form.criteria.append_entry()
    if request.method == "POST" and _handle_add_criterion(form):
        return render_template("programmes/form.html", form=form, programme=None)
    if form.validate_on_submit():
        programme = services.create_programme(form.values(), form.criterion_rows(), current_user)
        flash(_("Programme %(name)s is saved as a draft.", name=programme.name_th), "success")
        return redirect(url_for("programmes.programme", programme_id=programme.id))
    return render_template("programmes/form.html", form=form, programme=None)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
def edit_programme(programme_id: int):
    programme = load_or_404(Programme, programme_id, "edit")
    locked = services.rubric_locked(programme)
    if request.method == "GET":
        form = ProgrammeForm(data=programme_form_data(programme), rubric_locked=locked)
    else:
        form = ProgrammeForm(rubric_locked=locked)
    if programme.state == ProgrammeState.ARCHIVED:
        flash(_("An archived programme cannot be changed."), "error")
        return redirect(url_for("programmes.programme", programme_id=programme.id))
    if request.method == "POST" and not locked and _handle_add_criterion(form):
        return render_template("programmes/form.html", form=form, programme=programme)
    if form.validate_on_submit():
        refusal_returns_to(url_for("programmes.edit_programme", programme_id=programme.id))
        services.update_programme(
            programme, form.values(), None if locked else form.criterion_rows()
        )
        flash(_("Saved."), "success")
        return redirect(url_for("programmes.programme", programme_id=programme.id))
    return render_template("programmes/form.html", form=form, programme=programme)


@bp.post("/programmes/<int:programme_id>/state")
def change_programme_state(programme_id: int):
    programme = load_or_404(Programme, programme_id, "edit")
    form = ProgrammeStateForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid next step."), "error")
        return redirect(url_for("programmes.programme", programme_id=programme.id))
    to_state = ProgrammeState(form.to_state.data)
    refusal_returns_to(url_for("programmes.programme", programme_id=programme.id))
    services.change_state(programme, to_state, current_user)
    flash(_("The programme is now: %(state)s.", state=programme.state.label), "success")
    return redirect(url_for("programmes.programme", programme_id=programme.id))


@bp.app_template_global()
def time_left_label(closes_at) -> str:
    """Server-side text of a countdown ("12 days left"); app.js keeps it current."""
    left = (closes_at - utcnow()).total_seconds()
    if left <= 0:
        return _("Closed for applications")
    if left >= 86400:
        return _("%(n)s days left", n=int(left // 86400))
    return _("%(n)s hours left", n=max(1, int(left // 3600)))


@bp.app_template_global()
def programme_badge_css(state) -> str:
    """CSS suffix of the badge for a programme state."""
    return {
        "reviewing": "review",
        "decided": "approved",
        "archived": "withdrawn",
    }.get(
        str(state.value if hasattr(state, "value") else state), str(getattr(state, "value", state))
    )
