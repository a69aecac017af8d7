"""Pages load without a failed request or a console error, and the icon is there."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_pages_load_cleanly_and_the_icon_answers(page, live_server):
    failed, errors = [], []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in ("/", "/programmes", "/schools"):
        page.goto(live_server(path))
        page.wait_for_load_state("networkidle")
    assert failed == [] and errors == []
    icon = page.locator("link[rel=icon]").get_attribute("href")
    for url in (icon, "/favicon.ico"):
        response = page.request.get(live_server(url))
        assert response.status == 200 and response.body()[:4] == b"\x00\x00\x01\x00"
