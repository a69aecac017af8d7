"""A staff member logs in, registers a school through the form and switches the language."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from partnership.extensions import db
from partnership.registry.models import School

from .conftest import choose_language, login_in_browser

pytestmark = pytest.mark.browser

NAV_SCHOOLS = "nav.main-nav a[href='/schools']"


def _translated(live_server, lang: str, msgid: str) -> str:
    """The UI text for ``msgid`` in ``lang``, as the app's own catalogue has it."""
    with live_server.app.test_request_context(), force_locale(lang):
        return gettext(msgid)


def _school_form(tab):
    return tab.locator("main form.card")


def test_staff_registers_a_school_and_switches_language(page, live_server):
    login_in_browser(page, live_server, "journey")
    assert page.locator(".flash-success").count() == 1  # "Welcome, ..."
    choose_language(page, "th")

    page.goto(live_server("/schools"))
    page.locator("main .page-head a[href='/schools/new']").click()
    page.wait_for_url(re.compile(r".*/schools/new$"))
    form = _school_form(page)
    # The labels are tied to their controls: fill the first two by their visible label.
    code_label = re.escape(_translated(live_server, "th", "School code"))
    form.get_by_label(re.compile("^" + code_label)).fill("1040099901")
    name_label = re.escape(_translated(live_server, "th", "Name in Thai"))
    form.get_by_label(re.compile("^" + name_label)).fill("โรงเรียนบ้านทดสอบเบราว์เซอร์")
    page.locator("#province_code").select_option("40")
    page.locator("#district").fill("น้ำพอง")
    page.locator("#affiliation").select_option("obec")
    page.locator("#min_grade").select_option(label="อ.1")
    page.locator("#max_grade").select_option(label="ป.6")
    form.locator("button[type=submit]").click()

    page.wait_for_url(re.compile(r".*/schools/\d+$"))
    assert page.locator("h1").inner_text() == "โรงเรียนบ้านทดสอบเบราว์เซอร์"
    head = page.locator("main .page-head").inner_text()
    assert "1040099901" in head and "น้ำพอง" in head and "ขอนแก่น" in head
    assert "โรงเรียนบ้านทดสอบเบราว์เซอร์" in page.locator(".flash-success").inner_text()
    assert "อ.1" in page.locator("main dl.kv").first.inner_text()
    school_url = page.url

    # English: the header switch reloads the same page in English.
    choose_language(page, "en")
    assert page.url == school_url
    assert page.locator(NAV_SCHOOLS).inner_text() == "Schools"
    assert page.locator(".lang-switch button[value=en]").get_attribute("aria-pressed") == "true"
    assert "Khon Kaen" in page.locator("main .page-head").inner_text()
    assert "K1" in page.locator("main dl.kv").first.inner_text()

    # The choice is remembered: another page stays in English.
    page.goto(live_server("/organisations"))
    assert page.locator("html").get_attribute("lang") == "en"

    # And back to Thai.
    choose_language(page, "th")
    assert page.locator(NAV_SCHOOLS).inner_text() == _translated(live_server, "th", "Schools")
    assert page.locator(".lang-switch button[value=th]").get_attribute("aria-pressed") == "true"
    page.goto(school_url)
    assert "ขอนแก่น" in page.locator("main .page-head").inner_text()


def test_bad_school_submission_shows_errors_next_to_fields_and_keeps_input(page, live_server):
    login_in_browser(page, live_server, "journey")
    choose_language(page, "en")
    page.goto(live_server("/schools/new"))
    page.locator("#code").fill("12ab")
    page.locator("#name_th").fill("โรงเรียนที่ยังไม่ครบ")
    page.locator("#district").fill("ชุมแพ")
    page.locator("#min_grade").select_option(label="P6")
    page.locator("#max_grade").select_option(label="P1")
    _school_form(page).locator("button[type=submit]").click()
    page.wait_for_load_state()

    assert page.url.endswith("/schools/new")
    assert page.locator("main .flash-error[role=alert]").count() == 1
    for name, message in (
        ("code", "A school code is 10 digits"),
        ("province_code", "This field is required."),
        ("max_grade", "The highest grade cannot be below the lowest."),
    ):
        control = page.locator(f"#{name}")
        assert control.get_attribute("aria-invalid") == "true"
        error = page.locator(f"#{name}-error")
        assert message in error.inner_text()
        assert f"{name}-error" in control.get_attribute("aria-describedby").split()
        # Next to the field: inside the same .field wrapper, right under the control.
        wrapper = control.locator("xpath=..")
        assert wrapper.locator(f"#{name}-error").count() == 1
    # What was typed is kept.
    assert page.locator("#code").input_value() == "12ab"
    assert page.locator("#name_th").input_value() == "โรงเรียนที่ยังไม่ครบ"
    assert page.locator("#district").input_value() == "ชุมแพ"
    assert page.locator("#min_grade option:checked").inner_text() == "P6"
    # Fields without an error are not marked invalid.
    assert page.locator("#name_th").get_attribute("aria-invalid") is None
    # Nothing was saved.
    with live_server.app.app_context():
        assert (
            db.session.scalar(db.select(School.id).where(School.name_th == "โรงเรียนที่ยังไม่ครบ"))
            is None
        )
