"""The ``reporting`` blueprint: public dashboards and reports (each page in its own module,
its routes declared here)."""

from __future__ import annotations

from flask import Blueprint

from . import views_overview, views_sponsors

bp = Blueprint("reporting", __name__)

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
