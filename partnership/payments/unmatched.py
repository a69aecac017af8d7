"""Stripe events kept for staff: those that named no donation we knew, which staff re-apply
once the donation is known, and those of another API version, not matching their donation or
malformed, which staff check in the Stripe Dashboard. Staff mark any of them handled with a
note. Either is recorded once (one note per event)."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..core.transitions import StaleState, add_unique, compare_and_set
from ..core.unit_of_work import Refused
from ..extensions import db
from .event_checks import session_mismatch
from .events import HANDLERS, find_donation
from .models import KEPT_OUTCOMES, EventNote, EventOutcome, NoteAction, StripeEvent


class EventNotActionable(Refused):
    """Already re-applied or handled, or it still names no donation we know."""

    message = _l("This event still names no donation we know, or it was dealt with already.")


def _note(row: StripeEvent, action: NoteAction, note: str, actor) -> None:
    if not add_unique(
        EventNote(
            stripe_event_id=row.id,
            action=action,
            note=note.strip(),
            actor_id=actor.id if actor is not None else None,
        )
    ):
        raise EventNotActionable(_l("This event was dealt with already."))


def reapply(row: StripeEvent, actor, note: str = "") -> int:
    """Apply a stored unmatched event to the donation it names now; the donation's id."""
    if row.outcome != EventOutcome.UNMATCHED:
        raise EventNotActionable("not unmatched")
    event = json.loads(row.payload or "{}")
    obj = (event.get("data") or {}).get("object") or {}
    handler = HANDLERS.get(row.type)
    donation = find_donation(obj) if handler else None
    if donation is None:
        raise EventNotActionable("still unknown")
    if row.type.startswith("checkout.session.") and session_mismatch(donation, obj):
        raise EventNotActionable("not the donation's session")
    try:
        compare_and_set(
            row,
            expected={"outcome": EventOutcome.UNMATCHED},
            values={"outcome": EventOutcome.APPLIED, "donation_id": donation.id},
        )
    except StaleState:
        raise EventNotActionable("changed meanwhile") from None
    _note(row, NoteAction.REAPPLIED, note, actor)
    handler(donation, obj, row.event_id)
    return donation.id


def mark_handled(row: StripeEvent, actor, note: str) -> None:
    if row.outcome not in KEPT_OUTCOMES:
        raise EventNotActionable(_l("This event was dealt with already."))
    _note(row, NoteAction.HANDLED, note, actor)


def notes_for(event_ids: list[int]) -> dict[int, EventNote]:
    if not event_ids:
        return {}
    rows = db.session.scalars(sa.select(EventNote).where(EventNote.stripe_event_id.in_(event_ids)))
    return {n.stripe_event_id: n for n in rows}
