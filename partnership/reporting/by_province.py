"""The 77-province table and its six-region summary: what the map is coloured by.

Three queries whatever the size of the country (``figures.money_by``,
``school_figures.network_by``, ``school_figures.pupils_by_province``); the rows, their sort, the
map's values and the export columns are made from them here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..core.exports import Column, Kind
from ..money import format_satang
from ..registry.provinces import PROVINCES, REGIONS
from . import figures, school_figures
from .periods import Period


@dataclass(frozen=True)
class Figure:
    """A figure the map can be coloured by: its name, whether it is money, how a row gives it."""

    key: str
    label: object  # a lazy translation
    money: bool
    value: Callable[[Row], int | None]


@dataclass(frozen=True)
class Row:
    """One province (or one region, ``code`` its key): its schools, pupils and money."""

    code: str
    name_th: str
    name_en: str
    region: str
    network: school_figures.Network
    money: figures.Money
    #: Pupils of the schools that gave figures, each in the newest year it reported (None: no
    #: school of the province has given any).
    pupils: int | None

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en

    def region_name(self, lang: str) -> str:
        return REGIONS[self.region][0 if lang == "th" else 1]

    @property
    def raised_per_pupil_satang(self) -> int | None:
        """Money raised per pupil, whole satang rounded down (None without pupils)."""
        if not self.pupils:
            return None
        return self.money.raised_satang // self.pupils


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        Figure("per_pupil", _l("Raised per pupil"), True, lambda r: r.raised_per_pupil_satang),
        Figure(
            "without_partner",
            _l("Network schools without a private partner"),
            False,
            lambda r: r.network.without_private_partner,
        ),
        Figure("members", _l("Schools in the network"), False, lambda r: r.network.members),
        Figure("devices", _l("Devices delivered"), False, lambda r: r.money.devices_recorded),
        Figure("raised", _l("Money raised"), True, lambda r: r.money.raised_satang),
        Figure("spent", _l("Money spent"), True, lambda r: r.money.spent_satang),
    )
}
DEFAULT_FIGURE = "raised"


def figure_from(args) -> Figure:
    """The figure the query string names (``?figure=per_pupil``), the default for anything else."""
    return FIGURES.get(args.get("figure", ""), FIGURES[DEFAULT_FIGURE])


def format_value(figure: Figure, value: int | None) -> str:
    """A figure as the legend, the titles and the bar chart write it (``฿1,234`` or ``1,234``)."""
    if value is None:
        return "—"
    if figure.money:  # whole baht without ".00": the legend's rounded bounds stay short
        return f"฿{value // 100:,}" if value % 100 == 0 else format_satang(value)
    return f"{value:,}"


def province_rows(period: Period) -> list[Row]:
    """One row per province, all 77, in the registry's order (three queries)."""
    money = figures.money_by("province", period)
    network = school_figures.network_by("province")
    pupils = school_figures.pupils_by_province()
    return [
        Row(
            p.code,
            p.name_th,
            p.name_en,
            p.region,
            network.get(p.code, school_figures.Network()),
            money.get(p.code, figures.Money()),
            pupils.get(p.code),
        )
        for p in PROVINCES
    ]


def region_rows(rows: list[Row]) -> list[Row]:
    """The six regions, each the sum of its provinces, in the registry's order."""
    regions = []
    for key, (name_th, name_en) in REGIONS.items():
        members = [row for row in rows if row.region == key]
        pupils = [row.pupils for row in members if row.pupils is not None]
        regions.append(
            Row(
                key,
                name_th,
                name_en,
                key,
                sum((row.network for row in members), school_figures.Network()),
                sum((row.money for row in members), figures.Money()),
                sum(pupils) if pupils else None,
            )
        )
    return regions


#: Sortable columns of the province table and how each sorts.
SORT_KEYS: dict[str, Callable[[Row], object]] = {
    "name": lambda r: r.name_th,
    "region": lambda r: (r.region, r.name_th),
    "members": lambda r: r.network.members,
    "without_partner": lambda r: r.network.without_private_partner,
    "pupils": lambda r: r.pupils,
    "raised": lambda r: r.money.raised_satang,
    "spent": lambda r: r.money.spent_satang,
    "devices": lambda r: r.money.devices_recorded,
    "per_pupil": lambda r: r.raised_per_pupil_satang,
}


#: A row's schools (``r.network``, a ``school_figures.Network``): the provinces' and the
#: districts' downloads both start with them.
NETWORK_COLUMNS = (
    Column(_l("Schools in the registry"), lambda r: r.network.schools, Kind.INT),
    Column(_l("Schools in the network"), lambda r: r.network.members, Kind.INT),
    Column(
        _l("Network schools without a private partner"),
        lambda r: r.network.without_private_partner,
        Kind.INT,
    ),
)


def export_columns(lang: str) -> list[Column]:
    """The province table as a spreadsheet (every figure, whatever the map shows)."""
    return [
        Column(_l("Province code"), lambda r: r.code),
        Column(_l("Province"), lambda r: r.name(lang)),
        Column(_l("Region"), lambda r: r.region_name(lang)),
        *NETWORK_COLUMNS,
        Column(_l("Pupils"), lambda r: r.pupils, Kind.INT),
        Column(_l("Campaigns"), lambda r: r.money.campaigns, Kind.INT),
        Column(_l("Raised online (baht)"), lambda r: r.money.online_satang, Kind.MONEY),
        Column(_l("Matched by sponsors (baht)"), lambda r: r.money.matched_satang, Kind.MONEY),
        Column(_l("Offline gifts (baht)"), lambda r: r.money.offline_satang, Kind.MONEY),
        Column(_l("Raised (baht)"), lambda r: r.money.raised_satang, Kind.MONEY),
        Column(_l("Spent (baht)"), lambda r: r.money.spent_satang, Kind.MONEY),
        Column(_l("Raised per pupil (baht)"), lambda r: r.raised_per_pupil_satang, Kind.MONEY),
        Column(_l("Devices delivered"), lambda r: r.money.devices_recorded, Kind.INT),
        Column(_l("Devices confirmed"), lambda r: r.money.devices_confirmed, Kind.INT),
    ]


def region_columns(lang: str) -> list[Column]:
    """The regions' table as a spreadsheet: the province table's figures, by region."""
    return [Column(_l("Region"), lambda r: r.name(lang)), *export_columns(lang)[3:]]
