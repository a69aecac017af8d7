"""The rules of action items: who owns one, who sees and moves it, its moves (once, under
concurrency) and notes in the history, and the lists (a resolution's, the overdue, the owner's).

Services flush; the request commits."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ...accounts.models import Membership, MembershipState, User
from ...core.transitions import TransitionRefused, move
from ...db_types import utcnow
from ...extensions import db
from ...i18n import to_bangkok
from ...registry.models import Organisation
from ..access import can_record, is_member, is_staff
from ..models import AgendaItem, Body, BodyMember, Meeting, Resolution
from ..services import GovernanceRefused
from .models import CREATED, NOTE, OPEN_STATES, ActionItem, ActionItemEvent, ActionStatus

S = ActionStatus

#: The action item machine. Reopening a done or cancelled item is for the secretary and staff.
TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    S.OPEN: frozenset({S.IN_PROGRESS, S.DONE, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.DONE, S.CANCELLED}),
    S.DONE: frozenset({S.IN_PROGRESS}),
    S.CANCELLED: frozenset({S.OPEN}),
}
#: The moves an owner may make (the rest are the secretary's and staff's).
OWNER_MOVES = frozenset({(S.OPEN, S.IN_PROGRESS), (S.OPEN, S.DONE), (S.IN_PROGRESS, S.DONE)})


class IllegalActionMove(TransitionRefused):
    message = _l(
        "This action item cannot be moved like that now (someone may have just moved it). "
        "Nothing was changed."
    )


def _illegal(from_state, to_state) -> IllegalActionMove:
    return IllegalActionMove()


def bangkok_today() -> date:
    return to_bangkok(utcnow()).date()


def body_of(item: ActionItem) -> Body:
    return item.resolution.agenda_item.meeting.body


def _loaded(query: sa.Select) -> sa.Select:
    """The item with its resolution, meeting, body and owner, in the same query."""
    return query.options(
        joinedload(ActionItem.resolution)
        .joinedload(Resolution.agenda_item)
        .joinedload(AgendaItem.meeting)
        .joinedload(Meeting.body),
        joinedload(ActionItem.owner_member).joinedload(BodyMember.organisation),
        joinedload(ActionItem.owner_user),
        joinedload(ActionItem.owner_organisation),
    )


def load(item_id: int) -> ActionItem | None:
    return db.session.scalar(_loaded(sa.select(ActionItem).where(ActionItem.id == item_id)))


# Who --------------------------------------------------------------------------------------------


def _organisation_ids(user) -> sa.Select:
    return sa.select(Membership.organisation_id).where(
        Membership.user_id == user.id,
        Membership.state == MembershipState.ACTIVE,
        Membership.organisation_id.is_not(None),
    )


def owned_by(user) -> sa.ColumnElement[bool]:
    """SQL: the item is the user's, their seat's (any term), or their organisation's."""
    seats = sa.select(BodyMember.id).where(BodyMember.user_id == user.id)
    return sa.or_(
        ActionItem.owner_user_id == user.id,
        ActionItem.owner_member_id.in_(seats),
        ActionItem.owner_organisation_id.in_(_organisation_ids(user)),
    )


def is_owner(item: ActionItem, user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if item.owner_user_id is not None:
        return item.owner_user_id == user.id
    if item.owner_member_id is not None:
        return item.owner_member is not None and item.owner_member.user_id == user.id
    return user.is_member_of_organisation(item.owner_organisation_id)


def can_view(item: ActionItem, user) -> bool:
    """The owner, the body's members, its secretary and staff (the history holds notes)."""
    body = body_of(item)
    return is_owner(item, user) or is_staff(user) or is_member(user, body)


def can_add(user, resolution: Resolution) -> bool:
    return can_record(user, resolution.agenda_item.meeting.body)


def can_move(item: ActionItem, user, to_state: ActionStatus) -> bool:
    """The owner marks progress or done; the secretary and staff make every move."""
    if to_state not in TRANSITIONS.get(item.status, frozenset()):
        return False
    if can_record(user, body_of(item)):
        return True
    return (item.status, to_state) in OWNER_MOVES and is_owner(item, user)


def may_ask(item: ActionItem, user, to_state: ActionStatus) -> bool:
    """Whether the user's role may ask for a move to ``to_state`` at all (whether the item's
    state allows it now is the machine's answer: a refusal, not a 403)."""
    if can_record(user, body_of(item)):
        return True
    return is_owner(item, user) and any(to is to_state for _, to in OWNER_MOVES)


def can_note(item: ActionItem, user) -> bool:
    return is_owner(item, user) or can_record(user, body_of(item))


def moves_for(item: ActionItem, user) -> list[ActionStatus]:
    return [s for s in ActionStatus if can_move(item, user, s)]


def recipients(item: ActionItem) -> list[tuple[str, str]]:
    """(address, locale) of whoever owns the item: the person, or the organisation's people."""
    if item.owner_user is not None:
        return [(item.owner_user.email, item.owner_user.locale or "th")]
    if item.owner_member is not None:
        member = item.owner_member
        if member.user is not None:
            return [(member.user.email, member.user.locale or "th")]
        return [(member.email, "th")] if member.email else []
    if item.owner_organisation_id is not None:
        people = db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == item.owner_organisation_id,
                Membership.state == MembershipState.ACTIVE,
            )
            .order_by(User.id)
        ).all()
        return [(p.email, p.locale or "th") for p in people]
    return []


def owner_body_ids(body: Body) -> set[int]:
    """The bodies whose members may own the body's action items: itself and the bodies that
    report to it (the PR working group to the working group that appointed it)."""
    children = db.session.scalars(sa.select(Body.id).where(Body.parent_id == body.id))
    return {body.id, *children}


def possible_owners(body: Body, day: date) -> list[BodyMember]:
    """The members sitting on ``day`` of the body and of the bodies that report to it."""
    return list(
        db.session.scalars(
            sa.select(BodyMember)
            .where(
                BodyMember.body_id.in_(owner_body_ids(body)),
                BodyMember.starts_on <= day,
                sa.or_(BodyMember.ends_on.is_(None), BodyMember.ends_on > day),
            )
            .options(joinedload(BodyMember.body))
            .order_by(BodyMember.body_id, BodyMember.id)
        )
    )


# Changes ----------------------------------------------------------------------------------------


def add_action_item(
    resolution: Resolution,
    *,
    title_th: str,
    due_on: date,
    actor,
    title_en: str = "",
    owner_member: BodyMember | None = None,
    owner_user: User | None = None,
    owner_organisation: Organisation | None = None,
    note: str = "",
    at=None,
) -> ActionItem:
    """Give out an action item from the resolution (flushed), its history opened. ``at``: when
    it was given out, if not now (the demo's history)."""
    owners = [o for o in (owner_member, owner_user, owner_organisation) if o is not None]
    if len(owners) != 1:
        raise GovernanceRefused(_l("Choose one owner: a member, a person or an organisation."))
    body = resolution.agenda_item.meeting.body
    if owner_member is not None and owner_member.body_id not in owner_body_ids(body):
        raise GovernanceRefused(_l("That person is not a member of this body."))
    if not title_th.strip():
        raise GovernanceRefused(_l("Say what is to be done."))
    item = ActionItem(
        resolution_id=resolution.id,
        title_th=title_th.strip(),
        title_en=title_en.strip(),
        owner_member_id=owner_member.id if owner_member else None,
        owner_user_id=owner_user.id if owner_user else None,
        owner_organisation_id=owner_organisation.id if owner_organisation else None,
        due_on=due_on,
        status=ActionStatus.OPEN,
        created_by_id=getattr(actor, "id", None),
        created_at=at or utcnow(),
    )
    db.session.add(item)
    db.session.flush()
    db.session.add(
        ActionItemEvent(
            action_item_id=item.id,
            actor_id=getattr(actor, "id", None),
            kind=CREATED,
            at=at or utcnow(),
            to_state=ActionStatus.OPEN.value,
            reason=note.strip(),
        )
    )
    db.session.flush()
    return item


def move_action(item: ActionItem, to_state: ActionStatus, *, actor, note: str = "", at=None):
    """Move the item once (one conditional UPDATE: the loser of a race is refused), and record
    who, when and the note. Flushed."""
    if not can_move(item, actor, to_state):
        raise IllegalActionMove()
    now = at or utcnow()
    from_state = move(
        item,
        to_state,
        allowed=TRANSITIONS,
        illegal=_illegal,
        attr="status",
        values={"done_at": now if to_state is ActionStatus.DONE else None},
    )
    event = ActionItemEvent(
        action_item_id=item.id,
        actor_id=actor.id,
        at=now,
        from_state=from_state.value,
        to_state=to_state.value,
        reason=note.strip(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def add_note(item: ActionItem, *, actor, note: str) -> ActionItemEvent:
    """A note on the item without a move (progress so far, a question)."""
    if not can_note(item, actor):
        raise IllegalActionMove()
    if not note.strip():
        raise GovernanceRefused(_l("Write the note."))
    event = ActionItemEvent(
        action_item_id=item.id, actor_id=actor.id, kind=NOTE, reason=note.strip()
    )
    db.session.add(event)
    db.session.flush()
    return event


# Lists ------------------------------------------------------------------------------------------


def of_resolution(resolution_id: int) -> list[ActionItem]:
    return list(
        db.session.scalars(
            sa.select(ActionItem)
            .where(ActionItem.resolution_id == resolution_id)
            .options(
                joinedload(ActionItem.owner_member).joinedload(BodyMember.organisation),
                joinedload(ActionItem.owner_user),
                joinedload(ActionItem.owner_organisation),
            )
            .order_by(ActionItem.due_on, ActionItem.id)
        )
    )


def overdue_query(today: date) -> sa.Select:
    """Open items past their due day, the longest overdue first (all they show joined)."""
    return _loaded(
        sa.select(ActionItem)
        .where(ActionItem.status.in_(OPEN_STATES), ActionItem.due_on < today)
        .order_by(ActionItem.due_on, ActionItem.id)
    )


def overdue_count(today: date | None = None) -> int:
    today = today or bangkok_today()
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ActionItem)
            .where(ActionItem.status.in_(OPEN_STATES), ActionItem.due_on < today)
        )
        or 0
    )


def mine_query(user) -> sa.Select:
    """The user's items: open ones first by due day, then the finished ones, newest first."""
    finished = sa.case((ActionItem.status.in_(OPEN_STATES), 0), else_=1)
    return _loaded(
        sa.select(ActionItem)
        .where(owned_by(user))
        .order_by(finished, ActionItem.due_on, ActionItem.id)
    )
