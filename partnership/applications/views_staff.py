"""Staff screening: the filtered list of a programme's applications, CSV export, overrides."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..core.downloads import private_download
from ..core.pagination import paginate
from ..core.spreadsheet import export_headers, export_value
from ..core.unit_of_work import discard_changes
from ..extensions import db
from ..i18n import current_language
from ..money import satang_to_input
from ..permissions import load_or_404, staff_required
from ..programmes.models import Programme
from ..registry.models import School
from ..registry.provinces import PROVINCES_BY_CODE, province_choices
from . import services
from .eligibility import Rule, parse_codes
from .forms import OverrideForm
from .models import Application, ApplicationState

bp = Blueprint("screening", __name__)

ELIGIBILITY_FILTERS = ("passed", "failed", "overridden")


@dataclass(frozen=True)
class ScreeningFilters:
    state: str = ""
    province: str = ""
    eligibility: str = ""

    @classmethod
    def from_args(cls, args) -> ScreeningFilters:
        state = args.get("state", "")
        province = args.get("province", "")
        eligibility = args.get("eligibility", "")
        return cls(
            state=state if state in ApplicationState._value2member_map_ else "",
            province=province if province in PROVINCES_BY_CODE else "",
            eligibility=eligibility
            if eligibility in ELIGIBILITY_FILTERS or eligibility in Rule._value2member_map_
            else "",
        )

    def as_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


@bp.app_template_global()
def application_counts(programme: Programme) -> dict[ApplicationState, int]:
    """Applications per state, for the staff box on the programme page (drafts included)."""
    rows = db.session.execute(
        sa.select(Application.state, sa.func.count(Application.id))
        .where(Application.programme_id == programme.id)
        .group_by(Application.state)
    )
    return dict(rows.all())


def _has_code(code: str):
    column = Application.eligibility_failures
    return sa.or_(
        column == code,
        column.like(f"{code},%"),
        column.like(f"%,{code}"),
        column.like(f"%,{code},%"),
    )


def screening_query(programme: Programme, filters: ScreeningFilters):
    """The programme's submitted applications (drafts stay private to the school), filtered."""
    query = (
        sa.select(Application)
        .join(Application.school)
        .where(
            Application.programme_id == programme.id,
            Application.state != ApplicationState.DRAFT,
        )
        .order_by(Application.submitted_at, Application.id)
    )
    if filters.state:
        query = query.where(Application.state == ApplicationState(filters.state))
    if filters.province:
        query = query.where(School.province_code == filters.province)
    if filters.eligibility == "passed":
        query = query.where(Application.eligibility_failures == "")
    elif filters.eligibility == "failed":
        query = query.where(Application.eligibility_failures != "")
    elif filters.eligibility == "overridden":
        query = query.where(Application.eligibility_override != "")
    elif filters.eligibility:
        query = query.where(_has_code(filters.eligibility))
    return query


@bp.get("/programmes/<int:programme_id>/applications")
@staff_required
def applications(programme_id: int):
    programme = load_or_404(Programme, programme_id, "edit")
    filters = ScreeningFilters.from_args(request.args)
    query = screening_query(programme, filters).options(
        selectinload(Application.school), selectinload(Application.beneficiaries)
    )
    return render_template(
        "applications/screening.html",
        programme=programme,
        page=paginate(query),
        filters=filters,
        states=[s for s in ApplicationState if s != ApplicationState.DRAFT],
        provinces=province_choices(current_language()),
        rules=list(Rule),
        parse_codes=parse_codes,
    )


CSV_HEADER = (
    _l("Application"), _l("School code"), _l("School"), _l("Province"), _l("Title"),
    _l("State"), _l("Submitted"), _l("Requested (baht)"), _l("Pupils"), _l("Teachers"),
    _l("Rule codes"), _l("Rules not met"), _l("Override reason"),
)  # fmt: skip


def export_rows(programme: Programme, filters: ScreeningFilters):
    """The CSV rows (header first) for the filtered list, every page."""
    lang = current_language()
    query = screening_query(programme, filters).options(
        selectinload(Application.school), selectinload(Application.beneficiaries)
    )
    yield export_headers(CSV_HEADER)
    for app in db.session.scalars(query):
        rules = parse_codes(app.eligibility_failures)
        yield tuple(
            export_value(v)
            for v in (
                app.id,
                app.school.code,
                app.school.name_th,
                app.school.province_name(lang),
                app.title,
                app.state,
                app.submitted_at or "",
                satang_to_input(app.requested_satang),
                app.pupils_benefiting,
                app.teachers_benefiting,
                " ".join(rules),
                " | ".join(rule.reason for rule in rules),
                app.eligibility_override,
            )
        )


@bp.get("/programmes/<int:programme_id>/applications.csv")
@staff_required
def export_csv(programme_id: int):
    programme = load_or_404(Programme, programme_id, "edit")
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads UTF-8 (Thai) correctly only with a BOM
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(export_rows(programme, ScreeningFilters.from_args(request.args)))
    name = f"programme-{programme.id}-applications.csv"
    return private_download(buffer.getvalue().encode("utf-8"), "text/csv", name)


@bp.post("/applications/<int:application_id>/eligibility")
@staff_required
def override(application_id: int):
    application = load_or_404(Application, application_id, "screen")
    form = OverrideForm()
    target = url_for("applications.application", application_id=application.id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(target + "#screening")
    try:
        services.override_eligibility(
            application, form.decision.data == "eligible", form.reason.data.strip(), current_user
        )
    except services.IllegalTransition:
        discard_changes()
        flash(_("The application is already in that state or can no longer be screened."), "error")
        return redirect(target + "#screening")
    flash(_("The application is now: %(state)s.", state=application.state.label), "success")
    return redirect(target)
