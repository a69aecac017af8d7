"""What matching adds to the campaign page and to a sponsor's organisation page."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from ..core.pagecache import keep_until
from ..db_types import utcnow
from ..extensions import db
from .draws import covering_offers
from .models import MatchDraw, MatchPledge, PledgeState


def match_offers(campaign, *, probes: dict, **_page) -> dict:
    """The pools matching gifts to this campaign now, and how much the matches added: asked
    for only when the page's statement found one (the ``matching`` probe, ``init_app``)."""
    offers = _offers(campaign) if probes["matching"] else []
    if offers:  # a kept page stops advertising an offer when it ends
        keep_until(min(offer.ends_at for offer in offers))
    return {"match_offers": offers, "matched_satang": campaign.matched_satang}


def _offers(campaign) -> list[MatchPledge]:
    now = utcnow()
    return covering_offers(campaign, now) if campaign.accepts_gifts(now) else []


def preview_match(offers: list[MatchPledge], gift_satang: int) -> int:
    """What the pools would add to a gift paid now (each its ratio and cap, at most what is
    left in it): a preview; the draw at payment is what counts."""
    return sum(min(o.match_for(gift_satang), o.remaining_satang) for o in offers)


def give_form_matching(campaign) -> dict:
    """Beside the amount: "your ฿500 becomes ฿1,000" while a pool has money for this campaign.

    ``match_terms`` (ratio and caps, integer satang) lets the page's script say the same for a
    typed amount.
    """
    offers = _offers(campaign)
    if not offers:
        return {}
    return {
        "match_preview": lambda satang: preview_match(offers, satang),
        "match_terms": [
            [o.sponsor_part, o.donor_part, o.per_donation_cap_satang or 0, o.remaining_satang]
            for o in offers
        ],
    }


def gift_matched(donation) -> dict:
    """What sponsors' pools added to this gift (what is still kept after any refund)."""
    draws = db.session.scalars(
        sa.select(MatchDraw).where(MatchDraw.donation_id == donation.id).order_by(MatchDraw.id)
    ).all()
    kept = sum(d.kept_satang for d in draws)
    if not kept:
        return {}
    return {
        "gift_matched_satang": kept,
        "gift_matched_by": list(
            {
                d.pledge.organisation_id: d.pledge.organisation for d in draws if d.kept_satang
            }.values()
        ),
    }


def sponsor_pledges(organisation) -> dict:
    """The organisation's pledges: approved and ended ones for all, every one for its people."""
    query = sa.select(MatchPledge).where(MatchPledge.organisation_id == organisation.id)
    insider = current_user.is_authenticated and (
        current_user.is_staff or current_user.is_member_of_organisation(organisation.id)
    )
    if not insider:
        query = query.where(MatchPledge.state.in_([PledgeState.APPROVED, PledgeState.ENDED]))
    pledges = db.session.scalars(query.order_by(MatchPledge.id.desc())).all()
    return {"match_pledges": pledges, "can_pledge": bool(insider)}
