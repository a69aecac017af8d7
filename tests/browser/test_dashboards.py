"""Staff act from their dashboard and a sponsor follows its money, in Thai on a phone and on a
desk: from where each lands after logging in, one click to the dashboard, one more to the thing
to act on (issue 19, section 3)."""

from __future__ import annotations

import re

import pytest

from partnership.extensions import db

from .conftest import choose_language, login_in_browser

pytestmark = pytest.mark.browser


@pytest.fixture(params=[360, 1280], ids=["phone", "desk"])
def tab(request, browser):
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=width == 360)
    context.set_default_timeout(15_000)
    yield context.new_page(), width
    context.close()


def test_staff_go_from_their_home_to_a_stalled_campaign(tab, live_server):
    from partnership.demo.dashboards import dashboard_campaigns

    page, width = tab
    with live_server.app.app_context():
        ending, stalled = (c.title for c in dashboard_campaigns())
        db.session.remove()
    login_in_browser(page, live_server, "staff")
    choose_language(page, "th")
    page.goto(live_server("/staff"))
    page.locator("#dashboard-link a").click()
    page.wait_for_url(re.compile(r".*/staff/dashboard$"))
    assert page.locator("h1").inner_text() == "แดชบอร์ดเจ้าหน้าที่"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert ending in page.locator("#ending-soon").inner_text()
    assert stalled in page.locator("#stalled").inner_text()
    assert stalled not in page.locator("#ending-soon").inner_text()
    size = page.evaluate("document.documentElement.outerHTML.length")
    assert size < 100_000
    page.locator("#stalled table a", has_text=stalled).click()
    page.wait_for_url(re.compile(r".*/staff/campaigns/\d+$"))


def test_a_sponsor_goes_from_its_page_to_its_dashboard(tab, live_server):
    page, width = tab
    login_in_browser(page, live_server, "sponsor")
    choose_language(page, "th")
    organisation_id = live_server.ids["organisation_id"]
    page.goto(live_server(f"/organisations/{organisation_id}"))
    page.locator("#sponsor-dashboard-link").click()
    page.wait_for_url(re.compile(rf".*/organisations/{organisation_id}/dashboard$"))
    assert page.locator("h1").inner_text().startswith("แดชบอร์ดผู้สนับสนุน")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert "วงเงินที่ให้คำมั่น" in page.locator("#sponsor-totals").inner_text()
    # Each table downloads (the browser's cookies: the representative's session).
    csv_path = f"/organisations/{organisation_id}/dashboard/pledges.csv"
    answer = page.request.get(live_server(csv_path))
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.text().startswith("\ufeff")
