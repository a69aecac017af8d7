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

from .conftest import choose_language
from .test_pages_valid import AXE_JS, AXE_RUN, AXE_TAGS, check_html

pytestmark = pytest.mark.browser

SERIOUS = ("serious", "critical")


def other_live_campaign(app) -> int:
    """A demo campaign taking gifts (funded ones do: over-funding is welcome) other than the
    first live one, whose totals the giving and matching journeys count."""
    from partnership.campaigns.models import GIVING_STATES, Campaign, CampaignState

    with app.app_context():
        first = db.session.scalar(
            sa.select(sa.func.min(Campaign.id)).where(Campaign.state == CampaignState.LIVE)
        )
        now = utcnow()
        found = db.session.scalar(
            sa.select(Campaign.id)
            .where(
                Campaign.state.in_(GIVING_STATES),
                Campaign.id != first,
                Campaign.starts_at <= now,
                Campaign.ends_at > now + timedelta(days=1),
            )
            .order_by(Campaign.id)
            .limit(1)
        )
        assert found is not None, "the demo has no second campaign taking gifts"
        return found


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
    campaign_id = other_live_campaign(giving_server.app)
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
    # The server says what each preset becomes; the script says the same for a typed amount.
    five_hundred = page.locator("label.preset", has=page.locator("input[value='50000']"))
    becomes = five_hundred.locator(".match-preview").inner_text().split()[-1]
    assert becomes.startswith("฿") and becomes != "฿500.00"
    page.locator("#custom_amount").fill("")
    page.locator("#custom_amount").press_sequentially("500")
    assert "฿500.00" in page.locator("#match-live").inner_text()
    assert becomes in page.locator("#match-live").inner_text()
    # Back to a preset: the typed amount goes, so no two amounts stand on the form.
    page.locator("input[name=preset][value='100000']").check()
    assert page.locator("#custom_amount").input_value() == ""
    page.locator("#custom_amount").press_sequentially("1500")
    page.locator("#donor_name").fill("คุณทดสอบ พิมพ์เอง")
    page.locator("#email").fill("typed@example.com")
    page.locator("#donate").click()
    page.wait_for_url(re.compile(r".*/pay/cs_test_\w+$"))
    assert fake_stripe.latest_session["amount_total"] == 150_000


def check(tab, pages: dict[str, str], lang: str, name: str) -> None:
    """Keep the page's HTML for the Nu checker, then axe at 1280 px and the width at 360 px."""
    pages[f"{name}-{lang}"] = tab.content()  # before axe's script joins the page
    tab.add_script_tag(path=str(AXE_JS))
    result = tab.evaluate(AXE_RUN, AXE_TAGS)
    serious = [v["id"] for v in result["violations"] if v["impact"] in SERIOUS]
    assert serious == [], (name, lang, serious)
    tab.set_viewport_size({"width": 360, "height": 900})
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360, name
    tab.set_viewport_size({"width": 1280, "height": 900})


def test_give_thanks_and_failed_pages_with_a_match_are_valid_and_accessible(
    browser, giving_server, fake_stripe, tmp_path
):
    """The states the page list of test_pages_valid does not reach: the offer beside the
    amounts, the match on the thank-you page, "give again?", the failed page; both languages,
    axe at 1280 px and no sideways scroll at 360 px."""
    campaign_id = other_live_campaign(giving_server.app)
    give = giving_server(f"/campaigns/{campaign_id}/give")
    pages: dict[str, str] = {}
    with doubling_pool(giving_server.app, campaign_id):
        for lang in ("th", "en"):
            context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            context.set_default_timeout(15_000)
            tab = context.new_page()
            try:
                tab.goto(give)
                choose_language(tab, lang)
                tab.locator("#custom_amount").press_sequentially("700")
                check(tab, pages, lang, "give")
                tab.locator("#donor_name").fill("Test")
                tab.locator("#email").fill("valid@example.com")
                tab.locator("#donate").click()
                tab.wait_for_url(re.compile(r".*/pay/cs_test_\w+$"))
                tab.locator("#pay-card").click()
                tab.wait_for_url(re.compile(r".*/donations/[\w-]+/thanks$"))
                assert tab.locator("#gift-matched").count() == 1
                check(tab, pages, lang, "thanks")
                tab.goto(give)
                tab.locator("#custom_amount").press_sequentially("700")
                tab.locator("#donor_name").fill("Test")
                tab.locator("#email").fill("valid@example.com")
                tab.locator("#donate").click()  # not ticked: asked again (409)
                tab.wait_for_load_state()
                assert tab.locator("#give_again").count() == 1
                check(tab, pages, lang, "give-again")
                tab.locator("#give_again").check()
                tab.locator("#donate").click()
                tab.wait_for_url(re.compile(r".*/pay/cs_test_\w+$"))
                session_id = tab.url.rsplit("/", 1)[1]
                fake_stripe.expire(session_id)
                token = fake_stripe.sessions[session_id]["success_url"].rsplit("/", 2)[1]
                tab.goto(giving_server(f"/donations/{token}/thanks"))
                check(tab, pages, lang, "failed")
            finally:
                context.close()
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
    errors = check_html(files)
    assert {name: found for name, found in errors.items() if found} == {}
