"""The public overview (``/figures``): the network's money, schools, pupils and devices for a
period and a programme, by programme, with its CSV and Excel (routes in ``views.py``)."""

from __future__ import annotations

from flask import render_template, request
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
    return render_template(
        "reporting/overview.html",
        period=period,
        kind_labels=KIND_LABELS,
        years=year_choices(),
        choices=choices,
        programme_id=programme_id,
        programme_name=dict(choices).get(str(programme_id), ""),
        total=figures.money(period, programme_id=programme_id),
        network=school_figures.network(),
        pupils=school_figures.pupils_reached(period, programme_id=programme_id),
        live=figures.live_campaigns(programme_id=programme_id),
        rows=rows,
        chart_max=max([1] + [max(m.raised_satang, m.spent_satang) for _, m in rows]),
    )


def overview_export(fmt: str):
    """The by-programme table as CSV or Excel, for the period in the query string."""
    period = periods.from_args(request.args)
    rows = by_programme(period, programme_choices(current_language()))
    name = f"programmes-{period.kind or 'all'}-{period.be_year or 'years'}"
    return download(fmt, PROGRAMME_COLUMNS, rows, name, "programmes", private=False)
