"""Staff screening: the filtered list of a programme's applications, CSV export, overrides."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..core.exports import Column, Kind, csv_download
from ..core.pagination import paginate
from ..core.unit_of_work import refusal_returns_to
from ..extensions import db
from ..i18n import current_language
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


def _rules(app: Application) -> list:
    return parse_codes(app.eligibility_failures)


def export_columns(lang: str) -> list[Column]:
    """The CSV's columns; the province is named in ``lang``."""
    return [
        Column(_l("Application"), lambda app: app.id, Kind.INT),
        Column(_l("School code"), lambda app: app.school.code),
        Column(_l("School"), lambda app: app.school.name_th),
        Column(_l("Province"), lambda app: app.school.province_name(lang)),
        Column(_l("Title"), lambda app: app.title),
        Column(_l("State"), lambda app: app.state),
        Column(_l("Submitted"), lambda app: app.submitted_at, Kind.DATETIME),
        Column(_l("Requested (baht)"), lambda app: app.requested_satang, Kind.MONEY),
        Column(_l("Pupils"), lambda app: app.pupils_benefiting, Kind.INT),
        Column(_l("Teachers"), lambda app: app.teachers_benefiting, Kind.INT),
        Column(_l("Rule codes"), lambda app: " ".join(_rules(app))),
        Column(_l("Rules not met"), lambda app: " | ".join(r.reason for r in _rules(app))),
        Column(_l("Override reason"), lambda app: app.eligibility_override),
    ]


def export_rows(programme: Programme, filters: ScreeningFilters):
    """The filtered list's applications, every page."""
    query = screening_query(programme, filters).options(
        selectinload(Application.school), selectinload(Application.beneficiaries)
    )
    return db.session.scalars(query)


@bp.get("/programmes/<int:programme_id>/applications.csv")
@staff_required
def export_csv(programme_id: int):
    programme = load_or_404(Programme, programme_id, "edit")
    rows = export_rows(programme, ScreeningFilters.from_args(request.args))
    name = f"programme-{programme.id}-applications.csv"
    return csv_download(export_columns(current_language()), rows, name)


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
    refusal_returns_to(target + "#screening")
    services.override_eligibility(
        application, form.decision.data == "eligible", form.reason.data.strip(), current_user
    )
    flash(_("The application is now: %(state)s.", state=application.state.label), "success")
    return redirect(target)
