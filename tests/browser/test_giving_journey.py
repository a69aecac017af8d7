"""A donor gives ฿500 with a message on a phone, in Thai: the app's form, the fake Stripe's
hosted page, the signed webhook, the thank-you page, then the campaign's bar and donor wall."""

from __future__ import annotations

import re

import pytest

from .conftest import live_campaign

pytestmark = pytest.mark.browser

MESSAGE = "ขอให้น้อง ๆ ได้ใช้โน้ตบุ๊กเรียนอย่างมีความสุข"


def test_donor_gives_500_baht_on_a_phone_in_thai(browser, giving_server, fake_stripe):
    campaign_id, raised_before, donors_before = live_campaign(giving_server.app)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(giving_server(f"/campaigns/{campaign_id}"))
        assert page.locator("html").get_attribute("lang") == "th"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("#give").click()
        page.wait_for_url(re.compile(rf".*/campaigns/{campaign_id}/give$"))
        page.locator("input[name=preset][value='50000']").check()
        page.locator("#donor_name").fill("คุณทดสอบ ผู้ใจบุญ")
        page.locator("#email").fill("donor@example.com")
        page.locator("#message").fill(MESSAGE)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("#donate").click()
        page.wait_for_url(re.compile(r".*/pay/cs_test_\w+$"))
        assert fake_stripe.latest_session["amount_total"] == 50_000
        page.locator("#pay-card").click()
        page.wait_for_url(re.compile(r".*/donations/[\w-]+/thanks$"))
        assert page.locator("#donation-status").get_attribute("data-state") == "paid"
        assert "ขอบคุณ" in page.locator("h1").inner_text()
        assert [d.status for d in fake_stripe.deliveries] == [200]

        page.goto(giving_server(f"/campaigns/{campaign_id}"))
        wall = page.locator("#donor-wall")
        assert "คุณทดสอบ ผู้ใจบุญ" in wall.inner_text() and MESSAGE in wall.inner_text()
        assert "฿500.00" in wall.locator(".donor").first.inner_text()
        progress = page.locator(".campaign-summary progress")
        assert int(progress.get_attribute("value")) == raised_before + 50_000
        donors = page.locator(".campaign-summary .donors").inner_text()
        assert donors == f"ผู้บริจาค {donors_before + 1} คน"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
