"""The rules of milestones: the programme's template, the milestones a funded campaign gets,
their moves (with a note and photos) and the overdue lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from ..campaigns.models import Campaign
from ..campaigns.pages import page_changed
from ..campaigns.photos import store_sized
from ..core.transitions import TransitionRefused, insert_once, move
from ..core.unit_of_work import Refused
from ..db_types import utcnow
from ..extensions import db
from ..i18n import BANGKOK
from ..registry.models import School
from .models import (
    OPEN_STATES,
    Milestone,
    MilestoneEvent,
    MilestonePhoto,
    MilestoneState,
    MilestoneStep,
)

#: The photos' folder in the file store.
PHOTO_FOLDER = "milestone-photos"

#: The milestone machine: done by the school or staff; reopened by staff; done again.
TRANSITIONS = {
    MilestoneState.PENDING: frozenset({MilestoneState.DONE}),
    MilestoneState.DONE: frozenset({MilestoneState.REOPENED}),
    MilestoneState.REOPENED: frozenset({MilestoneState.DONE}),
}


class IllegalMilestoneMove(TransitionRefused):
    message = _l(
        "This milestone cannot be moved like that now (someone may have just moved it). "
        "Nothing was changed."
    )


class StepInUse(Refused):
    message = _l("This step has milestones on funded campaigns; it cannot be deleted.")


def _illegal(from_state, to_state) -> IllegalMilestoneMove:
    return IllegalMilestoneMove()


def bangkok_today() -> date:
    return utcnow().astimezone(BANGKOK).date()


def due_on(funded_at: datetime, due_days: int) -> date:
    """The Bangkok day ``due_days`` after the day the campaign was funded."""
    return funded_at.astimezone(BANGKOK).date() + timedelta(days=due_days)


# The template ---------------------------------------------------------------------------------


def steps_of(programme_id: int) -> list[MilestoneStep]:
    return list(
        db.session.scalars(
            sa.select(MilestoneStep)
            .where(MilestoneStep.programme_id == programme_id)
            .order_by(MilestoneStep.position, MilestoneStep.id)
        )
    )


def add_step(programme_id: int, *, name_th: str, name_en: str, due_days: int) -> MilestoneStep:
    """A new last step of the programme's template (flushed)."""
    last = db.session.scalar(
        sa.select(sa.func.max(MilestoneStep.position)).where(
            MilestoneStep.programme_id == programme_id
        )
    )
    step = MilestoneStep(
        programme_id=programme_id,
        position=0 if last is None else last + 1,
        name_th=name_th.strip(),
        name_en=name_en.strip(),
        due_days=due_days,
    )
    db.session.add(step)
    db.session.flush()
    return step


def edit_step(step: MilestoneStep, *, name_th: str, name_en: str, due_days: int, position: int):
    """Rename or move a step; milestones already made keep their due day."""
    step.name_th, step.name_en = name_th.strip(), name_en.strip()
    step.due_days, step.position = due_days, position
    db.session.flush()


def delete_step(step: MilestoneStep) -> None:
    """Take an unused step out of the template; a step with milestones is history and stays."""
    used = db.session.scalar(sa.select(Milestone.id).where(Milestone.step_id == step.id).limit(1))
    if used is not None:
        raise StepInUse()
    db.session.delete(step)
    db.session.flush()


# Making milestones ----------------------------------------------------------------------------


def create_for(campaign: Campaign) -> int:
    """The campaign's missing milestones, one per step of its programme's template (one
    ``INSERT … ON CONFLICT DO NOTHING`` each: a second call, or a racing one, adds nothing).
    How many were made."""
    if campaign.funded_at is None:
        return 0
    made = 0
    now = utcnow()
    for step in steps_of(campaign.programme_id):
        values = {
            "campaign_id": campaign.id,
            "step_id": step.id,
            "state": MilestoneState.PENDING.value,
            "due_on": due_on(campaign.funded_at, step.due_days),
            "created_at": now,
        }
        if insert_once(Milestone, values, unique=["campaign_id", "step_id"]) is not None:
            made += 1
    if made:
        page_changed(campaign.id)
    return made


def milestones_for_funded_campaign(campaign: Campaign, **_extra) -> None:
    """``campaigns.hooks.campaign_funded``: in the funding transaction, the new milestones."""
    create_for(campaign)


def create_missing() -> int:
    """Milestones for every funded campaign that lacks some (funded before its template)."""
    campaigns = db.session.scalars(
        sa.select(Campaign).where(Campaign.funded_at.is_not(None)).order_by(Campaign.id)
    )
    return sum(create_for(campaign) for campaign in campaigns)


# Moving a milestone ---------------------------------------------------------------------------


def move_milestone(
    milestone: Milestone,
    to_state: MilestoneState,
    *,
    actor,
    note: str = "",
    photos: list[bytes] = (),
    public_photos: bool = False,
    at: datetime | None = None,
) -> MilestoneEvent:
    """Move the milestone once (conditional UPDATE), record who, when and the note, and store
    its photos (public only with the PDPA confirmation). Flushed. ``at``: when it happened, if
    not now (the demo's history)."""
    if not milestone.can_move_to(actor, to_state):
        raise IllegalMilestoneMove()
    now = at or utcnow()
    done = to_state == MilestoneState.DONE
    from_state = move(
        milestone,
        to_state,
        allowed=TRANSITIONS,
        illegal=_illegal,
        values={"done_at": now if done else None, "done_by_id": actor.id if done else None},
    )
    event = MilestoneEvent(
        milestone_id=milestone.id,
        actor_id=actor.id,
        at=now,
        from_state=from_state.value,
        to_state=to_state.value,
        reason=note.strip(),
    )
    db.session.add(event)
    db.session.flush()
    for data in photos:
        key, width, height = store_sized(data, PHOTO_FOLDER)
        db.session.add(
            MilestonePhoto(
                milestone_id=milestone.id,
                event_id=event.id,
                storage_key=key,
                width=width,
                height=height,
                public=public_photos,
                uploaded_by_id=actor.id,
            )
        )
    page_changed(milestone.campaign_id)
    db.session.flush()
    return event


# Lists ----------------------------------------------------------------------------------------


def overdue_query(today: date, school_ids: list[int] | None = None) -> sa.Select:
    """Open milestones past their due day, the longest overdue first (with campaign, school
    and step in the same query)."""
    query = (
        sa.select(Milestone)
        .join(Campaign, Campaign.id == Milestone.campaign_id)
        .where(Milestone.state.in_(OPEN_STATES), Milestone.due_on < today)
        .options(
            joinedload(Milestone.campaign)
            .joinedload(Campaign.school)
            .load_only(School.name_th, School.name_en),
            joinedload(Milestone.step),
        )
        .order_by(Milestone.due_on, Milestone.id)
    )
    if school_ids is not None:
        query = query.where(Campaign.school_id.in_(school_ids))
    return query


def upcoming_query(today: date, school_ids: list[int], days: int = 30) -> sa.Select:
    """Open milestones of these schools due in the next ``days`` days."""
    return (
        sa.select(Milestone)
        .join(Campaign, Campaign.id == Milestone.campaign_id)
        .where(
            Milestone.state.in_(OPEN_STATES),
            Milestone.due_on >= today,
            Milestone.due_on <= today + timedelta(days=days),
            Campaign.school_id.in_(school_ids),
        )
        .options(joinedload(Milestone.campaign), joinedload(Milestone.step))
        .order_by(Milestone.due_on, Milestone.id)
    )


def overdue_count(school_ids: list[int] | None = None) -> int:
    """How many open milestones are past their due day (of these schools, or all)."""
    query = (
        sa.select(sa.func.count(Milestone.id))
        .join(Campaign, Campaign.id == Milestone.campaign_id)
        .where(Milestone.state.in_(OPEN_STATES), Milestone.due_on < bangkok_today())
    )
    if school_ids is not None:
        query = query.where(Campaign.school_id.in_(school_ids))
    return db.session.scalar(query) or 0


def milestones_of(campaign_id: int) -> list[Milestone]:
    """The campaign's milestones in template order, with their steps and photos (two queries,
    however many milestones)."""
    return list(
        db.session.scalars(
            sa.select(Milestone)
            .join(MilestoneStep, MilestoneStep.id == Milestone.step_id)
            .where(Milestone.campaign_id == campaign_id)
            .options(joinedload(Milestone.step), selectinload(Milestone.photos))
            .order_by(MilestoneStep.position, MilestoneStep.id)
        )
    )
