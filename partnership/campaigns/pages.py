"""What a kept public campaign page (``core.pagecache``) is checked against, besides its money
and state: the newest ``PageChange`` of the campaign and of every campaign.

Features that change what a public page shows call ``page_changed`` in their transaction: the
donors' erasure, a pledge decided or drawn on, a campaign edit, a photo, an update posted.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..db_types import utcnow
from ..extensions import db
from .models import PageChange


def page_changed(campaign_id: int | None = None) -> None:
    """The public pages of this campaign (None: of every campaign) change with this
    transaction (flushed; an append-only row, so it never waits on another writer)."""
    db.session.execute(sa.insert(PageChange).values(campaign_id=campaign_id, created_at=utcnow()))


def newest_change(campaign_id) -> sa.ScalarSelect:
    """The newest change to this campaign's page (``campaign_id`` may be a column)."""
    return (
        sa.select(sa.func.max(PageChange.id))
        .where(PageChange.campaign_id == campaign_id)
        .scalar_subquery()
    )


def newest_change_to_all() -> sa.ScalarSelect:
    """The newest change to every campaign page at once (a matching pool, say)."""
    return (
        sa.select(sa.func.max(PageChange.id))
        .where(PageChange.campaign_id.is_(None))
        .scalar_subquery()
    )


def newest_change_anywhere() -> sa.ScalarSelect:
    """The newest change to any public campaign page (the list of campaigns)."""
    return sa.select(sa.func.max(PageChange.id)).scalar_subquery()
