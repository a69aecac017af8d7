"""A visitor follows the demo's funded Notebook for Education project from the campaign page to
its laptops, as a donor would after giving: the campaign page shows raised, spent and balance,
what the money bought, the delivery milestones (one overdue) and the school's updates with their
photos; the trail it links to shows the same money and 23 laptops confirmed, one not received and
22 in use at the 6-month check-in; the public ledger's totals are the page's. In Thai at 360 px and
in English at 1280 px."""

from __future__ import annotations

import pytest

from .conftest import choose_language

pytestmark = pytest.mark.browser


def _totals(tab, selector: str) -> dict[str, str]:
    block = tab.locator(selector)
    return {
        name: block.locator(f"[data-total={name}]").inner_text().strip()
        for name in ("raised", "spent", "balance")
    }


@pytest.mark.parametrize(("lang", "width"), [("th", 360), ("en", 1280)])
def test_a_visitor_follows_the_money_to_the_classroom(browser, live_server, lang, width):
    campaign_id = live_server.ids["funded_campaign_id"]
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        tab.goto(live_server(f"/campaigns/{campaign_id}"))
        choose_language(tab, lang)
        on_page = _totals(tab, "#money-summary")
        assert on_page["spent"] != on_page["raised"]
        # What the money bought: the laptops, the bags, and the reversed first entry.
        bought = tab.locator("#what-the-money-bought").inner_text()
        assert bought.count("24") >= 2
        assert tab.locator("#what-the-money-bought s, #what-the-money-bought del").count() >= 1
        # Milestones: three done, the report overdue.
        assert tab.locator("#milestones .milestone-done").count() == 3
        assert tab.locator("#milestones .milestone-overdue").count() == 1
        # The school's updates, with their photos (the guardians agreed: public).
        updates = tab.locator("#updates")
        assert updates.locator(".campaign-update").count() >= 2
        assert updates.locator("img").count() >= 2
        # Nothing on the public page is wider than a phone.
        assert tab.evaluate("document.documentElement.scrollWidth") <= width

        with tab.expect_navigation():
            tab.locator("#trail-link").click()
        assert tab.locator("html").get_attribute("lang") == lang
        assert tab.locator("#trail-spent").inner_text().strip() == on_page["spent"]
        assert tab.locator("#trail-balance").inner_text().strip() == on_page["balance"]
        assert tab.locator("#trail-delivered").inner_text().strip() == "23"
        assert tab.locator("#trail-not-received").inner_text().strip() == "1"
        assert tab.locator("#trail-in-use").inner_text().strip() == "22"
        assert "HP 240 G8" in tab.locator("#trail-models").inner_text()
        # Counts and models only: no serial number reaches the public.
        assert "5CD1234A" not in tab.content()
        assert tab.evaluate("document.documentElement.scrollWidth") <= width

        tab.goto(live_server(f"/campaigns/{campaign_id}/ledger"))
        assert _totals(tab, "#ledger-totals") == on_page
    finally:
        context.close()
