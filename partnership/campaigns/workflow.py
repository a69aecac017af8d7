"""The campaign state machine: the table, the named error, and the one transition function."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.transitions import TransitionRefused, move
from ..db_types import utcnow
from ..extensions import db
from .figures import note
from .models import LISTING_GROUP, Campaign, CampaignEvent, CampaignState

C = CampaignState

TRANSITIONS: dict[CampaignState, frozenset[CampaignState]] = {
    C.DRAFT: frozenset({C.LIVE}),
    C.LIVE: frozenset({C.FUNDED, C.ENDED}),
    C.FUNDED: frozenset({C.CLOSED}),
    C.ENDED: frozenset({C.CLOSED}),
    C.CLOSED: frozenset(),
}

NEXT_STEPS = {
    C.DRAFT: _l("Staff complete the story and photos, then launch the campaign."),
    C.LIVE: _l("The public can give until the end date."),
    C.FUNDED: _l("The goal is reached; gifts are still welcome until the end date."),
    C.ENDED: _l("The campaign ended before reaching its goal; staff settle it."),
    C.CLOSED: _l("The campaign is closed. Nothing more happens."),
}


class IllegalCampaignTransition(TransitionRefused):
    """A move the campaign machine does not allow (or another request made it first)."""

    def __init__(self, from_state: CampaignState, to_state: CampaignState):
        self.from_state, self.to_state = from_state, to_state
        super().__init__(f"campaign cannot go from {from_state} to {to_state}")


def transition(
    campaign: Campaign,
    to_state: CampaignState,
    actor=None,
    reason: str = "",
    *,
    where=(),
    **values,
) -> CampaignEvent:
    """Move the campaign once (conditional UPDATE) and record who, when and why. Reaching
    funded stamps ``funded_at`` and sends ``hooks.campaign_funded`` in this transaction."""
    from .hooks import campaign_funded

    if to_state == C.FUNDED:
        values.setdefault("funded_at", utcnow())
    from_state = move(
        campaign,
        CampaignState(to_state),
        allowed=TRANSITIONS,
        illegal=IllegalCampaignTransition,
        values={"listing_group": LISTING_GROUP[CampaignState(to_state)], **values},
        where=where,
    )
    event = CampaignEvent(
        campaign_id=campaign.id,
        from_state=from_state.value,
        to_state=CampaignState(to_state).value,
        actor_id=getattr(actor, "id", None),
        reason=reason,
    )
    db.session.add(event)
    db.session.flush()
    note(
        campaign.id,
        campaigns=int(from_state == C.DRAFT),
        funded=int(to_state == C.FUNDED),
    )
    if to_state == C.FUNDED:
        campaign_funded.send(campaign)
    return event


def fund_if_goal_reached(campaign: Campaign) -> CampaignEvent | None:
    """live → funded when the counter, as the database holds it, has reached the goal (checked
    in the same UPDATE); None when it has not, or another request funded the campaign first.
    The move that happened sends ``hooks.campaign_funded`` in the same transaction."""
    try:
        return transition(
            campaign,
            C.FUNDED,
            reason="goal reached",
            where=(Campaign.raised_satang >= Campaign.goal_satang,),
        )
    except IllegalCampaignTransition:
        return None
