"""The public overview (``/figures``): the network's money, schools, pupils and devices for a
period and a programme, by programme, with CSV and Excel of its key figures and of the
by-programme table (routes in ``views.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..campaigns.queries import programme_choices
from ..core.exports import Column, Kind, download
from ..core.pagecache import cached_page
from ..i18n import current_language
from . import figures, periods, school_figures
from .periods import KIND_LABELS, YearKind

#: The by-programme table's columns (rows: ``(programme name, Money)``).
PROGRAMME_COLUMNS = [
    Column(_l("Programme"), lambda r: r[0]),
    Column(_l("Campaigns"), lambda r: r[1].campaigns, Kind.INT),
    Column(_l("Raised (baht)"), lambda r: r[1].raised_satang, Kind.MONEY),
    Column(_l("Given online (baht)"), lambda r: r[1].online_satang, Kind.MONEY),
    Column(_l("Matched by sponsors (baht)"), lambda r: r[1].matched_satang, Kind.MONEY),
    Column(_l("Given offline (baht)"), lambda r: r[1].offline_satang, Kind.MONEY),
    Column(_l("Spent (baht)"), lambda r: r[1].spent_satang, Kind.MONEY),
    Column(_l("Balance (baht)"), lambda r: r[1].balance_satang, Kind.MONEY),
    Column(_l("Schools funded"), lambda r: r[1].schools_funded, Kind.INT),
    Column(_l("Devices delivered"), lambda r: r[1].devices_recorded, Kind.INT),
    Column(_l("Devices confirmed by schools"), lambda r: r[1].devices_confirmed, Kind.INT),
]


def _of_total(column: Column) -> Column:
    """A by-programme column read from the key figures' total instead."""
    return Column(column.header, lambda r: column.value((None, r.total)), column.kind)


#: The key figures as one row (rows: ``KeyFigures``), the same figures as the page's.
KEY_FIGURE_COLUMNS = [
    Column(_l("Period"), lambda r: r.period_label),
    Column(_l("Programme"), lambda r: r.programme_name or gettext("All programmes")),
    *(_of_total(column) for column in PROGRAMME_COLUMNS[1:]),
    Column(_l("Donations"), lambda r: r.total.donations, Kind.INT),
    Column(_l("Schools in the network today"), lambda r: r.network.members, Kind.INT),
    Column(_l("Pupils in the funded schools"), lambda r: r.pupils.pupils, Kind.INT),
    Column(_l("Pupils of grades 4–6 reached"), lambda r: r.grades.reached, Kind.INT),
    Column(_l("Pupils of grades 4–6 enrolled"), lambda r: r.grades.enrolled, Kind.INT),
    Column(_l("Pupils of grades 4–6 reached (%)"), lambda r: r.grades.percent, Kind.NUMBER),
    Column(_l("Campaigns raising money now"), lambda r: r.live, Kind.INT),
]


@dataclass(frozen=True)
class KeyFigures:
    """The overview's key figures for a period and a programme (None: every programme)."""

    period_label: str
    programme_name: str
    total: figures.Money
    network: school_figures.Network
    pupils: school_figures.Pupils
    grades: school_figures.GradesReached
    live: int


def key_figures(period, programme_id: int | None, programme_name: str) -> KeyFigures:
    """What the overview's key figures show (a fixed number of queries)."""
    return KeyFigures(
        str(period.label()),
        programme_name,
        figures.money(period, programme_id=programme_id),
        school_figures.network(),
        school_figures.pupils_reached(period, programme_id=programme_id),
        school_figures.grades_4_6_reached(period, programme_id=programme_id),
        figures.live_campaigns(programme_id=programme_id),
    )


def _programme_id(choices: list[tuple[str, str]]) -> int | None:
    """The programme the query string names, if it is one with public campaigns (else all)."""
    wanted = request.args.get("programme", "")
    return int(wanted) if wanted in {value for value, _ in choices} else None


def by_programme(period, choices) -> list[tuple[str, figures.Money]]:
    """(programme name, its figures) for each programme with a campaign in ``period``, newest
    programme first (``choices``: every programme with public campaigns, named)."""
    per = figures.money_by("programme", period)
    return [(name, per[int(value)]) for value, name in choices if int(value) in per]


def year_choices() -> list[int]:
    """The Buddhist-Era years either selector offers, newest first."""
    offered = set(periods.years(YearKind.FISCAL)) | set(periods.years(YearKind.ACADEMIC))
    return sorted(offered, reverse=True)


@cached_page(lambda **_: figures.version())
def overview():
    period = periods.from_args(request.args)
    choices = programme_choices(current_language())
    programme_id = _programme_id(choices)
    rows = by_programme(period, choices)
    programme_name = dict(choices).get(str(programme_id), "")
    key = key_figures(period, programme_id, programme_name)
    return render_template(
        "reporting/overview.html",
        period=period,
        kind_labels=KIND_LABELS,
        years=year_choices(),
        choices=choices,
        programme_id=programme_id,
        programme_name=programme_name,
        total=key.total,
        network=key.network,
        pupils=key.pupils,
        grades=key.grades,
        live=key.live,
        rows=rows,
        chart_max=max([1] + [max(m.raised_satang, m.spent_satang) for _, m in rows]),
    )


def overview_export(fmt: str):
    """The by-programme table as CSV or Excel, for the period in the query string."""
    period = periods.from_args(request.args)
    rows = by_programme(period, programme_choices(current_language()))
    name = f"programmes-{period.kind or 'all'}-{period.be_year or 'years'}"
    return download(fmt, PROGRAMME_COLUMNS, rows, name, "programmes", private=False)


def key_figures_export(fmt: str):
    """The key figures as CSV or Excel, for the period and programme in the query string."""
    period = periods.from_args(request.args)
    choices = programme_choices(current_language())
    programme_id = _programme_id(choices)
    key = key_figures(period, programme_id, dict(choices).get(str(programme_id), ""))
    name = f"key-figures-{period.kind or 'all'}-{period.be_year or 'years'}"
    if programme_id is not None:
        name += f"-programme-{programme_id}"
    return download(fmt, KEY_FIGURE_COLUMNS, [key], name, "key figures", private=False)
