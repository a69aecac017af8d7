"""The working group's secretary, on a phone, in Thai: staff schedule two meetings; the secretary
sets the first one's agenda, takes the attendance, marks it held, records the resolution, drafts
and circulates the minutes, and has them approved at the second meeting, which locks them; a
visitor then reads the published minutes from the meeting page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from .conftest import PASSWORD, choose_language

pytestmark = pytest.mark.browser

SECRETARY = "secretary@demo.example.org"
WIDTH = 360


def _prepare(app) -> tuple[int, str]:
    """The demo's working group; the secretary's password is known; yesterday in Bangkok."""
    from partnership.accounts.services import change_password, find_user
    from partnership.db_types import utcnow
    from partnership.demo.governance import WORKING_GROUP_TH
    from partnership.extensions import db
    from partnership.governance.models import Body
    from partnership.i18n import to_bangkok

    with app.app_context():
        body = db.session.scalar(db.select(Body).where(Body.name_th == WORKING_GROUP_TH))
        change_password(find_user(SECRETARY), PASSWORD)
        db.session.commit()
        return body.id, (to_bangkok(utcnow()) - timedelta(days=1)).date().isoformat()


def _sign_in(page, live_server, email: str) -> None:
    page.goto(live_server("/login"))
    choose_language(page, "th")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url


def _schedule(page, live_server, body_id: int, day: str, hour: str, title: str) -> int:
    page.goto(live_server(f"/governance/meetings/new/{body_id}"))
    _fits(page)
    page.locator("#title_th").fill(title)
    page.locator("#day").fill(day)
    page.locator("#starts").fill(hour)
    page.locator("#online_platform").fill("Zoom")
    page.locator("#online_url").fill("https://zoom.example.org/j/1")
    page.locator("#visibility").select_option("public")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/governance/meetings/\d+/agenda$"))
    return int(re.search(r"/meetings/(\d+)/agenda", page.url).group(1))


def _add_item(page, title: str, label: str) -> None:
    page.locator("#label").fill(label)
    page.locator("#title_th").fill(title)
    page.locator("form:has(#title_th) button[type=submit]").click()
    page.wait_for_load_state()
    assert title in page.locator("main").inner_text()


def _hold(page, live_server, meeting_id: int) -> None:
    """Everyone present, then the meeting marked held."""
    page.goto(live_server(f"/governance/meetings/{meeting_id}/attendance"))
    _fits(page)
    for select in page.locator("main form select[id^=row-]").all():
        select.select_option("present")
    page.locator("main form:has(select[id^=row-]) button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("form[action$='/held'] button").click()
    page.wait_for_url(re.compile(rf".*/governance/meetings/{meeting_id}$"))
    assert "ครบองค์ประชุม" in page.locator("#attendance").inner_text()


def test_the_secretary_runs_a_meeting_and_has_its_minutes_approved_at_the_next(
    browser, live_server
):
    body_id, yesterday = _prepare(live_server.app)
    staff = browser.new_context(viewport={"width": WIDTH, "height": 800}, is_mobile=True)
    secretary = browser.new_context(viewport={"width": WIDTH, "height": 800}, is_mobile=True)
    visitor = browser.new_context(viewport={"width": WIDTH, "height": 800}, is_mobile=True)
    for context in (staff, secretary, visitor):
        context.set_default_timeout(15_000)
    try:
        # Staff schedule two meetings of the working group (yesterday morning and afternoon).
        tab = staff.new_page()
        _sign_in(tab, live_server, "browser-journey@example.test")
        first = _schedule(tab, live_server, body_id, yesterday, "09:00", "ประชุมทดสอบเช้า")
        second = _schedule(tab, live_server, body_id, yesterday, "14:00", "ประชุมทดสอบบ่าย")

        # The secretary: the first meeting's agenda, attendance, resolution.
        page = secretary.new_page()
        _sign_in(page, live_server, SECRETARY)
        page.goto(live_server(f"/governance/meetings/{first}/agenda"))
        _fits(page)
        _add_item(page, "พิจารณาแผนการจัดซื้อโน้ตบุ๊ก", "3.1")
        _hold(page, live_server, first)
        page.goto(live_server(f"/governance/meetings/{first}/agenda"))
        page.locator("a", has_text="บันทึกมติ").first.click()
        _fits(page)
        page.locator("#text_th").fill("ที่ประชุมเห็นชอบแผนการจัดซื้อโน้ตบุ๊ก")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/governance/resolutions/\d+$"))
        assert "ที่ประชุมเห็นชอบแผนการจัดซื้อโน้ตบุ๊ก" in page.locator("main").inner_text()

        # The minutes: drafted from the meeting, edited, sent to the members.
        page.goto(live_server(f"/governance/meetings/{first}"))
        page.locator("#minutes button", has_text="จัดทำร่างรายงานการประชุม").click()
        page.wait_for_url(re.compile(rf".*/governance/meetings/{first}/minutes/edit$"))
        _fits(page)
        draft = page.locator("#text_th")
        assert "พิจารณาแผนการจัดซื้อโน้ตบุ๊ก" in draft.input_value()
        draft.fill(draft.input_value() + "\nปิดประชุมเวลา 11.30 น.")
        page.locator("main form.minutes-edit button[type=submit]").click()
        page.wait_for_url(re.compile(rf".*/governance/meetings/{first}/minutes$"))
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("form[action$='/minutes/circulate'] button").click()
        page.wait_for_load_state()

        # The second meeting approves them: its item, its attendance, then the approval.
        page.goto(live_server(f"/governance/meetings/{second}/agenda"))
        _add_item(page, "รับรองรายงานการประชุมครั้งก่อน", "2")
        _hold(page, live_server, second)
        page.goto(live_server(f"/governance/meetings/{first}/minutes/approve"))
        _fits(page)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/governance/resolutions/\d+$"))
        assert "รับรองรายงานการประชุม" in page.locator("main").inner_text()

        # Locked: the edit page is refused, the visitor reads the published minutes.
        page.goto(live_server(f"/governance/meetings/{first}/minutes"))
        assert page.locator("a[href$='/minutes/edit']").count() == 0
        tab = visitor.new_page()
        tab.goto(live_server("/"))
        choose_language(tab, "th")
        tab.goto(live_server(f"/governance/meetings/{first}"))
        card = tab.locator("#minutes")
        assert "รับรองในการประชุมครั้งที่" in card.inner_text()
        card.locator("a", has_text="อ่านรายงานการประชุม").click()
        assert "ปิดประชุมเวลา 11.30 น." in tab.locator("main").inner_text()
        _fits(tab)
    finally:
        for context in (staff, secretary, visitor):
            context.close()
