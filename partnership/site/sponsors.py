"""A sponsor's dashboard: for one organisation, its partnerships, its matching pools, the
campaigns it matched with their money and delivery, and their outcomes; each table in CSV and
Excel. Its representatives (active members) and staff see it; nobody else."""

from __future__ import annotations

from flask import abort, current_app, render_template, url_for
from flask_login import current_user, login_required

from ..core.exports import csv_download, xlsx_download
from ..db_types import utcnow
from ..extensions import db
from ..i18n import to_bangkok
from ..registry.models import Organisation
from .sponsor_figures import TABLES, sponsor_figures
from .views import bp

#: The sponsor report (PDF) another part of the app provides; linked only when it exists.
SPONSOR_REPORT = "reporting.sponsor_report"


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    if not organisation.can_edit(current_user):  # staff, or an active member of it
        abort(403)
    return organisation


@bp.get("/organisations/<int:organisation_id>/dashboard")
@login_required
def sponsor_dashboard(organisation_id: int):
    organisation = _organisation(organisation_id)
    report_url = (
        url_for(SPONSOR_REPORT, organisation_id=organisation.id)
        if SPONSOR_REPORT in current_app.view_functions
        else None
    )
    return render_template(
        "site/sponsor_dashboard.html",
        organisation=organisation,
        figures=sponsor_figures(organisation),
        tables=TABLES,
        report_url=report_url,
    )


@bp.get("/organisations/<int:organisation_id>/dashboard/<table>.<any(csv, xlsx):fmt>")
@login_required
def sponsor_dashboard_export(organisation_id: int, table: str, fmt: str):
    organisation = _organisation(organisation_id)
    if table not in TABLES:
        abort(404)
    title, columns, rows_of = TABLES[table]
    rows = rows_of(sponsor_figures(organisation))
    filename = f"organisation-{organisation.id}-{table}-{to_bangkok(utcnow()):%Y%m%d}.{fmt}"
    if fmt == "csv":
        return csv_download(columns, rows, filename)
    return xlsx_download(columns, rows, filename, str(title))


def dashboard_link(organisation, **_extra) -> dict:
    """Receiver of ``organisation_page``: the dashboard's address for those who may see it."""
    if organisation.can_edit(current_user):
        return {"dashboard_url": url_for("site.sponsor_dashboard", organisation_id=organisation.id)}
    return {}
