"""What matching adds to the campaign page and to a sponsor's organisation page."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from ..campaigns.hooks import campaign_page
from ..core.pagecache import keep_until
from ..db_types import utcnow
from ..extensions import db
from ..registry.hooks import organisation_page
from .draws import covering_pools
from .models import CampaignMatchTotal, MatchPledge, PledgeState


@campaign_page.connect
def match_offers(campaign) -> dict:
    """The pools matching gifts to this campaign now, and how much the matches added."""
    ids = (
        covering_pools(campaign, utcnow(), offline=False)
        if campaign.accepts_gifts(utcnow())
        else []
    )
    offers = (
        db.session.scalars(
            sa.select(MatchPledge).where(MatchPledge.id.in_(ids)).order_by(MatchPledge.ends_at)
        ).all()
        if ids
        else []
    )
    if offers:  # a kept page stops advertising an offer when it ends
        keep_until(min(offer.ends_at for offer in offers))
    total = db.session.get(CampaignMatchTotal, campaign.id)
    return {"match_offers": offers, "matched_satang": total.matched_satang if total else 0}


@organisation_page.connect
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
