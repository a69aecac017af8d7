"""School data in Thai (issue 19, section 2): staff open this year's collection; the school's
staff, on a phone, enter pupils per grade from their dashboard; a grade total that is wrong is
impossible, the figures and their history show on the school page."""

from __future__ import annotations

import re

import pytest

from partnership.i18n import BUDDHIST_ERA_OFFSET, current_academic_year

from .conftest import choose_language, login_in_browser

pytestmark = pytest.mark.browser


def test_staff_open_the_collection_and_the_school_enters_its_figures(browser, live_server):
    school_id = live_server.ids["school_id"]
    year_be = str(current_academic_year() + BUDDHIST_ERA_OFFSET)
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    for context in (desk, phone):
        context.set_default_timeout(15_000)
    try:
        staff = desk.new_page()
        login_in_browser(staff, live_server, "staff")
        staff.goto(live_server("/staff/school-data/"))
        choose_language(staff, "th")
        staff.locator("#window-academic_year").fill(year_be)
        today = staff.evaluate("new Date().toLocaleDateString('sv', {timeZone: 'Asia/Bangkok'})")
        staff.locator("#window-opens_on").fill(today)
        staff.locator("#window-closes_on").fill(f"{int(today[:4]) + 1}-01-31")
        staff.get_by_role("button", name="เปิดรอบเก็บข้อมูล").click()
        assert "ตั้งรอบเก็บข้อมูลแล้ว" in staff.locator(".flash").first.inner_text()
        assert "เปิดอยู่" in staff.locator("table").first.inner_text()

        school = phone.new_page()
        login_in_browser(school, live_server, "school")
        school.goto(live_server("/my/applications"))
        choose_language(school, "th")
        due = school.locator("#school-data-due")
        assert f"ข้อมูลโรงเรียนปีการศึกษา {year_be}" in due.inner_text()
        due.locator(f"a[href='/schools/{school_id}/data']").click()
        school.wait_for_url(re.compile(rf".*/schools/{school_id}/data$"))
        form = school.locator("main form")
        fields = form.locator("fieldset input")
        for index in range(fields.count()):
            fields.nth(index).fill(str(20 + index))
        school.get_by_label("จำนวนครู").fill("21")
        school.get_by_label("คอมพิวเตอร์ที่นักเรียนใช้ได้").fill("12")
        assert school.evaluate("document.documentElement.scrollWidth") <= 360
        school.get_by_role("button", name="บันทึก").click()
        school.wait_for_url(re.compile(rf".*/schools/{school_id}$"))
        total = sum(20 + i for i in range(fields.count()))
        row = school.locator("table tr", has_text=year_be).first
        assert f"{total:,}" in row.inner_text()
        school.locator("#school-data-history summary").click()
        assert "ผู้ทดสอบ school" in school.locator("#school-data-history").inner_text()
    finally:
        desk.close()
        phone.close()
