"""A province page's tables as CSV and Excel (routes in ``views.py``): its key figures, the
pupils and teachers over the years, applications by outcome, campaigns, outcomes, assemblies
and districts. Each file holds the figures its page shows, read by the same functions; no donor
is read. Every file is public (the page is)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..core.exports import Column, Kind, download
from ..db_types import utcnow
from ..governance.assemblies import province_assemblies
from ..i18n import academic_year_label, current_language
from ..registry.figures import SchoolDataTotals
from ..registry.provinces import Province, get_province
from . import periods, province, school_figures
from .by_province import NETWORK_COLUMNS
from .periods import Period


def province_or_404(code: str) -> Province:
    found = get_province(code)
    if found is None:
        abort(404)
    return found


@dataclass(frozen=True)
class KeyFigures:
    """The figures at the head of a province's page (money and devices, schools, pupils)."""

    province: str
    period: str
    total: province.DistrictRow
    latest_year: int | None
    latest: SchoolDataTotals | None
    grades: school_figures.GradesReached


def key_figures(found: Province, period: Period, lang: str) -> KeyFigures:
    """What the page's head shows, read as the page reads it."""
    total = province.total_row(province.district_rows(found.code, period), gettext("Total"))
    years = school_figures.pupils_by_year(province_code=found.code)
    latest_year = max(years) if years else None
    return KeyFigures(
        found.name_th if lang == "th" else found.name_en,
        str(period.label()),
        total,
        latest_year,
        years.get(latest_year),
        school_figures.grades_4_6_reached(period, province_code=found.code),
    )


def _latest(value: Callable[[SchoolDataTotals], int]) -> Callable[[KeyFigures], int | None]:
    return lambda r: None if r.latest is None else value(r.latest)


def key_figure_columns(lang: str) -> list[Column]:
    return [
        Column(_l("Province"), lambda r: r.province),
        Column(_l("Period"), lambda r: r.period),
        Column(_l("Raised (baht)"), lambda r: r.total.money.raised_satang, Kind.MONEY),
        Column(_l("Given online (baht)"), lambda r: r.total.money.online_satang, Kind.MONEY),
        Column(
            _l("Matched by sponsors (baht)"), lambda r: r.total.money.matched_satang, Kind.MONEY
        ),
        Column(_l("Given offline (baht)"), lambda r: r.total.money.offline_satang, Kind.MONEY),
        Column(_l("Spent (baht)"), lambda r: r.total.money.spent_satang, Kind.MONEY),
        Column(_l("Balance (baht)"), lambda r: r.total.money.balance_satang, Kind.MONEY),
        Column(_l("Campaigns"), lambda r: r.total.money.campaigns, Kind.INT),
        Column(_l("Campaigns that reached their goal"), lambda r: r.total.money.funded, Kind.INT),
        Column(_l("Devices delivered"), lambda r: r.total.money.devices_recorded, Kind.INT),
        Column(
            _l("Devices confirmed by schools"), lambda r: r.total.money.devices_confirmed, Kind.INT
        ),
        Column(_l("Schools in the network"), lambda r: r.total.network.members, Kind.INT),
        Column(_l("Schools outside the network"), lambda r: r.total.network.outside, Kind.INT),
        Column(
            _l("Network schools without a private partner"),
            lambda r: r.total.network.without_private_partner,
            Kind.INT,
        ),
        Column(
            _l("Academic year of the school data"),
            lambda r: academic_year_label(r.latest_year, lang) if r.latest_year else None,
        ),
        Column(_l("Pupils"), _latest(lambda t: t.pupils), Kind.INT),
        Column(_l("Teachers"), _latest(lambda t: t.teachers), Kind.INT),
        Column(_l("Pupils of grades 4–6 reached"), lambda r: r.grades.reached, Kind.INT),
        Column(_l("Pupils of grades 4–6 enrolled"), lambda r: r.grades.enrolled, Kind.INT),
        Column(_l("Pupils of grades 4–6 reached (%)"), lambda r: r.grades.percent, Kind.NUMBER),
    ]


def year_columns(lang: str) -> list[Column]:
    """The trend over years; a figure not every school gave is left empty, as on the page."""
    return [
        Column(_l("Academic year"), lambda r: academic_year_label(r[0], lang)),
        Column(_l("Schools reporting"), lambda r: r[1].schools, Kind.INT),
        Column(_l("Pupils"), lambda r: r[1].pupils, Kind.INT),
        Column(_l("Teachers"), lambda r: r[1].teachers, Kind.INT),
        Column(
            _l("Pupils in grades 4–6"),
            lambda r: r[1].pupils_p4_p6 if r[1].schools_with_grades else None,
            Kind.INT,
        ),
        Column(
            _l("Computers pupils can use"),
            lambda r: r[1].devices_on_hand if r[1].schools_with_devices else None,
            Kind.INT,
        ),
        Column(
            _l("Pupils per computer"),
            lambda r: (
                r[1].pupils_per_computer if r[1].schools_with_devices == r[1].schools else None
            ),
            Kind.NUMBER,
        ),
    ]


def campaign_columns(lang: str) -> list[Column]:
    return [
        Column(_l("Campaign"), lambda c: c.title),
        Column(
            _l("School"),
            lambda c: c.school_name_en if lang == "en" and c.school_name_en else c.school_name_th,
        ),  # fmt: skip
        Column(_l("District"), lambda c: c.district),
        Column(_l("State"), lambda c: c.state),
        Column(_l("Raised (baht)"), lambda c: c.raised_satang, Kind.MONEY),
        Column(_l("Spent (baht)"), lambda c: c.spent_satang, Kind.MONEY),
        Column(_l("Devices delivered"), lambda c: c.devices_recorded, Kind.INT),
        Column(_l("Devices confirmed by schools"), lambda c: c.devices_confirmed, Kind.INT),
    ]


def outcome_columns(lang: str) -> list[Column]:
    english = lang == "en"
    return [
        Column(_l("Measure"), lambda o: o.name_en if english and o.name_en else o.name_th),
        Column(_l("Schools reporting"), lambda o: o.schools, Kind.INT),
        Column(_l("Figure"), lambda o: o.value, Kind.NUMBER),
        Column(_l("Unit"), lambda o: o.unit_en if english and o.unit_en else o.unit_th),
    ]


def assembly_columns(lang: str) -> list[Column]:
    return [
        Column(_l("Education assembly"), lambda r: r[0].display_name(lang)),
        Column(_l("Latest public sitting"), lambda r: r[1].number_label if r[1] else None),
        Column(_l("Date of the sitting"), lambda r: r[1].starts_at if r[1] else None, Kind.DATE),
    ]


def district_columns(_lang: str) -> list[Column]:
    return DISTRICT_COLUMNS


DISTRICT_COLUMNS = [
    Column(_l("District"), lambda r: r.district),
    *NETWORK_COLUMNS,
    Column(_l("Campaigns"), lambda r: r.money.campaigns, Kind.INT),
    Column(_l("Raised (baht)"), lambda r: r.money.raised_satang, Kind.MONEY),
    Column(_l("Spent (baht)"), lambda r: r.money.spent_satang, Kind.MONEY),
    Column(_l("Devices delivered"), lambda r: r.money.devices_recorded, Kind.INT),
    Column(_l("Devices confirmed"), lambda r: r.money.devices_confirmed, Kind.INT),
]


@dataclass(frozen=True)
class Table:
    """One of the page's tables as a file: its sheet's title, columns, and rows."""

    title: object  # a lazy translation
    columns: Callable[[str], list[Column]]
    rows: Callable[[Province, Period, str], list]


#: The page's tables by the name their file carries (``/figures/provinces/40/<name>.csv``).
TABLES: dict[str, Table] = {
    "figures": Table(
        _l("Key figures"),
        key_figure_columns,
        lambda p, period, lang: [key_figures(p, period, lang)],
    ),
    "years": Table(
        _l("Pupils and teachers over the years"),
        year_columns,
        lambda p, _period, _lang: list(school_figures.pupils_by_year(province_code=p.code).items()),
    ),
    "applications": Table(
        _l("Applications and their outcome"),
        lambda _lang: [
            Column(_l("State"), lambda r: r[0]),
            Column(_l("Applications"), lambda r: r[1], Kind.INT),
        ],
        lambda p, _period, _lang: province.application_counts(p.code),
    ),
    # every campaign of the period: the page lists the newest CAMPAIGNS_SHOWN
    "campaigns": Table(
        _l("Campaigns"),
        campaign_columns,
        lambda p, period, _lang: province.campaign_rows(p.code, period, limit=None),
    ),
    "outcomes": Table(
        _l("Outcomes reported"),
        outcome_columns,
        lambda p, _period, _lang: province.outcome_rows(p.code),
    ),
    "assemblies": Table(
        _l("Education assemblies"),
        assembly_columns,
        lambda p, _period, _lang: province_assemblies(p.code),
    ),
    "districts": Table(
        _l("Districts"),
        district_columns,
        lambda p, period, _lang: province.district_rows(p.code, period),
    ),
}


def table_export(code: str, table: str, fmt: str):
    """One of the province page's tables, for the period asked."""
    found = province_or_404(code)
    if table not in TABLES:
        abort(404)
    lang = current_language()
    spec = TABLES[table]
    rows = spec.rows(found, periods.from_args(request.args), lang)
    name = f"{table}-{code}-{utcnow():%Y%m%d}"
    return download(fmt, spec.columns(lang), rows, name, str(spec.title), private=False)
