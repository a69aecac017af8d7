"""The give form's script (issue 16, items 2 and 14): typing an amount ticks "other" and
choosing a preset empties it, so the amount Stripe is asked for is the one the donor sees;
the sponsor's match is shown live for a typed amount."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.matching.models import MatchPledge, MatchScope, PledgeState
from partnership.matching.pledges import create_pledge, decide
from partnership.registry.models import Organisation

from .conftest import live_campaign

pytestmark = pytest.mark.browser


@contextmanager
def doubling_pool(app, campaign_id: int):
    """A 1:1 pool of ฿10,000 over the campaign, ended afterwards (the shared demo database has
    no live pool for the other browser tests)."""
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation).order_by(Organisation.id))
        pledge = create_pledge(
            organisation,
            sponsor_part=1,
            donor_part=1,
            cap_satang=1_000_000,
            per_donation_cap_satang=None,
            scope=MatchScope.CAMPAIGN,
            target_id=campaign_id,
            starts_at=utcnow() - timedelta(days=1),
            ends_at=utcnow() + timedelta(days=5),
            counts_offline=False,
        )
        decide(pledge, PledgeState.APPROVED)
        db.session.commit()
        pledge_id = pledge.id
    try:
        yield
    finally:
        with app.app_context():
            decide(db.session.get(MatchPledge, pledge_id), PledgeState.ENDED, reason="test end")
            db.session.commit()


def test_typing_an_amount_after_a_preset_charges_the_typed_amount(
    browser, giving_server, fake_stripe
):
    campaign_id, _raised, _donors = live_campaign(giving_server.app)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    with doubling_pool(giving_server.app, campaign_id):
        try:
            _give_typed_amount(page, giving_server, campaign_id, fake_stripe)
        finally:
            context.close()


def _give_typed_amount(page, giving_server, campaign_id, fake_stripe) -> None:
    page.goto(giving_server(f"/campaigns/{campaign_id}/give"))
    page.locator("input[name=preset][value='50000']").check()
    page.locator("#custom_amount").press_sequentially("1,500")
    assert page.locator("input[name=preset][value='other']").is_checked()
    assert not page.locator("input[name=preset][value='50000']").is_checked()
    # The pool doubles it: said beside the presets by the server, live for the typed one.
    five_hundred = page.locator("label.preset", has=page.locator("input[value='50000']"))
    assert "฿1,000.00" in five_hundred.inner_text()
    assert "฿1,500.00" in page.locator("#match-live").inner_text()
    assert "฿3,000.00" in page.locator("#match-live").inner_text()
    # Back to a preset: the typed amount goes, so no two amounts stand on the form.
    page.locator("input[name=preset][value='100000']").check()
    assert page.locator("#custom_amount").input_value() == ""
    page.locator("#custom_amount").press_sequentially("1500")
    page.locator("#donor_name").fill("คุณทดสอบ พิมพ์เอง")
    page.locator("#email").fill("typed@example.com")
    page.locator("#donate").click()
    page.wait_for_url(re.compile(r".*/pay/cs_test_\w+$"))
    assert fake_stripe.latest_session["amount_total"] == 150_000
