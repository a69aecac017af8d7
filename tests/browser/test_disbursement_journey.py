"""Issue 18: a member of staff records a disbursement in Thai (1280 px); a second member of
staff approves and pays it on a phone (360 px); the public campaign page shows what was bought."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from partnership.campaigns.models import Campaign, CampaignState
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.i18n import BANGKOK
from partnership.spending.models import Disbursement
from tests.spending.conftest import pdf_bytes

from .conftest import choose_language, login_in_browser

pytestmark = pytest.mark.browser

PAYEE = "ร้านคอมพิวเตอร์ทดสอบเบราว์เซอร์"


def _th(live_server, msgid: str) -> str:
    with live_server.app.test_request_context(), force_locale("th"):
        return gettext(msgid)


def _campaign(live_server) -> tuple[int, int]:
    """A funded demo campaign nothing was spent from yet: (its id, its first budget line's id)."""
    with live_server.app.app_context():
        campaign = db.session.scalar(
            sa.select(Campaign)
            .where(Campaign.state == CampaignState.FUNDED, Campaign.spent_satang == 0)
            .order_by(Campaign.id)
        )
        return campaign.id, campaign.budget_lines[0].id


def _fits(tab, width: int) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= width


def test_staff_record_and_a_second_member_approves_and_pays(browser, live_server, tmp_path):
    shots = tmp_path  # the journey's screenshots (look at them when changing the pages)
    campaign_id, line_id = _campaign(live_server)
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    desk.set_default_timeout(10_000)
    tab = desk.new_page()
    login_in_browser(tab, live_server, "staff")
    choose_language(tab, "th")
    tab.goto(live_server("/staff"))
    tab.get_by_role("link", name=_th(live_server, "Disbursements")).click()
    tab.wait_for_url(re.compile(r".*/staff/spending/$"))
    tab.goto(live_server(f"/staff/spending/campaigns/{campaign_id}"))
    form = tab.locator("#disbursement-form")
    today = utcnow().astimezone(BANGKOK).date().isoformat()
    form.locator("#paid_on").fill(today)
    form.locator("#payee_name").fill(PAYEE)
    form.locator("#payee_tax_id").fill("0105551234567")
    form.locator("#lines-0-budget_line_id").select_option(str(line_id))
    form.locator("#lines-0-quantity").fill("2")
    form.locator("#lines-0-unit_price").fill("1,250.50")
    form.locator("#invoice").set_input_files(
        files=[{"name": "ใบกำกับภาษี.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    tab.screenshot(path=str(shots / "record-1280.png"), full_page=True)
    form.locator("#save-disbursement").click()
    tab.wait_for_url(re.compile(r".*/staff/spending/\d+$"))
    disbursement_url = tab.url
    assert "฿2,501.00" in tab.locator("#disbursement-amount").inner_text()
    assert tab.locator("#invoice-link").count() == 1
    tab.get_by_role("button", name=_th(live_server, "Send for approval")).click()
    tab.wait_for_url(disbursement_url)
    assert tab.locator("#four-eyes").is_visible()  # the sender cannot approve
    assert tab.locator("#approve").count() == 0
    assert _th(live_server, "Awaiting approval") in tab.locator("main h1").inner_text()
    desk.close()

    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone.set_default_timeout(10_000)
    tab = phone.new_page()
    tab.on("dialog", lambda dialog: dialog.accept())
    login_in_browser(tab, live_server, "journey")
    choose_language(tab, "th")
    tab.goto(disbursement_url)
    _fits(tab, 360)
    tab.locator("#approve").click()
    tab.wait_for_url(disbursement_url)
    assert _th(live_server, "Approved. It can be paid now.") in tab.locator("body").inner_text()
    tab.screenshot(path=str(shots / "approved-360.png"), full_page=True)
    tab.locator(".spend-actions form button").first.click()
    tab.wait_for_url(disbursement_url)
    assert _th(live_server, "Paid") in tab.locator("main h1").inner_text()
    _fits(tab, 360)
    history = tab.locator("#disbursement-history").inner_text()
    assert "ผู้ทดสอบ staff" in history and "ผู้ทดสอบ journey" in history

    tab.screenshot(path=str(shots / "paid-360.png"), full_page=True)
    tab.goto(live_server(f"/campaigns/{campaign_id}"))
    section = tab.locator("#what-the-money-bought")
    assert _th(live_server, "What the money bought") in section.inner_text()
    assert PAYEE in section.inner_text() and "฿2,501.00" in section.inner_text()
    assert "ผู้ทดสอบ" not in section.inner_text()  # no staff names in public
    _fits(tab, 360)
    phone.close()

    with live_server.app.app_context():
        d = db.session.scalar(sa.select(Disbursement).where(Disbursement.payee_name == PAYEE))
        assert d.state.value == "paid" and d.approved_by_id != d.submitted_by_id
