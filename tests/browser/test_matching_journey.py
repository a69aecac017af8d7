"""A sponsor's representative pledges a 1:1 match, staff approve it, a donor gives ฿500 through
the fake Stripe: the campaign counts ฿1,000 and names the sponsor (in Thai, on a phone)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign, CampaignState
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.i18n import BANGKOK
from partnership.matching.models import MatchPledge, PledgeState
from partnership.matching.pledges import decide
from partnership.registry.models import Organisation

from .conftest import login_in_browser

pytestmark = pytest.mark.browser


def _campaign(app) -> tuple[int, int, str]:
    with app.app_context():
        campaign = db.session.scalar(
            sa.select(Campaign).where(Campaign.state == CampaignState.LIVE).order_by(Campaign.id)
        )
        return campaign.id, campaign.raised_satang, campaign.title


def _new_pledges_end(app, before: set[int]) -> None:
    """Leave the shared demo database as the other browser tests expect it: no live pool."""
    with app.app_context():
        for pledge in db.session.scalars(sa.select(MatchPledge)):
            if pledge.id not in before and pledge.state == PledgeState.APPROVED:
                decide(pledge, PledgeState.ENDED, reason="end of the browser test")
        db.session.commit()


def test_sponsor_pledges_staff_approve_and_a_gift_is_doubled(browser, giving_server, fake_stripe):
    app = giving_server.app
    campaign_id, raised_before, title = _campaign(app)
    organisation_id = giving_server.ids["organisation_id"]
    with app.app_context():
        sponsor_name = db.session.get(Organisation, organisation_id).name
        before = set(db.session.scalars(sa.select(MatchPledge.id)))
    today = utcnow().astimezone(BANGKOK).date()
    contexts = []

    def tab():
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    try:
        # The sponsor's representative pledges.
        sponsor = tab()
        login_in_browser(sponsor, giving_server, "sponsor")
        sponsor.goto(giving_server(f"/organisations/{organisation_id}"))
        sponsor.locator("#new-pledge").click()
        sponsor.wait_for_url(re.compile(r".*/pledges/new$"))
        assert sponsor.evaluate("document.documentElement.scrollWidth") <= 360
        sponsor.locator("#ratio").select_option("1:1")
        sponsor.locator("#cap").fill("5,000")
        sponsor.locator("#scope").select_option("campaign")
        sponsor.locator("#campaign").select_option(str(campaign_id))
        sponsor.locator("#starts_on").fill(today.isoformat())
        sponsor.locator("#ends_on").fill((today + timedelta(days=20)).isoformat())
        sponsor.locator("#submit-pledge").click()
        sponsor.wait_for_url(re.compile(rf".*/organisations/{organisation_id}$"))
        assert "รอเจ้าหน้าที่อนุมัติ" in sponsor.locator("#match-pledges").inner_text()
        with app.app_context():
            (pledge_id,) = set(db.session.scalars(sa.select(MatchPledge.id))) - before

        # Staff approve it.
        staff = tab()
        login_in_browser(staff, giving_server, "staff")
        staff.goto(giving_server("/staff/matching"))
        row = staff.locator(f"#pledge-{pledge_id}")
        assert sponsor_name in row.inner_text()
        row.locator("button", has_text="อนุมัติ").click()
        staff.wait_for_url(re.compile(r".*/staff/matching$"))
        assert "กำลังสมทบ" in staff.locator(f"#pledge-{pledge_id}").inner_text()

        # A donor gives ฿500 through the fake Stripe.
        donor = tab()
        donor.goto(giving_server(f"/campaigns/{campaign_id}"))
        offer = donor.locator(f"#match-offer-{pledge_id}").inner_text()
        assert f"ทุกบาทเพิ่มเป็นสองเท่าโดย {sponsor_name}" in offer and "฿5,000.00" in offer
        donor.locator("#give").click()
        donor.locator("input[name=preset][value='50000']").check()
        donor.locator("#donor_name").fill("คุณทดสอบ สมทบ")
        donor.locator("#email").fill("match-donor@example.com")
        donor.locator("#donate").click()
        donor.wait_for_url(re.compile(r".*/pay/cs_test_\w+$"))
        donor.locator("#pay-card").click()
        donor.wait_for_url(re.compile(r".*/donations/[\w-]+/thanks$"))
        assert donor.locator("#donation-status").get_attribute("data-state") == "paid"

        donor.goto(giving_server(f"/campaigns/{campaign_id}"))
        progress = donor.locator(".campaign-summary progress")
        assert int(progress.get_attribute("value")) == raised_before + 100_000  # ฿1,000
        assert "฿500.00" in donor.locator("#matched").inner_text()
        offer = donor.locator(f"#match-offer-{pledge_id}").inner_text()
        assert sponsor_name in offer and "฿4,500.00" in offer
        assert donor.evaluate("document.documentElement.scrollWidth") <= 360
        donor.goto(giving_server(f"/campaigns/{campaign_id}/ledger"))
        ledger = donor.locator("main").inner_text()
        assert sponsor_name in ledger and "เงินสมทบจากผู้สนับสนุน" in ledger

        # The sponsor's page shows what the pledge has used.
        sponsor.goto(giving_server(f"/organisations/{organisation_id}"))
        pledges = sponsor.locator("#match-pledges").inner_text()
        assert "฿500.00" in pledges and "฿4,500.00" in pledges
        assert not giving_server.errors, giving_server.errors[0]
        assert title
    finally:
        for context in contexts:
            context.close()
        _new_pledges_end(app, before)
