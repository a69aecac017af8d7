"""A donor asks for a tax receipt on a phone: a mistyped id is refused next to its field with
everything kept, then the gift is paid and the thank-you page links to the PDF receipt."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from .conftest import live_campaign

pytestmark = pytest.mark.browser

ADDRESS = "9 ถนนศรีจันทร์ ตำบลในเมือง อำเภอเมืองขอนแก่น ขอนแก่น 40000"


def test_donor_gets_a_tax_receipt(browser, giving_server, fake_stripe):
    campaign_id, _, _ = live_campaign(giving_server.app)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(giving_server(f"/campaigns/{campaign_id}/give"))
        page.locator("input[name=preset][value='100000']").check()
        page.locator("#donor_name").fill("คุณทดสอบ ใบเสร็จ")
        page.locator("#email").fill("tax@example.com")
        page.locator("#wants_tax_receipt").check()
        page.locator("#tax_full_name").fill("นายทดสอบ ใบเสร็จ")
        page.locator("#tax_address").fill(ADDRESS)
        page.locator("#tax_id").fill("1-2345-67890-12-2")  # wrong check digit
        page.locator("#donate").click()
        error = page.locator("#tax_id-error")
        assert "ไม่ถูกต้อง" in error.inner_text()
        assert page.locator("#tax_address").input_value() == ADDRESS
        assert page.locator("#wants_tax_receipt").is_checked()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("#tax_id").fill("1-2345-67890-12-1")
        page.locator("#donate").click()
        page.wait_for_url(re.compile(r".*/pay/cs_test_\w+$"))
        page.locator("#pay-card").click()
        page.wait_for_url(re.compile(r".*/donations/[\w-]+/thanks$"))
        link = page.locator("#receipt-link").get_attribute("href")
        response = page.request.get(link)
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
        assert "หนึ่งพันบาทถ้วน" in text and "นายทดสอบ ใบเสร็จ" in text
        assert "x-xxxx-xxxx0-12-1" in text and "1234567890121" not in text
    finally:
        context.close()
