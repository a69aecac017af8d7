""" "Mark returned" is for an offline gift of an all-or-nothing campaign that missed its goal;
any other gift is refused with a message (a mistaken gift is voided instead)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign, CampaignState, FundingRule
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.gifts.models import GiftMethod, GiftState
from partnership.gifts.services import record_gift
from partnership.ledger.services import verify
from tests.crowd import reload
from tests.factories import english  # noqa: F401  (autouse: pages in English)


def cheque(campaign):
    gift = record_gift(
        campaign,
        method=GiftMethod.CHEQUE,
        amount_satang=10_000,
        received_on=utcnow().date(),
        reference="CHQ-7",
        donor_name="คุณครูสมศรี",
    )
    db.session.commit()
    return gift


def set_campaign(campaign, **values):
    """The campaign as a test needs it, written directly (and the dashboards' summary again)."""
    from partnership.campaigns.figures import rebuild

    db.session.execute(sa.update(Campaign).where(Campaign.id == campaign.id).values(**values))
    rebuild()
    db.session.commit()


@pytest.mark.parametrize(
    ("rule", "state"),
    [
        (FundingRule.ALL_OR_NOTHING, CampaignState.LIVE),  # may still reach its goal
        (FundingRule.ALL_OR_NOTHING, CampaignState.FUNDED),  # reached it: the school keeps it
        (FundingRule.KEEP_WHAT_YOU_RAISE, CampaignState.ENDED),  # kept whatever it raised
    ],
)
def test_other_gifts_are_refused_with_a_message(client, login_as, make_campaign, rule, state):
    campaign = make_campaign(goal_satang=10_000_000)
    gift = cheque(campaign)
    ended = (
        {"ends_at": utcnow() - timedelta(days=1), "listing_group": 1}
        if state == CampaignState.ENDED
        else {}
    )
    if state == CampaignState.FUNDED:  # a funded campaign has its time (CHECK funded_has_time)
        ended["funded_at"] = utcnow()
    set_campaign(campaign, funding_rule=rule, state=state, **ended)
    login_as("staff")
    assert "CHQ-7" not in client.get("/staff/settlement/").get_data(as_text=True)  # no button
    response = client.post(f"/staff/settlement/gifts/{gift.id}/returned", follow_redirects=True)
    assert "Only a gift to an all-or-nothing campaign that missed its goal" in response.get_data(
        as_text=True
    )
    assert reload(gift).state == GiftState.RECORDED
    assert reload(campaign).raised_satang == 10_000
    assert verify() == []


def test_a_gift_of_a_campaign_that_missed_its_goal_is_returned(client, login_as, make_campaign):
    campaign = make_campaign(goal_satang=10_000_000)
    gift = cheque(campaign)
    set_campaign(
        campaign,
        funding_rule=FundingRule.ALL_OR_NOTHING,
        state=CampaignState.ENDED,
        ends_at=utcnow() - timedelta(days=1),
        listing_group=1,
    )
    login_as("staff")
    assert "CHQ-7" in client.get("/staff/settlement/").get_data(as_text=True)
    response = client.post(f"/staff/settlement/gifts/{gift.id}/returned")
    assert response.status_code == 303
    assert reload(gift).state == GiftState.RETURNED
    assert reload(campaign).raised_satang == 0
