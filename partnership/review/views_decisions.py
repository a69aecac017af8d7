"""Ranking, decisions, exports (staff) and the school's feedback page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..applications.models import Application, ApplicationState
from ..core.exports import csv_download, xlsx_download
from ..core.forms import BaseForm
from ..core.unit_of_work import refusal_returns_to
from ..extensions import db
from ..i18n import current_language
from ..permissions import login_required, require, staff_required
from ..programmes.models import Programme, ProgrammeState
from . import decisions as svc
from .exports import table_for
from .forms import DecisionForm, PublishForm
from .ranking import rank_programme
from .ranking_page import FILTERS, clean_page, clean_show, ranking_page
from .scoring import DISAGREEMENT_THRESHOLD
from .workflow import DECISION_STATES

bp = Blueprint("decisions", __name__)

EXPORT_KINDS = ("ranking", "scores", "progress")


@bp.get("/review/programmes/<int:programme_id>/ranking")
@staff_required
def ranking(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    rows = rank_programme(programme)
    show, page = clean_show(request.args.get("show")), clean_page(request.args.get("page"))
    view = ranking_page(rows, show, page)
    deciding = programme.state == ProgrammeState.REVIEWING
    return render_template(
        "review/ranking.html",
        programme=programme,
        view=view,
        filters=FILTERS,
        states=ApplicationState,
        threshold=DISAGREEMENT_THRESHOLD,
        decision_form=DecisionForm(formdata=None),
        button=BaseForm(),
        deciding=deciding,
        short_of_reviews=svc.short_of_reviews(rows) if deciding else 0,
        publish_form=PublishForm(formdata=None),
        export_kinds=EXPORT_KINDS,
    )


def _back_to_ranking(programme_id: int, anchor: str = "") -> str:
    """The ranking page the staff member came from (same filter and page)."""
    show, page = clean_show(request.args.get("show")), clean_page(request.args.get("page"))
    args = {"show": show} if show != "all" else {}
    if page > 1:
        args["page"] = page
    return url_for(".ranking", programme_id=programme_id, **args) + anchor


@bp.post("/review/programmes/<int:programme_id>/applications/<int:application_id>/decide")
@staff_required
def decide(programme_id: int, application_id: int):
    application = db.get_or_404(Application, application_id)
    if application.programme_id != programme_id:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose a decision and write the reason for the school."), "error")
    else:
        refusal_returns_to(_back_to_ranking(programme_id, f"#app-{application_id}"))
        svc.decide(
            application, ApplicationState(form.decision.data), form.reason.data, current_user
        )
        flash(_("Decision recorded for %(title)s.", title=application.title), "success")
    return redirect(_back_to_ranking(programme_id, f"#app-{application_id}"))


@bp.post("/review/programmes/<int:programme_id>/cut")
@staff_required
def apply_cut(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    require(BaseForm().validate_on_submit())
    rows = rank_programme(programme)
    refusal_returns_to(url_for(".ranking", programme_id=programme_id))
    changed = svc.apply_suggested_cut(
        programme,
        rows,
        _("Approved: ranked within the programme budget by the joint committee."),
        _("Waitlisted: ranked below the budget line; funded if money becomes available."),
        current_user,
    )
    flash(
        _(
            "Suggested cut applied to the applications without a decision: %(count)d "
            "decided. Decisions already taken were kept.",
            count=changed,
        ),
        "success",
    )
    return redirect(url_for(".ranking", programme_id=programme_id))


@bp.post("/review/programmes/<int:programme_id>/start")
@staff_required
def start(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    require(BaseForm().validate_on_submit())
    refusal_returns_to(url_for("review_staff.assignments", programme_id=programme_id))
    svc.start_review(programme, current_user)
    flash(_("The review phase has started: members can score."), "success")
    return redirect(url_for("review_staff.assignments", programme_id=programme_id))


@bp.post("/review/programmes/<int:programme_id>/publish")
@staff_required
def publish(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    form = PublishForm()
    if not form.validate_on_submit():
        require(set(form.errors) == {"override_reason"})  # a missing token stays a 403
        flash(_("The reason is too long (at most 2,000 characters)."), "error")
        return redirect(url_for(".ranking", programme_id=programme_id))
    refusal_returns_to(url_for(".ranking", programme_id=programme_id))
    svc.publish_decisions(programme, current_user, form.override_reason.data or "")
    flash(_("Decisions published. Schools can read their feedback."), "success")
    return redirect(url_for(".ranking", programme_id=programme_id))


@bp.get("/review/programmes/<int:programme_id>/export/<kind>.<fmt>")
@staff_required
def export(programme_id: int, kind: str, fmt: str):
    programme = db.get_or_404(Programme, programme_id)
    if kind not in EXPORT_KINDS or fmt not in ("csv", "xlsx"):
        abort(404)
    columns, rows = table_for(kind, programme, current_language())
    name = f"programme-{programme.id}-{kind}.{fmt}"
    if fmt == "csv":
        # Everything is loaded before the first chunk; the lines are written as they go.
        return csv_download(columns, rows, name)
    return xlsx_download(columns, rows, name, kind)


@bp.get("/applications/<int:application_id>/feedback")
@login_required
def feedback(application_id: int):
    """The school's view of the decision and, once published, its scores (no reviewer names)."""
    application = db.get_or_404(Application, application_id)
    require(current_user.is_staff or current_user.is_school_staff_of(application.school_id))
    programme = application.programme
    published = programme.state in (ProgrammeState.DECIDED, ProgrammeState.ARCHIVED)
    return render_template(
        "review/feedback.html",
        application=application,
        # Staff may still revise decisions until they publish them; schools see the final one.
        decided=application.state in DECISION_STATES and (published or current_user.is_staff),
        published=published,
        feedback=svc.school_feedback(application, current_language()) if published else None,
    )
