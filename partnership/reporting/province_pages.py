"""What the province pages show (their routes are in ``views.py``): Thailand's provinces on a
map with their table and regions, and one province's page for its area-based education team;
each table also as CSV and Excel (``province_exports``).

Both pages are kept for anonymous visitors (``core.pagecache``, ``version`` and
``province_version`` here) until the money or the devices move (``figures.version``); each
answers with the same number of queries however many schools and campaigns there are
(tests/reporting/test_province_pages.py).
"""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext

from ..core.exports import download
from ..db_types import utcnow
from ..governance.assemblies import province_assemblies
from ..i18n import academic_year_label, current_language
from ..money import format_satang
from ..registry.provinces import REGIONS, get_province
from . import by_province, figures, periods, province, school_figures
from .maps import map_view
from .province_exports import province_or_404
from .tables import read_sort, sort_rows

#: Every figure of the province table can sort it; the province name is the default.
PROVINCE_SORTS = (*by_province.SORT_KEYS, "name")
DISTRICT_SORTS = ("district", "schools", "members", "campaigns", "raised", "spent", "devices")


def version(**_kwargs):
    """The provinces page's version (``cached_page``)."""
    return figures.version()


def province_version(code: str, **_kwargs):
    """A province page's version; an unknown code is never kept (its 404)."""
    return figures.version() if get_province(code) is not None else None


def _province_sort_keys(lang: str) -> dict:
    keys = dict(by_province.SORT_KEYS)
    keys["name"] = lambda row: row.name(lang)
    keys["region"] = lambda row: (row.region_name(lang), row.name(lang))
    return keys


def provinces():
    """The map coloured by a chosen figure, the 77-province table and the six regions."""
    lang = current_language()
    period = periods.from_args(request.args)
    figure = by_province.figure_from(request.args)
    rows = by_province.province_rows(period)
    regions = by_province.region_rows(rows)
    values = {row.code: figure.value(row) for row in rows}
    sort = read_sort(request.args, PROVINCE_SORTS, "name")
    args = {**period.args(), "figure": figure.key}
    the_map = map_view(
        values,
        str(figure.label),
        lambda value: by_province.format_value(figure, value),
        lambda code: url_for("reporting.province_page", code=code, **period.args()),
        lang,
    )
    return render_template(
        "reporting/provinces.html",
        period=period,
        figure=figure,
        figures_offered=by_province.FIGURES.values(),
        the_map=the_map,
        rows=sort_rows(rows, sort, _province_sort_keys(lang)),
        regions=regions,
        plain_baht=format_satang,
        region_bars=[(region.name(lang), figure.value(region)) for region in regions],
        sort=sort,
        args=args,
        year_kinds=periods.KIND_LABELS,
        years={kind: periods.years(kind) for kind in periods.YearKind},
    )


def provinces_export(fmt: str):
    """The province table with every figure, for the period asked."""
    period = periods.from_args(request.args)
    rows = by_province.province_rows(period)
    columns = by_province.export_columns(current_language())
    name = f"provinces-{utcnow():%Y%m%d}"
    return download(fmt, columns, rows, name, gettext("Provinces"), private=False)


def regions_export(fmt: str):
    """The six regions' table (each the sum of its provinces), for the period asked."""
    period = periods.from_args(request.args)
    rows = by_province.region_rows(by_province.province_rows(period))
    columns = by_province.region_columns(current_language())
    name = f"regions-{utcnow():%Y%m%d}"
    return download(fmt, columns, rows, name, gettext("Regions"), private=False)


def province_page(code: str):
    """One province: its schools in and out of the network, pupils and teachers over the years,
    applications, campaigns, money, devices, outcomes, and its districts."""
    found = province_or_404(code)
    lang = current_language()
    period = periods.from_args(request.args)
    districts = province.district_rows(code, period)
    total = province.total_row(districts, gettext("Total"))
    years = school_figures.pupils_by_year(province_code=code)
    sort = read_sort(request.args, DISTRICT_SORTS, "district")
    return render_template(
        "reporting/province.html",
        province=found,
        name=found.name_th if lang == "th" else found.name_en,
        province_region=REGIONS[found.region][0 if lang == "th" else 1],
        period=period,
        total=total,
        districts=sort_rows(districts, sort, DISTRICT_SORT_KEYS),
        sort=sort,
        years=years,
        latest=years[max(years)] if years else None,
        latest_year=max(years) if years else None,
        grades=school_figures.grades_4_6_reached(period, province_code=code),
        year_bars=[(academic_year_label(y, lang), row.pupils) for y, row in years.items()],
        thousands="{:,}".format,
        applications=province.application_counts(code),
        campaigns=province.campaign_rows(code, period),
        campaigns_shown=province.CAMPAIGNS_SHOWN,
        outcomes=province.outcome_rows(code),
        # the province's assemblies with their latest public sitting: one query
        assemblies=province_assemblies(code),
        year_kinds=periods.KIND_LABELS,
        years_offered={kind: periods.years(kind) for kind in periods.YearKind},
    )


DISTRICT_SORT_KEYS = {
    "district": lambda r: r.district,
    "schools": lambda r: r.network.schools,
    "members": lambda r: r.network.members,
    "campaigns": lambda r: r.money.campaigns,
    "raised": lambda r: r.money.raised_satang,
    "spent": lambda r: r.money.spent_satang,
    "devices": lambda r: r.money.devices_recorded,
}
