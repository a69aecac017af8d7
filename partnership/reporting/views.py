"""The ``reporting`` blueprint: public dashboards and reports. Each page's code lives in its
own module without routes (tests/test_layers.py); the URLs are named here."""

from __future__ import annotations

from flask import Blueprint

from . import report_pages, views_overview, views_sponsors

bp = Blueprint("reporting", __name__)

# The public figures: the overview and the sponsors (views_overview.py, views_sponsors.py).
bp.add_url_rule("/figures", "overview", views_overview.overview)
bp.add_url_rule(
    "/figures/programmes.<any(csv, xlsx):fmt>", "overview_export", views_overview.overview_export
)
bp.add_url_rule("/figures/sponsors", "sponsors", views_sponsors.sponsors)
bp.add_url_rule(
    "/figures/sponsors.<any(csv, xlsx):fmt>", "sponsors_export", views_sponsors.sponsors_export
)
bp.add_url_rule("/figures/sponsors/<int:organisation_id>", "sponsor", views_sponsors.sponsor)
bp.add_url_rule(
    "/figures/sponsors/<int:organisation_id>/campaigns.<any(csv, xlsx):fmt>",
    "sponsor_export",
    views_sponsors.sponsor_export,
)

# The programme report and the sponsor report (report_pages.py).
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
