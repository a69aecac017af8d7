"""The ``reporting`` blueprint: public dashboards and reports. Each page's code lives in its
own module without routes (tests/test_layers.py); the URLs are named here."""

from __future__ import annotations

from flask import Blueprint

from ..core.pagecache import cached_page
from . import province_exports, province_pages, report_pages, views_overview, views_sponsors

bp = Blueprint("reporting", __name__)

# The public figures: the overview and the sponsors (views_overview.py, views_sponsors.py).
bp.add_url_rule("/figures", "overview", views_overview.overview)
bp.add_url_rule(
    "/figures/programmes.<any(csv, xlsx):fmt>", "overview_export", views_overview.overview_export
)
bp.add_url_rule(
    "/figures/key-figures.<any(csv, xlsx):fmt>",
    "key_figures_export",
    views_overview.key_figures_export,
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
bp.add_url_rule(
    "/figures/sponsors/<int:organisation_id>/pledges.<any(csv, xlsx):fmt>",
    "sponsor_pledges_export",
    views_sponsors.sponsor_pledges_export,
)
bp.add_url_rule(
    "/figures/sponsors/<int:organisation_id>/schools.<any(csv, xlsx):fmt>",
    "sponsor_schools_export",
    views_sponsors.sponsor_schools_export,
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


# -- The map of provinces and a province's page (province_pages.py) ---------------------------


@bp.get("/figures/provinces")
@cached_page(province_pages.version)
def provinces():
    """The map coloured by a chosen figure, the 77-province table and the six regions."""
    return province_pages.provinces()


@bp.get("/figures/provinces.<any(csv, xlsx):fmt>")
def provinces_export(fmt: str):
    return province_pages.provinces_export(fmt)


@bp.get("/figures/regions.<any(csv, xlsx):fmt>")
def regions_export(fmt: str):
    return province_pages.regions_export(fmt)


@bp.get("/figures/provinces/<code>")
@cached_page(province_pages.province_version)
def province_page(code: str):
    """One province: schools, pupils, applications, campaigns, money, devices, districts."""
    return province_pages.province_page(code)


@bp.get("/figures/provinces/<code>/districts.<any(csv, xlsx):fmt>")
def districts_export(code: str, fmt: str):
    return province_exports.table_export(code, "districts", fmt)


#: The province page's other tables (province_exports.TABLES); districts keep their own route.
PROVINCE_TABLES = "any(figures, years, applications, campaigns, outcomes, assemblies)"


@bp.get(f"/figures/provinces/<code>/<{PROVINCE_TABLES}:table>.<any(csv, xlsx):fmt>")
def province_export(code: str, table: str, fmt: str):
    return province_exports.table_export(code, table, fmt)
