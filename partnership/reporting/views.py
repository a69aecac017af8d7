"""The ``reporting`` blueprint: public dashboards and reports (each page in its own module,
registered here)."""

from __future__ import annotations

from flask import Blueprint

from . import report_pages

bp = Blueprint("reporting", __name__)

# The programme report and the sponsor report (report_pages.py)

bp.add_url_rule("/programmes/<int:programme_id>/report", view_func=report_pages.programme_report)
bp.add_url_rule(
    "/programmes/<int:programme_id>/report.pdf", view_func=report_pages.programme_report_pdf
)
bp.add_url_rule(
    "/organisations/<int:organisation_id>/report", view_func=report_pages.sponsor_report
)
bp.add_url_rule(
    "/organisations/<int:organisation_id>/report.pdf", view_func=report_pages.sponsor_report_pdf
)
