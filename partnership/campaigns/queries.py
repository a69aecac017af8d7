"""The public list: search, filters and orders, in one query per page."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, load_only

from ..programmes.models import Programme
from ..registry.models import School
from .models import PUBLIC_STATES, Campaign


def public_campaigns(
    *, q: str = "", programme_id: int | None = None, province: str = "", sort: str = "ending"
):
    """Visible campaigns, those taking gifts first, in the chosen order."""
    query = (
        sa.select(Campaign)
        .join(School, School.id == Campaign.school_id)
        .where(Campaign.state.in_(PUBLIC_STATES))
        # Only what a card shows: sorting 10,000 rows must not drag their stories along.
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
        order = [open_first, Campaign.ends_at, Campaign.id]
    return query.order_by(*order)


def programme_choices(lang: str) -> list[tuple[str, str]]:
    from ..extensions import db

    rows = db.session.scalars(
        sa.select(Programme)
        .where(
            Programme.id.in_(
                sa.select(Campaign.programme_id).where(Campaign.state.in_(PUBLIC_STATES))
            )
        )
        .order_by(Programme.id.desc())
    )
    return [(str(p.id), p.display_name(lang)) for p in rows]
