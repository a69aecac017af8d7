"""The years the dashboards count in: the Thai government's fiscal year (1 October to 30
September, named by the Buddhist-Era year it ends in: ปีงบประมาณ 2570 runs from 1 October 2026)
and the academic year (from May, named by the year it starts in: ปีการศึกษา 2569 from May 2026).

A campaign counts in the year in which it opened to gifts (``Campaign.starts_at``, Bangkok
time), with everything it raised and spent: the programme's round is what a ministry analyst
reports on, not the day each baht arrived. docs/features/reporting.md says so to readers.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..db_types import utcnow
from ..i18n import (
    BANGKOK,
    BUDDHIST_ERA_OFFSET,
    academic_year_be,
    current_language,
    fiscal_year_be,
)

#: The first year a selector offers (the network's first round).
FIRST_YEAR_CE = 2021


class YearKind(enum.StrEnum):
    FISCAL = "fiscal"
    ACADEMIC = "academic"


KIND_LABELS = {
    YearKind.FISCAL: _l("Fiscal year (October–September)"),
    YearKind.ACADEMIC: _l("Academic year (from May)"),
}


@dataclass(frozen=True)
class Period:
    """All time (``kind`` None), or one fiscal or academic year named by its Buddhist-Era
    number as Thai readers know it (``be_year``)."""

    kind: YearKind | None = None
    be_year: int | None = None

    @property
    def everything(self) -> bool:
        return self.kind is None

    def bounds(self) -> tuple[datetime, datetime] | None:
        """[start, end) as aware datetimes (Bangkok midnight), or None for all time."""
        if self.kind is None or self.be_year is None:
            return None
        ce = self.be_year - BUDDHIST_ERA_OFFSET
        if self.kind == YearKind.FISCAL:
            start, end = date(ce - 1, 10, 1), date(ce, 10, 1)
        else:
            start, end = date(ce, 5, 1), date(ce + 1, 5, 1)
        return (
            datetime.combine(start, time(), tzinfo=BANGKOK),
            datetime.combine(end, time(), tzinfo=BANGKOK),
        )

    def label(self) -> str:
        if self.kind is None:
            return gettext("All years")
        if self.kind == YearKind.FISCAL:
            return gettext("Fiscal year %(year)s", year=self._shown_year())
        return gettext("Academic year %(year)s", year=self._shown_year())

    def _shown_year(self) -> str:
        """The year in the page's language: 2570 in Thai, 2027 (fiscal) or 2026/27 in English."""
        if current_language() == "th":
            return str(self.be_year)
        ce = self.be_year - BUDDHIST_ERA_OFFSET
        return str(ce) if self.kind == YearKind.FISCAL else f"{ce}/{(ce + 1) % 100:02d}"

    def args(self) -> dict[str, str]:
        """The query-string arguments that name this period (for links and forms)."""
        if self.kind is None:
            return {}
        return {"year_kind": self.kind.value, "year": str(self.be_year)}

    def contains(self, moment: datetime) -> bool:
        bounds = self.bounds()
        return bounds is None or bounds[0] <= moment < bounds[1]


def year_of(kind: YearKind, moment: datetime) -> int:
    """The Buddhist-Era year of ``kind`` that ``moment`` falls in."""
    return fiscal_year_be(moment) if kind == YearKind.FISCAL else academic_year_be(moment)


def current(kind: YearKind) -> Period:
    return Period(kind, year_of(kind, utcnow()))


def years(kind: YearKind) -> list[int]:
    """The Buddhist-Era years a selector offers for ``kind``, newest first."""
    first = year_of(kind, datetime.combine(date(FIRST_YEAR_CE, 5, 1), time(), tzinfo=BANGKOK))
    return list(range(year_of(kind, utcnow()), first - 1, -1))


def from_args(args: Mapping[str, str]) -> Period:
    """The period a query string names (``?year_kind=fiscal&year=2570``); anything missing,
    unknown or out of range is all time (a shared link never fails)."""
    try:
        kind = YearKind(args.get("year_kind", ""))
        year = int(args.get("year", ""))
    except ValueError:
        return Period()
    if year not in years(kind):
        return Period()
    return Period(kind, year)
