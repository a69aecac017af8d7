"""Staff's school data pages: the collection windows, the import and the export."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core import spreadsheets
from ...core.exports import Column, Kind, download
from ...core.unit_of_work import discard_changes
from ...core.uploads import RefusedFile
from ...extensions import db
from ...i18n import BUDDHIST_ERA_OFFSET, current_academic_year, current_language
from ...permissions import staff_required
from ..models import GRADE_COLUMNS, GRADES, School, SchoolYearStat
from ..provinces import PROVINCES_BY_CODE, province_choices, province_name
from . import imports, services
from .forms import ExportFilterForm, ImportForm, WindowForm
from .models import CollectionWindow

bp = Blueprint("school_data_staff", __name__, url_prefix="/staff/school-data")


@bp.before_request
@staff_required
def _staff_only():
    """Every page here is staff's."""


def _windows():
    return db.session.scalars(
        sa.select(CollectionWindow).order_by(CollectionWindow.academic_year.desc())
    ).all()


def _page(window_form=None, import_form=None, result=None, status=200):
    if window_form is None:
        window_form = WindowForm(formdata=None, prefix="window")
        window_form.academic_year.data = current_academic_year() + BUDDHIST_ERA_OFFSET
    if import_form is None:
        import_form = ImportForm(formdata=None, prefix="import")
        import_form.academic_year.data = current_academic_year() + BUDDHIST_ERA_OFFSET
    return render_template(
        "registry/school_data_staff.html",
        windows=_windows(),
        today=services.today(),
        window_form=window_form,
        import_form=import_form,
        result=result,
        provinces=province_choices(current_language()),
    ), status


@bp.get("/")
def index():
    return _page()


@bp.post("/windows")
def open_window():
    form = WindowForm(prefix="window")
    if form.validate_on_submit():
        try:
            services.open_window(
                form.academic_year.data - BUDDHIST_ERA_OFFSET,
                form.opens_on.data,
                form.closes_on.data,
                current_user,
            )
        except services.SchoolDataRefused as refused:
            discard_changes()
            form.closes_on.errors = [refused.user_message()]
        else:
            flash(_("The collection is set."), "success")
            return redirect(url_for(".index"), 303)
    return _page(window_form=form, status=422)


@bp.post("/windows/<int:window_id>/close")
def close_window(window_id: int):
    window = db.get_or_404(CollectionWindow, window_id)
    services.close_window(window, current_user)
    flash(_("The collection is closed."), "success")
    return redirect(url_for(".index"), 303)


def _display_name(filename: str | None) -> str:
    """The uploaded file's name as the history shows it: no path, nothing but letters (Thai
    too), digits and a few marks."""
    base = re.split(r"[\\/]", filename or "")[-1]
    return re.sub(r"[^\w\s.()\-\u0E00-\u0E7F]", "_", base).strip()[:150] or "upload"


@bp.post("/import")
def import_file():
    """Check every row; write them all only when none is bad (one transaction)."""
    form = ImportForm(prefix="import")
    if not form.validate_on_submit():
        return _page(import_form=form, status=422)
    upload = form.upload.data
    name = _display_name(upload.filename)
    year = form.academic_year.data - BUDDHIST_ERA_OFFSET
    try:
        # one byte past the limit is enough to refuse it: a large file is never read whole
        data = upload.stream.read(spreadsheets.MAX_TABLE_BYTES + 1)
    finally:
        upload.close()
    try:
        result = imports.check_file(data, name, year)
    except RefusedFile as refused:
        form.upload.errors = [str(refused)]
        return _page(import_form=form, status=422)
    if not result.ok:
        return _page(import_form=form, result=result, status=422)
    count = imports.apply_import(result, year, current_user, name)
    flash(_("%(n)d schools' figures are imported.", n=count), "success")
    return redirect(url_for(".index"), 303)


def _grade_title(index: int) -> str:
    _code, th, en = GRADES[index]
    return th if current_language() == "th" else en


def export_columns() -> list[Column]:
    """The export's columns; its headers are ones the import reads back."""
    return [
        Column(_("School code"), lambda r: r.School.code),
        Column(_("School"), lambda r: r.School.name_th),
        Column(_("Province"), lambda r: province_name(r.School.province_code, current_language())),
        Column(_("District"), lambda r: r.School.district),
        Column(_("Academic year"), lambda r: r.SchoolYearStat.academic_year + BUDDHIST_ERA_OFFSET,
               Kind.INT),
        *(Column(_grade_title(i), lambda r, c=c: getattr(r.SchoolYearStat, c), Kind.INT)
          for i, c in enumerate(GRADE_COLUMNS)),
        Column(_("Pupils"), lambda r: r.SchoolYearStat.pupils, Kind.INT),
        Column(_("Teachers"), lambda r: r.SchoolYearStat.teachers, Kind.INT),
        Column(_("Computers pupils can use"), lambda r: r.SchoolYearStat.devices_on_hand,
               Kind.INT),
    ]  # fmt: skip


@bp.get("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """School data of a year (and a province), as CSV or Excel, formula-escaped."""
    filters = ExportFilterForm(request.args)
    filters.validate()
    province = filters.value("province", 2)
    year_text = filters.value("year", 4)
    year = int(year_text) - BUDDHIST_ERA_OFFSET if year_text.isdigit() else current_academic_year()
    query = (
        sa.select(School, SchoolYearStat)
        .join(SchoolYearStat, SchoolYearStat.school_id == School.id)
        .where(SchoolYearStat.academic_year == year)
        .order_by(School.province_code, School.code)
    )
    if province in PROVINCES_BY_CODE:
        query = query.where(School.province_code == province)
    rows = db.session.execute(query)
    filename = f"school-data-{year + BUDDHIST_ERA_OFFSET}{'-' + province if province else ''}"
    return download(fmt, export_columns(), rows, filename, _("School data"))
