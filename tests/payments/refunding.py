"""What the staff refund tests share: a paid ฿500 gift, and the form's one-use nonce."""

from __future__ import annotations

import re

import pytest

from tests.crowd import reload


@pytest.fixture()
def paid(make_campaign, give, hooked):
    """A paid card gift of ฿500 to a campaign with a large goal."""
    campaign = make_campaign(goal_satang=10_000_000)
    donation, session_id = give(campaign, custom_amount="500")
    hooked.pay(session_id)
    return reload(donation)


def nonce_of(html: str) -> str:
    """The refund form's nonce (one per page shown)."""
    return re.search(r'name="nonce" type="hidden" value="([0-9a-f]{32})"', html).group(1)
