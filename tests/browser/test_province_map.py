"""Issue 19: the map of Thailand in a real browser, in Thai and English, on a 360 px phone and a
1280 px laptop: clicking Khon Kaen (40) opens its page, which shows what its schools raised,
spent and received; both pages are valid HTML, have no serious axe finding, do not scroll
sideways and weigh at most 100 KB."""

from __future__ import annotations

import pytest

from .conftest import choose_language
from .test_figures_pages import MAX_BYTES, page_weight
from .test_pages_valid import AXE_JS, AXE_RUN, AXE_TAGS, check_html

pytestmark = pytest.mark.browser

PAGE_BUDGET = 100_000
SIZES = (360, 1280)
#: The map page coloured by each figure, and Khon Kaen's page.
PATHS = (
    "/figures/provinces",
    "/figures/provinces?figure=per_pupil&sort=raised&dir=desc",
    "/figures/provinces?figure=devices&year_kind=fiscal&year=2569",
    "/figures/provinces/40",
)


@pytest.fixture()
def tab(browser):
    # bypass_csp: axe-core is injected as a script tag, which the app's CSP forbids.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _serious(tab) -> list[str]:
    tab.add_script_tag(path=str(AXE_JS))
    result = tab.evaluate(AXE_RUN, AXE_TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", SIZES)
@pytest.mark.parametrize("lang", ["th", "en"])
def test_click_khon_kaen_on_the_map_to_open_its_page(tab, live_server, lang, width):
    tab.set_viewport_size({"width": width, "height": 900})
    tab.goto(live_server("/figures/provinces"))
    # A first visit (a new context): the page with every style, script, font and the outlines.
    first_visit = page_weight(tab)
    assert first_visit <= MAX_BYTES, first_visit
    choose_language(tab, lang)
    assert tab.locator("html").get_attribute("lang") == lang
    assert _serious(tab) == []
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    khon_kaen = tab.locator('#province-map a[data-code="40"]')
    assert (
        khon_kaen.locator("title")
        .text_content()
        .startswith("ขอนแก่น" if lang == "th" else "Khon Kaen")
    )
    with tab.expect_navigation():
        khon_kaen.click()
    assert tab.url.endswith("/figures/provinces/40")
    assert ("ขอนแก่น" if lang == "th" else "Khon Kaen") in tab.locator("h1").inner_text()
    # The demo's funded laptop campaign (school 1040050101) is in Khon Kaen.
    money = {
        name: tab.locator(f'#province-money [data-figure="{name}"]').inner_text()
        for name in ("raised", "spent", "devices_confirmed")
    }
    assert money["raised"] != "฿0.00" and money["spent"] != "฿0.00", money
    assert int(money["devices_confirmed"].replace(",", "")) > 0, money
    assert _serious(tab) == []
    assert tab.evaluate("document.documentElement.scrollWidth") <= width


def test_the_pages_are_valid_html_and_light(live_server, http_client, tmp_path):
    client = http_client(None)
    files = {}
    for lang in ("th", "en"):
        client.language(lang)
        for number, path in enumerate(PATHS):
            status, html = client.get(path)
            assert status == 200, path
            assert f'<html lang="{lang}"' in html
            assert len(html.encode()) <= PAGE_BUDGET, (path, lang, len(html.encode()))
            file = tmp_path / f"{lang}-{number}.html"
            file.write_text(html, encoding="utf-8")
            files[file.name] = (path, lang)
    errors = check_html([tmp_path / name for name in files])
    assert {files[name]: found for name, found in errors.items() if found} == {}


def test_a_visitor_finds_khon_kaens_money_and_laptops_from_the_home_page(tab, live_server):
    """Issue 19's "done when", on a Thai phone: home → where the money went → the map →
    Khon Kaen: raised, spent and laptops arrived."""
    tab.set_viewport_size({"width": 360, "height": 800})
    tab.goto(live_server("/"))
    choose_language(tab, "th")
    with tab.expect_navigation():
        tab.locator('main a[href="/figures"]').first.click()
    with tab.expect_navigation():
        tab.locator('main a[href="/figures/provinces"]').first.click()
    with tab.expect_navigation():
        tab.locator('#province-map a[data-code="40"]').click()
    assert "ขอนแก่น" in tab.locator("h1").inner_text()
    shown = {
        name: tab.locator(f'#province-money [data-figure="{name}"]').inner_text()
        for name in ("raised", "spent", "devices_confirmed")
    }
    assert shown["raised"].startswith("฿") and shown["raised"] != "฿0.00", shown
    assert shown["spent"] != "฿0.00", shown
    assert int(shown["devices_confirmed"].replace(",", "")) > 0, shown
