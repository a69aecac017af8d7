"""Issue 16, items 9-11: the public campaign pages fit a 360 px phone without hiding figures
(the budget and the ledger stack their rows, labelled), and the list's filters fold away on a
phone but stand open on a laptop."""

from __future__ import annotations

import pytest

from .conftest import choose_language, live_campaign

pytestmark = pytest.mark.browser

#: For every labelled cell of ``selector``: its right edge, its label (the ::before text), and
#: whether its text is cut (wider than its box); the table's wrapper's scrolling width.
CELLS = """(selector) => {
  const table = document.querySelector(selector);
  const wrap = table.closest('.table-wrap');
  return {
    scrolls: wrap.scrollWidth > wrap.clientWidth + 1,
    cells: [...table.querySelectorAll('tbody td[data-label]')].map(td => ({
      right: td.getBoundingClientRect().right,
      label: getComputedStyle(td, '::before').content,
      cut: td.scrollWidth > td.clientWidth + 1,
      text: td.innerText,
    })),
  };
}"""


def _check_stacked(tab, selector: str, labels: set[str]) -> None:
    found = tab.evaluate(CELLS, selector)
    assert not found["scrolls"], f"{selector} scrolls sideways at 360 px"
    assert found["cells"], f"{selector} has no labelled cells"
    for cell in found["cells"]:
        assert cell["right"] <= 360, cell
        assert not cell["cut"], cell
    assert labels <= {cell["label"].strip('"') for cell in found["cells"]}


@pytest.fixture()
def phone(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_budget_and_ledger_stack_their_rows_on_a_phone(phone, live_server):
    campaign_id = live_campaign(live_server.app)[0]
    phone.goto(live_server(f"/campaigns/{campaign_id}"))
    assert phone.locator("html").get_attribute("lang") == "th"
    _check_stacked(phone, "#campaign-budget", {"ราคาต่อหน่วย", "จำนวน", "รวม"})
    goal = phone.locator("#campaign-budget tfoot td")
    assert goal.bounding_box()["x"] + goal.bounding_box()["width"] <= 360
    phone.goto(live_server(f"/campaigns/{campaign_id}/ledger"))
    _check_stacked(phone, "#ledger", {"เงินเข้า", "ยอดคงเหลือ"})  # in, balance


def test_campaign_filters_fold_on_a_phone_and_stand_open_on_a_laptop(phone, page, live_server):
    phone.goto(live_server("/campaigns"))
    assert not phone.locator("#q").is_visible()
    assert phone.locator("#campaign-list .campaign-card").first.bounding_box()["y"] < 740
    phone.locator("#campaign-filters summary").click()
    assert phone.locator("#q").is_visible()
    page.goto(live_server("/campaigns"))
    assert page.locator("#q").is_visible()
    assert not page.locator("#campaign-filters summary").is_visible()


def _expired_link(app) -> str:
    """The path of a demo gift's receipt link issued 400 days ago (expired)."""
    from datetime import timedelta
    from urllib.parse import urlsplit

    import sqlalchemy as sa

    from partnership.db_types import utcnow
    from partnership.extensions import db
    from partnership.receipts.links import receipt_link
    from partnership.receipts.models import Receipt

    with app.test_request_context():
        receipt = db.session.scalars(sa.select(Receipt).order_by(Receipt.id).limit(1)).one()
        link = receipt_link(receipt.donation, issued_at=utcnow() - timedelta(days=400))
        db.session.remove()
    return urlsplit(link).path


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_expired_receipt_page_is_valid_accessible_and_fits_a_phone(
    browser, live_server, http_client, tmp_path, lang
):
    from .test_pages_valid import AXE_JS, AXE_RUN, AXE_TAGS, check_html

    path = _expired_link(live_server.app)
    client = http_client(None)
    client.language(lang)
    status, html = client.get(path)
    assert status == 410 and 'id="fresh-link"' in html
    (tmp_path / "expired.html").write_text(html, encoding="utf-8")
    assert check_html([tmp_path / "expired.html"]) == {"expired.html": []}
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    try:
        tab = context.new_page()
        tab.goto(live_server("/"))
        choose_language(tab, lang)
        tab.goto(live_server(path))
        assert tab.evaluate("document.documentElement.scrollWidth") <= 360
        tab.add_script_tag(path=str(AXE_JS))
        violations = tab.evaluate(AXE_RUN, AXE_TAGS)["violations"]
        assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
    finally:
        context.close()
