"""Issue 16, items 9-11: the public campaign pages fit a 360 px phone without hiding figures
(the budget and the ledger stack their rows, labelled), and the list's filters fold away on a
phone but stand open on a laptop."""

from __future__ import annotations

import pytest

from .conftest import live_campaign

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
    _check_stacked(phone, "#ledger", {"จำนวนเงิน", "ยอดคงเหลือ"})


def test_campaign_filters_fold_on_a_phone_and_stand_open_on_a_laptop(phone, page, live_server):
    phone.goto(live_server("/campaigns"))
    assert not phone.locator("#q").is_visible()
    assert phone.locator("#campaign-list .campaign-card").first.bounding_box()["y"] < 740
    phone.locator("#campaign-filters summary").click()
    assert phone.locator("#q").is_visible()
    page.goto(live_server("/campaigns"))
    assert page.locator("#q").is_visible()
    assert not page.locator("#campaign-filters summary").is_visible()
