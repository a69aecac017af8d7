"""Outcomes in Thai (issue 18, section 5): the school reports its figures on a phone, a figure
over the school's pupils is refused next to its field with everything kept, staff verify the
figures, and the public programme page shows them only once verified."""

from __future__ import annotations

import re

import pytest

from .conftest import choose_language, login_in_browser

pytestmark = pytest.mark.browser

#: The demo registry's pupils at Ban Non Sawan School in its newest academic year (2568).
SCHOOL_PUPILS = 148


def _school_hours(tab) -> str:
    """The verified hours per week of Ban Non Sawan School on the programme page."""
    row = tab.locator("tbody[id^=outcomes-school-]", has_text="บ้านโนนสวรรค์").locator(
        "tr", has_text="ชั่วโมงการใช้งานต่อสัปดาห์"
    )
    return row.locator("td.num").nth(1).inner_text().strip()


def test_school_reports_staff_verify_and_the_programme_page_shows_it(browser, live_server):
    programme = live_server(f"/programmes/{live_server.ids['outcomes_programme_id']}")
    campaign_id = live_server.ids["funded_campaign_id"]
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    public = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    for context in (phone, desk, public):
        context.set_default_timeout(15_000)
    try:
        # The public page before: the demo's verified 6 hours a week.
        visitor = public.new_page()
        visitor.goto(programme)
        choose_language(visitor, "th")
        assert visitor.locator("#programme-outcomes").is_visible()
        assert _school_hours(visitor) == "6"
        assert visitor.evaluate("document.documentElement.scrollWidth") <= 360

        # The school, on a phone, finds the form from its applications page.
        school = phone.new_page()
        login_in_browser(school, live_server, "outcomes")
        school.goto(live_server("/my/applications"))
        choose_language(school, "th")
        school.locator("#outcomes-link").click()
        school.locator(f"a[href='/school/outcomes/campaigns/{campaign_id}']").click()
        school.wait_for_url(re.compile(rf".*/school/outcomes/campaigns/{campaign_id}$"))
        assert "เป้าหมาย: 62" in school.locator("#report-form").inner_text()
        pupils = school.get_by_label(re.compile("นักเรียนที่ได้ใช้"))
        hours = school.get_by_label(re.compile("ชั่วโมงการใช้งานต่อสัปดาห์"))
        pupils.fill("500")
        hours.fill("8")
        school.locator("#send-outcomes").click()
        error = school.locator(".field-error", has_text=str(SCHOOL_PUPILS))
        assert error.is_visible()
        assert f"ทะเบียนมีนักเรียนของโรงเรียนนี้ {SCHOOL_PUPILS} คน" in error.inner_text()
        assert hours.input_value() == "8" and pupils.input_value() == "500"
        assert school.evaluate("document.documentElement.scrollWidth") <= 360
        pupils.fill("62")
        school.locator("#send-outcomes").click()
        assert "ส่งตัวเลข 2 รายการแล้ว" in school.locator(".flash").first.inner_text()
        awaiting = school.locator("#campaign-outcomes tr", has_text="ชั่วโมงการใช้งานต่อสัปดาห์")
        assert awaiting.locator("td.num").nth(2).inner_text().strip() == "8"

        # Not public until verified.
        visitor.reload()
        assert _school_hours(visitor) == "6"

        # Staff verify both figures from the queue.
        staff = desk.new_page()
        login_in_browser(staff, live_server, "staff")
        staff.goto(live_server("/staff/outcomes/"))
        choose_language(staff, "th")
        staff.locator("#outcome-queue a", has_text="บ้านโนนสวรรค์").first.click()
        staff.wait_for_url(re.compile(rf".*/staff/outcomes/campaigns/{campaign_id}$"))
        buttons = staff.locator("#outcome-reports button[id^=verify-]")
        assert buttons.count() == 2
        for _ in range(2):
            with staff.expect_navigation():
                buttons.first.click()
        assert buttons.count() == 0
        staff.goto(live_server("/staff/outcomes/"))
        assert staff.locator("#outcome-queue a", has_text="บ้านโนนสวรรค์").count() == 0

        # The public page now shows the verified 8 hours, still fitting a phone.
        visitor.reload()
        assert _school_hours(visitor) == "8"
        assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        for context in (phone, desk, public):
            context.close()
