"""Issue 19: a sponsor's representative (the demo's, whose pool matched a campaign) goes from
its dashboard to its sponsor report in Thai, on a 360 px phone and a 1280 px laptop, sees the
key figures, the map with its legend and the tables, and downloads the Thai PDF: valid HTML, no
serious axe finding, no sideways scrolling outside a table, lighter than 100 KB without photos."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from partnership.extensions import db
from partnership.registry.models import Organisation

from .conftest import HttpClient, choose_language, login_in_browser
from .test_figures_pages import MAX_BYTES, _check, page_weight
from .test_pages_valid import check_html

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1280])
def test_a_sponsor_downloads_its_report_in_thai(browser, live_server, tmp_path, width):
    organisation_id = live_server.ids["demo_sponsor_organisation_id"]
    with live_server.app.app_context():
        name = db.session.get(Organisation, organisation_id).name
        db.session.remove()
    # bypass_csp: axe-core is injected as a script tag, which the app's CSP forbids.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=width == 360, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        login_in_browser(tab, live_server, "demo sponsor")
        choose_language(tab, "th")
        tab.goto(live_server(f"/organisations/{organisation_id}/dashboard"))
        tab.locator("#sponsor-report-link").click()
        tab.wait_for_url(re.compile(rf".*/organisations/{organisation_id}/report$"))
        assert tab.locator("h1").inner_text() == f"รายงานผู้สนับสนุน: {name}"
        assert tab.locator(".report-figures dd").first.inner_text().startswith("฿")
        figure = tab.locator("figure.report-map")
        assert figure.locator("svg [data-code]").count() == 77
        assert figure.locator("figcaption").inner_text().startswith("แผนที่ 1")
        assert figure.locator(".report-legend li").count() >= 2
        assert "CC BY 4.0" in figure.inner_text()
        assert tab.locator(".report table").count() >= 2
        _check(tab, width)
        # Straight to the report in a new tab that has nothing kept yet (a link in an e-mail):
        # the page with every style, script, font and the map's outlines stays under 100 KB.
        fresh = browser.new_context(
            viewport={"width": width, "height": 900}, storage_state=context.storage_state()
        )
        first = fresh.new_page()
        first.goto(live_server(f"/organisations/{organisation_id}/report"))
        assert first.locator("figure.report-map svg [data-code]").count() == 77
        first_visit = page_weight(first)
        fresh.close()
        assert first_visit <= MAX_BYTES, first_visit
        with tab.expect_download() as download:
            tab.locator("#report-pdf-th").click()
        body = download.value.path().read_bytes()
        html = tab.content()
    finally:
        context.close()
    assert body.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert f"รายงานผู้สนับสนุน: {name}" in text and "แผนที่ 1" in text
    # The page as the server sends it (the browser's DOM has axe in it).
    client = HttpClient(live_server)
    client.login("demo sponsor")
    client.language("th")
    status, html = client.get(f"/organisations/{organisation_id}/report")
    assert status == 200
    (tmp_path / "report.html").write_text(html, "utf-8")
    assert check_html([tmp_path / "report.html"]) == {"report.html": []}
