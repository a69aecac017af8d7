"""The minutes read for lists and the library: the published ones (a SELECT to refine), and
the history of one set of minutes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ...extensions import db
from ..models import AgendaItem, Meeting, Resolution, Visibility
from .models import PUBLISHED, Minutes, MinutesEvent


def published_minutes(
    *, body_id: int | None = None, year_be: int | None = None, search: str = ""
) -> sa.Select:
    """The minutes published on the site (approved, of public meetings), newest meeting first,
    with their meeting and body loaded: a SELECT to refine, paginate or run
    (``db.session.scalars(published_minutes(year_be=2564))``)."""
    query = (
        sa.select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(
            Minutes.state.in_([s.value for s in PUBLISHED]),
            Meeting.visibility == Visibility.PUBLIC,
        )
        .options(
            joinedload(Minutes.meeting).joinedload(Meeting.body),
            joinedload(Minutes.approval)
            .joinedload(Resolution.agenda_item)
            .joinedload(AgendaItem.meeting),
        )
        .order_by(Meeting.starts_at.desc(), Minutes.id.desc())
    )
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    if year_be is not None:
        query = query.where(Meeting.year_be == year_be)
    words = search.strip()
    if words:
        query = query.where(
            sa.or_(
                *(
                    column.icontains(words, autoescape=True)
                    for column in (
                        Minutes.text_th,
                        Minutes.text_en,
                        Meeting.title_th,
                        Meeting.title_en,
                    )
                )
            )
        )
    return query


def history(minutes: Minutes) -> list[MinutesEvent]:
    """The minutes' events, oldest first, with who did them."""
    return list(
        db.session.scalars(
            sa.select(MinutesEvent)
            .where(MinutesEvent.minutes_id == minutes.id)
            .options(selectinload(MinutesEvent.actor))
            .order_by(MinutesEvent.id)
        )
    )
