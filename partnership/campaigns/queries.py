"""The public list: search, filters and orders, in one query per page."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import contains_eager, joinedload, load_only

from ..db_types import UTCDateTime
from ..programmes.models import Programme
from ..registry.models import School
from .models import Campaign, CampaignState

#: The public sees listing groups 0 (taking gifts) and 1 (ended): every state but draft (2).
#: The CHECK constraint on campaigns ties the group to the state, so filtering on the group
#: lets the listing indexes answer without visiting the rows.
PUBLIC_GROUPS = (0, 1)


def public_campaign_ids(
    *, q: str = "", programme_id: int | None = None, province: str = "", sort: str = "ending"
):
    """The ids of the visible campaigns, those taking gifts first, in the chosen order.

    Only ids, so that a deep page (``OFFSET 9000``) walks an index, not 9,000 rows and their
    schools; :func:`campaign_cards` then loads the page's dozen.
    """
    query = sa.select(Campaign.id).where(Campaign.listing_group.in_(PUBLIC_GROUPS))
    if q or province:
        query = query.join(School, School.id == Campaign.school_id)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            sa.or_(
                Campaign.title.ilike(like),
                School.name_th.ilike(like),
                School.name_en.ilike(like),
                School.district.ilike(like),
            )
        )
    if programme_id:
        query = query.where(Campaign.programme_id == programme_id)
    if province:
        query = query.where(School.province_code == province)
    open_first = Campaign.listing_group  # those taking gifts first (0), then ended (1)
    if sort == "nearly":
        # Closest to the goal among those still short of it, then the funded ones.
        ratio = Campaign.raised_satang * 1.0 / Campaign.goal_satang
        short = sa.case((Campaign.raised_satang < Campaign.goal_satang, 0), else_=1)
        order = [open_first, short, ratio.desc(), Campaign.id]
    elif sort == "newest":
        order = [open_first, Campaign.launched_at.desc(), Campaign.id.desc()]
    else:
        # Those still needing money first: live before funded (``ix_campaigns_listing_need``).
        order = [open_first, Campaign.state.desc(), Campaign.ends_at, Campaign.id]
    return query.order_by(*order)


def campaign_cards(ids: list[int]) -> list[Campaign]:
    """The campaigns of one list page, in the order of ``ids``, with what a card shows."""
    from ..extensions import db

    if not ids:
        return []
    rows = db.session.scalars(
        sa.select(Campaign)
        .join(School, School.id == Campaign.school_id)
        .where(Campaign.id.in_(ids))
        # Only what a card shows, not the stories.
        .options(
            load_only(
                Campaign.title,
                Campaign.state,
                Campaign.goal_satang,
                Campaign.raised_satang,
                Campaign.donor_count,
                Campaign.ends_at,
                Campaign.school_id,
            ),
            contains_eager(Campaign.school).load_only(
                School.name_th, School.name_en, School.province_code
            ),
        )
    )
    by_id = {campaign.id: campaign for campaign in rows}
    return [by_id[i] for i in ids if i in by_id]


@cache
def _programmes_with_public_campaigns() -> sa.Select:
    return (
        sa.select(Programme.id, Programme.name_th, Programme.name_en)
        .where(
            # Per programme, one probe of the programme index (not a scan of every campaign).
            sa.exists().where(
                Campaign.programme_id == Programme.id, Campaign.listing_group.in_(PUBLIC_GROUPS)
            )
        )
        .order_by(Programme.id.desc())
    )


def programme_choices(lang: str) -> list[tuple[str, str]]:
    """(id, name) of the programmes with a public campaign, newest first: the list's filter.
    Names only (not the programmes' descriptions), by a statement built once."""
    from ..extensions import db

    rows = db.session.connection().execute(_programmes_with_public_campaigns())
    return [
        (str(id_), name_en if lang == "en" and name_en else name_th)
        for id_, name_th, name_en in rows
    ]


# -- Staff worklists: campaigns ending soon, stalled campaigns --------------------------------

#: "Ending soon" on the staff dashboard: a live campaign ending within this many days.
ENDING_SOON_DAYS = 7


class _epoch(sa.sql.functions.GenericFunction):
    """Seconds of a timestamp on a scale shared by both databases (differences only)."""

    type = sa.Float()
    name = "partnership_epoch"
    inherit_cache = True


@compiles(_epoch)
def _epoch_postgresql(element, compiler, **kw):
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(_epoch, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    return f"(julianday({compiler.process(element.clauses, **kw)}) * 86400.0)"


def ending_soon_query(now: datetime, days: int = ENDING_SOON_DAYS) -> sa.Select:
    """Live campaigns ending within ``days`` from ``now``, soonest first."""
    return (
        sa.select(Campaign)
        .where(
            Campaign.state == CampaignState.LIVE,
            Campaign.ends_at > now,
            Campaign.ends_at <= now + timedelta(days=days),
        )
        .options(joinedload(Campaign.school))
        .order_by(Campaign.ends_at, Campaign.id)
    )


def stalled_query(now: datetime) -> sa.Select:
    """Live campaigns with less than a third of their goal raised and less than a quarter of
    their time left, the nearest their end first.

    Time left < a quarter of the whole: ``ends − now < (ends − starts) / 4``, that is
    ``3·(ends − now) < now − starts``; money: ``3·raised < goal`` (integers, exact)."""
    moment = sa.literal(now, UTCDateTime())
    left = _epoch(Campaign.ends_at) - _epoch(moment)
    gone = _epoch(moment) - _epoch(Campaign.starts_at)
    return (
        sa.select(Campaign)
        .where(
            Campaign.state == CampaignState.LIVE,
            Campaign.ends_at > now,
            Campaign.raised_satang * 3 < Campaign.goal_satang,
            left * 3 < gone,
        )
        .options(joinedload(Campaign.school))
        .order_by(Campaign.ends_at, Campaign.id)
    )
