"""The programme cards at 1280 px: an amount stays on one line and the values have room."""

from __future__ import annotations

import pytest

from .conftest import choose_language

pytestmark = pytest.mark.browser

#: For each value in a programme card: lines its amounts take, and its share of the list's width.
MEASURE = """() => [...document.querySelectorAll('.programme-card dl.kv')].map(dl => ({
  amounts: [...dl.querySelectorAll('.amount')].map(a => a.getClientRects().length),
  shares: [...dl.querySelectorAll('dd')].map(dd => dd.getBoundingClientRect().width
                                                    / dl.getBoundingClientRect().width),
}))"""


@pytest.mark.parametrize("lang", ["th", "en"])
def test_amounts_never_wrap_and_values_get_room(page, live_server, lang):
    page.goto(live_server("/programmes"))
    choose_language(page, lang)
    cards = page.evaluate(MEASURE)
    assert len(cards) >= 2
    for card in cards:
        assert card["amounts"] and all(lines == 1 for lines in card["amounts"]), card
        assert all(share >= 0.55 for share in card["shares"]), card
