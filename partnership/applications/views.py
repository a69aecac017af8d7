"""School pages: the dashboard, the proposal form, the application page and its attachments."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..core.inputs import arg_id
from ..core.storage import send_private
from ..core.unit_of_work import discard_changes, refusal_returns_to
from ..db_types import utcnow
from ..extensions import db
from ..money import satang_to_input
from ..permissions import load_or_404, login_required, require
from ..programmes.models import Programme, ProgrammeState
from ..registry.models import School, grade_label
from . import eligibility, services
from .forms import EMPTY_BUDGET_ROWS, ApplicationForm, OverrideForm, ReasonForm, UploadForm
from .models import Application, ApplicationState, Attachment
from .signals import school_dashboard
from .workflow import NEXT_STEPS, WITHDRAWABLE, badge_css

bp = Blueprint("applications", __name__)


@bp.record_once
def _template_helpers(state) -> None:
    """Globals for application templates (also inside imported macros)."""
    state.app.jinja_env.globals.update(
        application_badge_css=badge_css,
        next_step=lambda application_state: NEXT_STEPS[application_state],
        state_label=_state_label,
        grade_label=grade_label,
    )


def _state_label(value: str) -> str:
    try:
        return ApplicationState(value).label
    except ValueError:
        return value


@bp.get("/my/applications")
@login_required
def dashboard():
    school_ids = [s.id for s in current_user.schools]
    applications = []
    if school_ids:
        applications = db.session.scalars(
            db.select(Application)
            .where(Application.school_id.in_(school_ids))
            .order_by(Application.created_at.desc())
            .options(selectinload(Application.programme), selectinload(Application.school))
        ).all()
    now = utcnow()
    open_programmes = db.session.scalars(
        db.select(Programme)
        .where(
            Programme.state == ProgrammeState.OPEN,
            Programme.opens_at <= now,
            Programme.closes_at > now,
        )
        .order_by(Programme.closes_at)
    ).all()
    sections = []
    if school_ids:
        for _receiver, html in school_dashboard.send(
            current_user._get_current_object(), schools=current_user.schools
        ):
            if html:
                sections.append(html)
    return render_template(
        "applications/dashboard.html",
        applications=applications,
        open_programmes=open_programmes,
        schools=current_user.schools,
        sections=sections,
    )


def _form_data(application: Application, grades: list[int]) -> dict:
    by_grade = {b.grade: b.pupils for b in application.beneficiaries}
    return {
        "title": application.title,
        "summary": application.summary,
        "need": application.need,
        "delivery_plan": application.delivery_plan,
        "teachers_benefiting": application.teachers_benefiting,
        "pupils": [by_grade.get(g) for g in grades],
        "budget": [
            {
                "item": line.item,
                "unit_price": satang_to_input(line.unit_price_satang),
                "quantity": str(line.quantity),
            }
            for line in application.budget_lines
        ],
    }


def _render_form(form, programme, school, application=None):
    return render_template(
        "applications/form.html",
        form=form,
        programme=programme,
        school=school,
        application=application,
    )


def _add_rows_requested(form: ApplicationForm) -> bool:
    """The no-JavaScript "add rows" button: more empty budget rows, nothing saved."""
    if request.method == "POST" and "add_rows" in request.form:
        form.pad_budget()
        return True
    return False


@bp.route("/programmes/<int:programme_id>/apply", methods=["GET", "POST"])
@login_required
def new_application(programme_id: int):
    programme = load_or_404(Programme, programme_id, "view")
    schools = current_user.schools
    school_id = arg_id("school") or (schools[0].id if len(schools) == 1 else None)
    if not schools:
        flash(
            _("Only staff of a registered school can apply. Ask to join your school first."),
            "error",
        )
        return redirect(url_for("programmes.programme", programme_id=programme.id))
    if school_id is None:
        abort(400)
    school = db.get_or_404(School, school_id)
    require(current_user.is_school_staff_of(school.id))
    reasons = services.can_start(programme, school)
    if reasons:
        for reason in reasons:
            flash(reason, "error")
        return redirect(url_for("programmes.programme", programme_id=programme.id))
    form = ApplicationForm(programme=programme, school=school)
    if request.method == "GET":
        form.pad_budget()
    if _add_rows_requested(form):
        return _render_form(form, programme, school)
    if form.validate_on_submit():
        try:
            application = services.create_draft(
                programme, school, form.values(), form.beneficiaries(), form.lines(), current_user
            )
        except services.ApplicationError as exc:
            discard_changes()
            for reason in exc.reasons:
                flash(reason, "error")
            return _render_form(form, programme, school)
        flash(
            _("Your draft is saved. Add attachments, then submit it before the deadline."),
            "success",
        )
        return redirect(url_for("applications.application", application_id=application.id))
    return _render_form(form, programme, school)


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
def edit_application(application_id: int):
    application = load_or_404(Application, application_id, "edit")
    programme, school = application.programme, application.school
    grades = ApplicationForm.grades_for(programme, school)
    if request.method == "GET":
        form = ApplicationForm(
            data=_form_data(application, grades), programme=programme, school=school
        )
        form.pad_budget(max(2, EMPTY_BUDGET_ROWS - len(application.budget_lines)))
    else:
        form = ApplicationForm(programme=programme, school=school)
    if _add_rows_requested(form):
        return _render_form(form, programme, school, application)
    if form.validate_on_submit():
        services.update_draft(application, form.values(), form.beneficiaries(), form.lines())
        flash(_("Saved."), "success")
        return redirect(url_for("applications.application", application_id=application.id))
    return _render_form(form, programme, school, application)


@bp.get("/applications/<int:application_id>")
def application(application_id: int):
    application = load_or_404(Application, application_id, "view")
    can_edit = application.can_edit(current_user)
    is_school = current_user.is_school_staff_of(application.school_id)
    precheck, missing = [], []
    if application.state == ApplicationState.DRAFT:
        precheck = eligibility.check(application, utcnow())
        missing = services.missing_for_submission(application)
    return render_template(
        "applications/application.html",
        application=application,
        shown_state=application.state_shown_to(current_user),
        shown_events=application.events_shown_to(current_user),
        programme=application.programme,
        can_edit=can_edit,
        can_withdraw=is_school and application.state in WITHDRAWABLE,
        can_screen=application.can_screen(current_user)
        and application.state in (ApplicationState.ELIGIBLE, ApplicationState.INELIGIBLE),
        precheck=precheck,
        missing=missing,
        failures=eligibility.parse_codes(application.eligibility_failures),
        upload_form=UploadForm(),
        reason_form=ReasonForm(),
        override_form=OverrideForm(),
        max_files=current_app.config["UPLOAD_MAX_FILES"],
    )


def _no_longer_a_draft(application: Application):
    """The school's own application that is past the draft (submitted from another tab or by a
    colleague): say so and show it, rather than a bare 403. None when that is not the case."""
    if application.state == ApplicationState.DRAFT or not current_user.is_school_staff_of(
        application.school_id
    ):
        return None
    flash(
        _(
            "This application was already submitted (perhaps from another tab or by a "
            "colleague); it can no longer be changed. Nothing was done."
        ),
        "info",
    )
    return redirect(url_for("applications.application", application_id=application.id))


@bp.post("/applications/<int:application_id>/submit")
def submit_application(application_id: int):
    application = load_or_404(Application, application_id, "view")
    if not ReasonForm().validate_on_submit():
        abort(400)
    if (answer := _no_longer_a_draft(application)) is not None:
        return answer
    require(application.can_edit(current_user))
    try:
        result = services.submit(application, current_user)
    except services.IllegalTransition:  # another request submitted it a moment ago
        discard_changes()
        return _no_longer_a_draft(db.get_or_404(Application, application_id)) or abort(409)
    except (services.SubmissionRefused, services.Incomplete) as exc:
        discard_changes()
        for reason in exc.reasons:
            flash(reason, "error")
        return redirect(url_for("applications.application", application_id=application_id))
    if result.eligible:
        flash(_("Your application is submitted and meets the programme's rules."), "success")
    else:
        flash(
            _("Your application is submitted, but it does not meet some of the programme's rules."),
            "error",
        )
    return redirect(url_for("applications.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/withdraw")
def withdraw_application(application_id: int):
    application = load_or_404(Application, application_id, "view")
    require(current_user.is_school_staff_of(application.school_id))
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    refusal_returns_to(url_for("applications.application", application_id=application_id))
    services.withdraw(application, current_user, (form.reason.data or "").strip())
    flash(_("The application is withdrawn."), "success")
    return redirect(url_for("applications.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/attachments")
def upload_attachments(application_id: int):
    application = load_or_404(Application, application_id, "edit")
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        created = services.attach_files(application, request.files.getlist("files"), current_user)
    except services.ApplicationError as exc:
        discard_changes()
        for reason in exc.reasons:
            flash(reason, "error")
        flash(_("No file was added."), "error")
        return redirect(
            url_for("applications.application", application_id=application_id) + "#attachments"
        )
    flash(_("%(n)d file(s) added.", n=len(created)), "success")
    return redirect(
        url_for("applications.application", application_id=application_id) + "#attachments"
    )


def _attachment(application_id: int, attachment_id: int, action: str) -> Attachment:
    application = load_or_404(Application, application_id, action)
    attachment = db.get_or_404(Attachment, attachment_id)
    if attachment.application_id != application.id:
        abort(404)
    return attachment


@bp.post("/applications/<int:application_id>/attachments/<int:attachment_id>/delete")
def delete_attachment(application_id: int, attachment_id: int):
    attachment = _attachment(application_id, attachment_id, "edit")
    if not ReasonForm().validate_on_submit():
        abort(400)
    services.remove_attachment(attachment)
    flash(_("The file is removed."), "success")
    return redirect(
        url_for("applications.application", application_id=application_id) + "#attachments"
    )


@bp.get("/applications/<int:application_id>/attachments/<int:attachment_id>")
def download_attachment(application_id: int, attachment_id: int):
    attachment = _attachment(application_id, attachment_id, "view")
    return send_private(
        attachment.storage_key, attachment.filename, content_type=attachment.content_type
    )


@bp.app_errorhandler(413)
def upload_too_large(error):
    """A request bigger than MAX_CONTENT_LENGTH: a form message for uploads, else a page."""
    if request.endpoint == "applications.upload_attachments" and request.view_args:
        mb = services.megabytes(current_app.config["UPLOAD_MAX_BYTES"])
        flash(_("The upload is too large. Each file may be at most %(mb)s MB.", mb=mb), "error")
        return redirect(url_for("applications.application", **request.view_args) + "#attachments")
    from ..core.views import http_error

    return http_error(error)
