"""Issue 19: a visitor goes from the home page to the overview and to a sponsor, in Thai, on a
360 px phone and a 1280 px laptop: every page valid HTML, no serious axe finding, no sideways
scrolling outside a table, lighter than 100 KB without photos, and the period form works
without JavaScript."""

from __future__ import annotations

import urllib.request

import pytest

from .test_pages_valid import AXE_JS, AXE_RUN, AXE_TAGS, check_html

pytestmark = pytest.mark.browser

#: HTML, CSS, scripts and fonts a page may weigh (photos aside).
MAX_BYTES = 100 * 1024


def _check(tab, width: int) -> None:
    tab.add_script_tag(path=str(AXE_JS))
    result = tab.evaluate(AXE_RUN, AXE_TAGS)
    serious = [
        f"{v['id']}: {v['help']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], tab.url
    wide = tab.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1 && !e.closest('.table-wrap'))
            .map(e => e.tagName)""",
        width,
    )
    assert wide == [], tab.url
    weight = page_weight(tab)
    assert weight <= MAX_BYTES, (tab.url, weight)


def page_weight(tab) -> int:
    """Bytes the page cost over the wire: HTML, CSS, scripts, fonts and the map's outlines as
    sent (compressed where the server compressed them; photos and axe-core aside). A file the
    tab already had from an earlier page counts 0: load the page in a new context to count all."""
    return tab.evaluate(
        """() => performance.getEntriesByType('navigation')[0].encodedBodySize
            + performance.getEntriesByType('resource')
                .filter(r => !/\\.(jpe?g|png|webp)/.test(r.name) && !/axe/.test(r.name))
                .reduce((sum, r) => sum + (r.encodedBodySize || 0), 0)"""
    )


@pytest.mark.parametrize("width", [360, 1280])
def test_home_to_the_overview_and_a_sponsor_in_thai(browser, live_server, tmp_path, width):
    # bypass_csp: axe-core is injected as a script tag, which the app's CSP forbids.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=True, java_script_enabled=True
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    visited = []
    try:
        tab.goto(live_server("/"))
        assert tab.locator("html").get_attribute("lang") == "th"
        assert tab.locator("#home-raised").inner_text().startswith("฿")
        tab.get_by_role("link", name="ดูว่าเงินบริจาคไปที่ไหนบ้าง").click()
        tab.wait_for_url("**/figures")
        visited.append(tab.url)
        assert tab.locator("h1").inner_text() == "เงินบริจาคไปที่ไหนบ้าง"
        assert tab.locator("#fig-raised").inner_text().startswith("฿")
        assert tab.locator("#programme-chart svg").count() == 1
        _check(tab, width)
        # The period form is a plain GET form.
        tab.locator("#year_kind").select_option("fiscal")
        tab.get_by_role("button", name="แสดง").click()
        tab.wait_for_url("**/figures?year_kind=fiscal*")
        visited.append(tab.url)
        assert "ปีงบประมาณ" in tab.locator("#key-title").inner_text()
        tab.get_by_role("link", name="ดูผู้สนับสนุน").click()
        tab.wait_for_url("**/figures/sponsors")
        visited.append(tab.url)
        _check(tab, width)
        tab.locator("#sponsor-table tbody a").first.click()
        tab.wait_for_url("**/figures/sponsors/*")
        visited.append(tab.url)
        assert tab.locator("#fig-matched").inner_text().startswith("฿")
        _check(tab, width)
    finally:
        context.close()
    files = []
    for number, url in enumerate(visited):
        path = tmp_path / f"page-{number}.html"
        with urllib.request.urlopen(url) as response:  # a fresh visitor: Thai
            path.write_bytes(response.read())
        files.append(path)
    assert check_html(files) == {path.name: [] for path in files}
