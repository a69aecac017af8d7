"""The dashboards' figures: an aggregate query or two each, over summaries kept with the money.

Money by programme, province and year is read from ``figure_totals`` (``campaigns.figures``):
one row per province, programme, fiscal and academic year, moved in the same transaction as the
campaigns' counters (``raised`` and its three parts, ``spent``, devices), which move with each
ledger row; ``flask ledger verify`` recomputes both from the rows. So a national overview sums a
few hundred rows, never 10,000 campaigns or a million ledger rows, and its query count is the
same for one campaign or ten thousand. A province's districts and schools sum its campaigns.
School figures come from the registry (one row per school, one per school and year).
docs/features/reporting.md lists what each figure means.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, fields, replace
from functools import wraps
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app

from ..campaigns.models import Campaign, CampaignEvent, CampaignState, FigureTotal
from ..devices.models import DeviceEvent
from ..extensions import db
from ..ledger.models import LedgerEntry
from ..registry.models import School
from .periods import Period, YearKind

T = TypeVar("T")

#: The default period: every year.
ALL_TIME = Period()


#: Figures that may lag by ``PAGE_CACHE_SECONDS`` (schools, pupils, schools funded: they change
#: a few times a day), kept per worker in ``app.extensions[KEPT]``: (expires, value) by name
#: and arguments (a bounded set: a few per province and period).
KEPT = "reporting.kept"


def kept(compute: Callable[..., T]) -> Callable[..., T]:
    """``compute(*args, **kwargs)``, kept for ``PAGE_CACHE_SECONDS`` per worker (0: never kept,
    as in tests). What must never be stale, money, is never kept this way."""

    @wraps(compute)
    def wrapper(*args, **kwargs):
        seconds = current_app.config.get("PAGE_CACHE_SECONDS", 0)
        if seconds <= 0:
            return compute(*args, **kwargs)
        key = (compute.__name__, args, tuple(sorted(kwargs.items())))
        now = time.monotonic()
        store = current_app.extensions.setdefault(KEPT, {})
        hit = store.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = compute(*args, **kwargs)
        store[key] = (now + seconds, value)
        return value

    return wrapper


@dataclass(frozen=True)
class Money:
    """What a group of campaigns raised (and from where), spent and delivered."""

    raised_satang: int = 0
    online_satang: int = 0
    matched_satang: int = 0
    offline_satang: int = 0
    spent_satang: int = 0
    campaigns: int = 0
    #: Campaigns that reached their goal (whatever happened after).
    funded: int = 0
    #: Schools with at least one funded campaign.
    schools_funded: int = 0
    donations: int = 0
    devices_recorded: int = 0
    devices_confirmed: int = 0

    @property
    def balance_satang(self) -> int:
        return self.raised_satang - self.spent_satang

    def __add__(self, other: Money) -> Money:
        """Sums every field; ``schools_funded`` too, so add only groups of distinct schools."""
        return Money(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Money)))


def _money_columns() -> tuple:
    funded = Campaign.funded_at.is_not(None)
    return (
        sa.func.coalesce(sa.func.sum(Campaign.raised_satang), 0),
        sa.func.coalesce(sa.func.sum(Campaign.online_satang), 0),
        sa.func.coalesce(sa.func.sum(Campaign.matched_satang), 0),
        sa.func.coalesce(sa.func.sum(Campaign.offline_satang), 0),
        sa.func.coalesce(sa.func.sum(Campaign.spent_satang), 0),
        sa.func.count(Campaign.id),
        sa.func.count(Campaign.funded_at),
        sa.func.count(sa.distinct(sa.case((funded, Campaign.school_id)))),
        sa.func.coalesce(sa.func.sum(Campaign.donor_count), 0),
        sa.func.coalesce(sa.func.sum(Campaign.devices_recorded), 0),
        sa.func.coalesce(sa.func.sum(Campaign.devices_confirmed), 0),
    )


def _money(row: Iterable) -> Money:
    return Money(*(int(value or 0) for value in row))


#: What ``money_by`` can group by: a column of the campaign or of its school.
DIMENSIONS = {
    "programme": Campaign.programme_id,
    "province": School.province_code,
    "district": School.district,
    "school": Campaign.school_id,
}


def campaigns_query(
    period: Period = ALL_TIME,
    *,
    programme_id: int | None = None,
    province_code: str | None = None,
    campaign_ids: Iterable[int] | None = None,
):
    """Campaigns that count: every one but drafts, in ``period``, with their school joined."""
    query = (
        sa.select(Campaign)
        .join(School, School.id == Campaign.school_id)
        .where(Campaign.state != CampaignState.DRAFT)
    )
    bounds = period.bounds()
    if bounds is not None:
        query = query.where(Campaign.starts_at >= bounds[0], Campaign.starts_at < bounds[1])
    if programme_id is not None:
        query = query.where(Campaign.programme_id == programme_id)
    if province_code is not None:
        query = query.where(School.province_code == province_code)
    if campaign_ids is not None:
        query = query.where(Campaign.id.in_(list(campaign_ids)))
    return query


def _summary_columns() -> tuple:
    """The sums of ``figure_totals`` in ``Money``'s order (``schools_funded`` read apart)."""
    t = FigureTotal
    total = sa.func.sum

    def of(column):
        return sa.func.coalesce(total(column), 0)

    return (
        of(t.raised_satang),
        of(t.online_satang),
        of(t.matched_satang),
        of(t.offline_satang),
        of(t.spent_satang),
        of(t.campaigns),
        of(t.funded),
        sa.literal(0),
        of(t.donations),
        of(t.devices_recorded),
        of(t.devices_confirmed),
    )


#: What the summary rows can be grouped by.
SUMMARY_DIMENSIONS = {
    "programme": FigureTotal.programme_id,
    "province": FigureTotal.province_code,
}


def _summary_query(period: Period, programme_id=None, province_code=None):
    query = sa.select(*_summary_columns())
    if period.kind == YearKind.FISCAL:
        query = query.where(FigureTotal.fiscal_year == period.be_year)
    elif period.kind == YearKind.ACADEMIC:
        query = query.where(FigureTotal.academic_year == period.be_year)
    if programme_id is not None:
        query = query.where(FigureTotal.programme_id == programme_id)
    if province_code is not None:
        query = query.where(FigureTotal.province_code == province_code)
    return query


@kept
def _schools_funded_count(period: Period, **filters) -> int:
    return int(db.session.scalar(_schools_funded(period, **filters)) or 0)


@kept
def _schools_funded_by(dimension: str, period: Period, **filters) -> dict:
    query = _schools_funded(period, DIMENSIONS[dimension], **filters)
    return {key: int(count) for key, count in db.session.execute(query)}


def _schools_funded(period: Period, key=None, **filters):
    """Schools with a funded campaign (distinct: a school funded twice counts once)."""
    columns = (sa.func.count(sa.distinct(Campaign.school_id)),)
    query = campaigns_query(period, **filters).where(Campaign.funded_at.is_not(None))
    if key is None:
        return query.with_only_columns(*columns)
    return query.with_only_columns(key, *columns).group_by(key)


def money(period: Period = ALL_TIME, **filters) -> Money:
    """One total over the campaigns that count (two queries: the summary rows of
    ``campaigns.figures``, and the schools funded; a list of ``campaign_ids`` sums the
    campaigns themselves)."""
    if "campaign_ids" in filters:
        query = campaigns_query(period, **filters).with_only_columns(*_money_columns())
        return _money(db.session.execute(query).one())
    figures = _money(db.session.execute(_summary_query(period, **filters)).one())
    return replace(figures, schools_funded=_schools_funded_count(period, **filters))


def money_by(dimension: str, period: Period = ALL_TIME, **filters) -> dict[Hashable, Money]:
    """The same figures for each programme or province (two queries over the summary rows),
    or each district or school (one query over the campaigns, for one province's page)."""
    if dimension in SUMMARY_DIMENSIONS and "campaign_ids" not in filters:
        key = SUMMARY_DIMENSIONS[dimension]
        query = _summary_query(period, **filters).add_columns(key).group_by(key)
        rows = {row[-1]: _money(row[:-1]) for row in db.session.execute(query)}
        schools = _schools_funded_by(dimension, period, **filters)
        return {
            key: replace(figures, schools_funded=int(schools.get(key, 0)))
            for key, figures in rows.items()
            if figures != Money()
        }
    key = DIMENSIONS[dimension]
    query = (
        campaigns_query(period, **filters).with_only_columns(key, *_money_columns()).group_by(key)
    )
    return {row[0]: _money(row[1:]) for row in db.session.execute(query)}


def version() -> Hashable:
    """What the dashboards' kept pages depend on and must never show stale: the newest ledger
    row, device event and campaign event (a launch, a close): one indexed query
    (``core.pagecache.cached_page``). Registry changes (a school joining, a partnership)
    may lag by ``PAGE_CACHE_SECONDS``."""
    return tuple(
        db.session.execute(
            sa.select(
                sa.select(sa.func.max(LedgerEntry.id)).scalar_subquery(),
                sa.select(sa.func.max(DeviceEvent.id)).scalar_subquery(),
                sa.select(sa.func.max(CampaignEvent.id)).scalar_subquery(),
            )
        ).one()
    )


def live_campaigns(*, programme_id: int | None = None) -> int:
    """Campaigns taking gifts now (live, or funded and still open: listing group 0, as on the
    home page): one query."""
    query = sa.select(sa.func.count(Campaign.id)).where(Campaign.listing_group == 0)
    if programme_id is not None:
        query = query.where(Campaign.programme_id == programme_id)
    return int(db.session.scalar(query) or 0)
