"""The screening table fits a laptop and stacks on a phone (issue 16, item 20): at 1280 px its
last column (the eligibility check) was cut off in Thai."""

from __future__ import annotations

import pytest

from .conftest import choose_language, login_in_browser

pytestmark = pytest.mark.browser

#: The table's width against its wrapper's, and the eligibility cells' right edges.
MEASURE = """() => {
  const wrap = document.querySelector('.table-wrap');
  const edge = wrap.getBoundingClientRect().right;
  return {
    scroll: wrap.scrollWidth, client: wrap.clientWidth,
    cut: [...document.querySelectorAll('#screening-table td.screening-check')]
      .filter(td => td.getBoundingClientRect().right > edge + 1).length,
    checks: document.querySelectorAll('#screening-table td.screening-check').length,
    page: document.documentElement.scrollWidth,
  };
}"""


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_screening_table_shows_every_column(page, live_server, lang):
    login_in_browser(page, live_server, "staff")
    url = live_server(f"/programmes/{live_server.ids['past_programme_id']}/applications")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        choose_language(page, lang)
        seen = page.evaluate(MEASURE)
        assert seen["checks"] >= 3, seen
        assert seen["scroll"] <= seen["client"] and seen["cut"] == 0, (width, seen)
        assert seen["page"] <= width, (width, seen)
