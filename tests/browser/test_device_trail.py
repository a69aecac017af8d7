"""A school confirms 23 of its 24 laptops on a phone, in Thai, with a photo of the signed form;
the public trail then shows 23 delivered and 1 not received, and a donor's thank-you page leads
there (360 px and 1280 px)."""

from __future__ import annotations

import io
import re

import pytest

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

SCHOOL_EMAIL = "browser-devices@example.test"


def _setting(app) -> tuple[int, str]:
    """A funded campaign of its own (whatever the demo holds), its 24 laptops recorded from a
    paid disbursement, the school's staff account and a paid gift: (campaign id, gift token)."""
    from partnership.accounts.models import Membership, MembershipState
    from partnership.accounts.services import create_user
    from partnership.devices.models import DeviceKind
    from partnership.devices.services import record_devices
    from partnership.extensions import db
    from partnership.registry.models import Affiliation, NetworkStatus, School
    from tests.crowd import build_campaign
    from tests.devices.helpers import paid_disbursement
    from tests.paid_gifts import gift

    with app.app_context():
        school = School(
            code="1040099921",  # not the school the registry journey registers
            name_th="โรงเรียนบ้านทดสอบอุปกรณ์",
            province_code="40",
            district="เมืองขอนแก่น",
            affiliation=Affiliation.OBEC,
            min_grade=0,
            max_grade=8,
            network_status=NetworkStatus.MEMBER,
        )
        db.session.add(school)
        user = create_user(SCHOOL_EMAIL, "ครูทดสอบ อุปกรณ์", PASSWORD)
        db.session.add(Membership(user=user, school=school, state=MembershipState.ACTIVE))
        db.session.commit()
        campaign = build_campaign(school, goal_satang=100_000, state="funded", title="โน้ตบุ๊ก 24")
        donation = gift(campaign, amount_satang=100_000, email="donor-trail@example.com")
        line = paid_disbursement(campaign, campaign.budget_lines[0], 24).lines[0]
        record_devices(
            line,
            kind=DeviceKind.LAPTOP,
            model="HP 240 G8",
            serials=[f"5CD9999B{n:02d}" for n in range(1, 25)],
            actor=None,
        )
        db.session.commit()
        return campaign.id, donation.token


def _photo(tmp_path) -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 1200), "white")
    ImageDraw.Draw(image).rectangle((60, 60, 840, 1100), outline="black", width=3)
    path = tmp_path / "signed-form.jpg"
    out = io.BytesIO()
    image.save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _served(page, tmp_path, name: str) -> object:
    """The page's HTML as the server sends it (with the tab's cookies), saved for vnu."""
    path = tmp_path / f"{name}.html"
    path.write_text(page.request.get(page.url).text(), encoding="utf-8")
    return path


def test_school_confirms_23_of_24_and_the_trail_shows_it(browser, live_server, tmp_path):
    campaign_id, token = _setting(live_server.app)
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    try:
        page.goto(live_server("/login"))
        page.locator("#email").fill(SCHOOL_EMAIL)
        page.locator("#password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)

        page.goto(live_server(f"/campaigns/{campaign_id}"))
        assert page.locator("html").get_attribute("lang") == "th"
        page.locator("#devices-link").click()
        page.wait_for_url(re.compile(rf".*/campaigns/{campaign_id}/devices$"))
        page.locator("#handover-link").click()
        page.wait_for_url(re.compile(rf".*/campaigns/{campaign_id}/devices/handover$"))
        _fits(page, 360)

        served = [_served(page, tmp_path, "handover")]
        boxes = page.locator("input[name=devices]")
        assert boxes.count() == 24
        page.locator("#select-all").check()  # shown by the script
        assert all(boxes.nth(i).is_checked() for i in range(24))
        page.locator("label", has_text="5CD9999B24").click()  # not in the box that came
        assert not boxes.nth(23).is_checked()
        assert page.locator("#select-all").evaluate("el => el.indeterminate")
        page.locator("[name=asset_" + boxes.nth(0).get_attribute("value") + "]").fill("KK-001")
        page.locator("#received_by").fill("นางสาวทดสอบ รับของ")
        page.locator("#signed_form").set_input_files(_photo(tmp_path))
        page.locator("#handover-form button[type=submit]").click()
        page.wait_for_url(re.compile(rf".*/campaigns/{campaign_id}/devices$"))
        assert "ยืนยันการรับอุปกรณ์ 23 เครื่องแล้ว" in page.locator(".flash").first.inner_text()
        rows = page.locator("#device-list tbody tr")
        assert rows.count() == 24
        assert page.locator("#device-list").inner_text().count("ยังไม่ได้รับ") == 1
        _fits(page, 360)
        served.append(_served(page, tmp_path, "devices"))

        # The public trail, on the phone, without signing in.
        anonymous = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
        try:
            public = anonymous.new_page()
            public.goto(live_server(f"/campaigns/{campaign_id}/trail"))
            assert public.locator("#trail-delivered").inner_text() == "23"
            assert public.locator("#trail-not-received").inner_text() == "1"
            assert "5CD9999B" not in public.content()
            assert "นางสาวทดสอบ" not in public.content()
            _fits(public, 360)
            served.append(_served(public, tmp_path, "trail"))
        finally:
            anonymous.close()
    finally:
        phone.close()

    # The donor's thank-you page, on a computer, leads to the same trail.
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    desk.set_default_timeout(15_000)
    try:
        donor = desk.new_page()
        donor.goto(live_server(f"/donations/{token}/thanks"))
        assert donor.locator("html").get_attribute("lang") == "th"
        donor.locator("#trail-link").click()
        donor.wait_for_url(re.compile(rf".*/campaigns/{campaign_id}/trail$"))
        assert donor.locator("#trail-delivered").inner_text() == "23"
        assert donor.locator("#trail-not-received").inner_text() == "1"
        assert donor.locator("#trail-in-use").inner_text() == "0"
        assert "HP 240 G8" in donor.locator("#trail-models").inner_text()
        _fits(donor, 1280)
    finally:
        desk.close()
    # The pages with their 24 devices are valid HTML too (the empty ones: test_pages_valid).
    from .test_pages_valid import check_html

    assert check_html(served) == {path.name: [] for path in served}
