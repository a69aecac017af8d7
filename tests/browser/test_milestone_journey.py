"""The school's staff, on a phone and on a desktop, in Thai: sees the overdue milestone on its
dashboard, posts an update with a photo (guardians' consent ticked) and marks the milestone
done with a note and a photo; a visitor then sees both on the public campaign page."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw

from .conftest import PASSWORD, choose_language

pytestmark = pytest.mark.browser

SCHOOL_ACCOUNT = "school@demo.example.org"


def _photo(path, colour) -> str:
    image = Image.new("RGB", (800, 600), (230, 225, 210))
    ImageDraw.Draw(image).rectangle((200, 200, 600, 450), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def _prepare(app, width: int) -> tuple[int, str]:
    """The demo's laptop campaign, and a new overdue step of its template (one per run, so each
    viewport has a milestone to mark); the school account's password is known."""
    from partnership.accounts.services import change_password, find_user
    from partnership.demo.after_funding import funded_laptop_campaign
    from partnership.extensions import db
    from partnership.milestones.services import add_step, create_missing

    with app.app_context():
        campaign = funded_laptop_campaign()
        name = f"ติดตามผลการใช้งาน {width}"
        add_step(campaign.programme_id, name_th=name, name_en=f"Follow-up {width}", due_days=215)
        create_missing()
        change_password(find_user(SCHOOL_ACCOUNT), PASSWORD)
        db.session.commit()
        return campaign.id, name


@pytest.mark.parametrize("width", [360, 1280])
def test_school_posts_an_update_and_marks_a_milestone(browser, live_server, tmp_path, width):
    campaign_id, step = _prepare(live_server.app, width)
    mobile = width < 600
    viewport = {"width": width, "height": 800}
    context = browser.new_context(viewport=viewport, is_mobile=mobile)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(live_server("/login"))
        choose_language(page, "th")
        page.locator("#email").fill(SCHOOL_ACCOUNT)
        page.locator("#password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/my/applications$"))
        section = page.locator("#school-milestones")
        assert "เลยกำหนด" in section.inner_text() and step in section.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        # An update with a photo, the guardians' consent ticked.
        page.goto(live_server(f"/campaigns/{campaign_id}/updates/new"))
        title = f"นักเรียนใช้โน้ตบุ๊กทุกวัน ({width})"
        page.locator("#title").fill(title)
        page.locator("#body").fill("ครูประจำชั้นเล่าว่านักเรียนตั้งใจเรียนมากขึ้น")
        page.locator("#photos").set_input_files(_photo(tmp_path / "update.png", (40, 90, 160)))
        page.locator("#consent").check()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(rf".*/campaigns/{campaign_id}#updates$"))

        # The overdue milestone: marked done with a note and a photo.
        page.locator("#milestones a", has_text="บันทึกความคืบหน้า").click()
        page.locator("#campaign-milestones a", has_text=step).click()
        form = page.locator("#move-done")
        form.locator("#note").fill("ส่งรายงานการใช้งานให้มูลนิธิแล้ว")
        form.locator("#photos").set_input_files(_photo(tmp_path / "done.png", (160, 60, 40)))
        form.locator("#consent").check()
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/milestones/\d+$"))
        assert "บันทึกว่าขั้นตอนนี้เสร็จแล้ว" in page.locator(".flash").first.inner_text()
        assert "ส่งรายงานการใช้งานให้มูลนิธิแล้ว" in page.locator("#milestone-history").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()

    # A visitor (a new browser, no account) sees both on the public page.
    visitor = browser.new_context(viewport=viewport, is_mobile=mobile)
    visitor.set_default_timeout(15_000)
    public = visitor.new_page()
    try:
        public.goto(live_server(f"/campaigns/{campaign_id}"))
        choose_language(public, "th")
        done = public.locator("#milestones li", has_text=step)
        assert "เสร็จแล้ว" in done.inner_text()
        update = public.locator(".campaign-update", has_text=title)
        assert update.count() == 1
        for image in (done.locator("img").first, update.locator("img").first):
            image.scroll_into_view_if_needed()
            image.evaluate("img => img.complete || new Promise(r => img.onload = r)")
            assert image.evaluate("img => img.naturalWidth") > 0
        assert public.evaluate("document.documentElement.scrollWidth") <= width
        public.screenshot(path=str(tmp_path / f"campaign-{width}.png"), full_page=True)
    finally:
        visitor.close()
