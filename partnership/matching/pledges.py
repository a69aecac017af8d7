"""The pledge state machine: a sponsor pledges, staff approve or decline, a pool ends."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..campaigns.pages import page_changed
from ..core.transitions import TransitionRefused, move
from ..db_types import utcnow
from ..extensions import db
from .models import MatchPledge, MatchScope, PledgeState

P = PledgeState

TRANSITIONS: dict[PledgeState, frozenset[PledgeState]] = {
    P.PENDING: frozenset({P.APPROVED, P.DECLINED}),
    P.APPROVED: frozenset({P.ENDED}),
    P.DECLINED: frozenset(),
    P.ENDED: frozenset(),
}


class IllegalPledgeTransition(TransitionRefused):
    """A move the pledge machine does not allow (or another request made it first)."""

    message = _l("This pledge has already been decided.")

    def __init__(self, from_state: PledgeState, to_state: PledgeState):
        self.from_state, self.to_state = from_state, to_state
        super().__init__(f"pledge cannot go from {from_state} to {to_state}")


def create_pledge(
    organisation,
    *,
    sponsor_part: int,
    donor_part: int,
    cap_satang: int,
    per_donation_cap_satang: int | None,
    scope: MatchScope,
    target_id: int | None = None,
    province_code: str | None = None,
    starts_at: datetime,
    ends_at: datetime,
    counts_offline: bool,
    note: str = "",
    actor=None,
) -> MatchPledge:
    """A pending pledge; its pool holds the whole cap until staff approve it (flushed)."""
    pledge = MatchPledge(
        organisation_id=organisation.id,
        pledged_by_id=getattr(actor, "id", None),
        sponsor_part=sponsor_part,
        donor_part=donor_part,
        cap_satang=cap_satang,
        remaining_satang=cap_satang,
        per_donation_cap_satang=per_donation_cap_satang,
        scope=scope,
        campaign_id=target_id if scope == MatchScope.CAMPAIGN else None,
        programme_id=target_id if scope == MatchScope.PROGRAMME else None,
        province_code=province_code if scope == MatchScope.PROVINCE else None,
        starts_at=starts_at,
        ends_at=ends_at,
        counts_offline=counts_offline,
        note=note.strip(),
    )
    db.session.add(pledge)
    db.session.flush()
    return pledge


def decide(pledge: MatchPledge, to_state: PledgeState, actor=None, reason: str = "") -> None:
    """pending → approved / declined, approved → ended; once, by conditional UPDATE."""
    values: dict = {"decision_reason": reason.strip()} if reason else {}
    if pledge.state == P.PENDING:
        values |= {"decided_at": utcnow(), "decided_by_id": getattr(actor, "id", None)}
    move(pledge, P(to_state), allowed=TRANSITIONS, illegal=IllegalPledgeTransition, values=values)
    page_changed()  # an offer appears on, or leaves, the pages of the campaigns it covers
