"""A bank reference already on a live gift of the campaign is refused until staff say why this is
another gift (issue 16 item 4); the reason stays with the gift, the total counts once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.gifts.models import GiftState, OfflineGift
from partnership.gifts.services import reference_key
from tests.crowd import reload

from .test_offline_gifts import gift_form


@pytest.fixture()
def staff(login_as):
    return login_as("staff")


def _gifts(campaign) -> list[OfflineGift]:
    return list(
        db.session.scalars(
            sa.select(OfflineGift)
            .where(OfflineGift.campaign_id == campaign.id)
            .order_by(OfflineGift.id)
        )
    )


def _post(client, campaign, **overrides):
    return client.post(f"/staff/campaigns/{campaign.id}/gifts", data=gift_form(**overrides))


def test_reference_key_ignores_spaces_and_case():
    assert reference_key(" KBank 2026 0001 ") == reference_key("kbank20260001") == "kbank20260001"


@pytest.mark.parametrize(
    "again", ["KBANK-20261205-0001", "kbank-20261205-0001 ", "KBANK - 20261205-0001"]
)
def test_the_same_reference_again_is_refused_without_a_reason(client, staff, make_campaign, again):
    campaign = make_campaign()
    assert _post(client, campaign, amount="1000").status_code == 303
    response = _post(client, campaign, amount="1000", reference=again)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="duplicate-reference"' in page and 'name="duplicate_reason"' in page
    assert len(_gifts(campaign)) == 1
    assert reload(campaign).raised_satang == 100_000


def test_with_a_reason_it_is_recorded_and_the_reason_kept(client, staff, make_campaign):
    campaign = make_campaign()
    _post(client, campaign, amount="1000")
    response = _post(
        client, campaign, amount="500", duplicate_reason="Two transfers on one bank slip"
    )
    assert response.status_code == 303
    first, second = _gifts(campaign)
    assert (first.duplicate_reason, second.duplicate_reason) == (
        "",
        "Two transfers on one bank slip",
    )
    assert reload(campaign).raised_satang == 150_000
    page = client.get(f"/staff/campaigns/{campaign.id}/gifts").get_data(as_text=True)
    assert "Two transfers on one bank slip" in page


def test_a_voided_gift_or_another_campaign_does_not_count(client, staff, make_campaign):
    campaign, other = make_campaign(), make_campaign()
    _post(client, other)
    assert _post(client, campaign).status_code == 303  # another campaign's reference
    gift = _gifts(campaign)[0]
    client.post(f"/staff/gifts/{gift.id}/void", data={"reason": "typed twice"})
    assert reload(gift).state == GiftState.VOIDED
    assert _post(client, campaign).status_code == 303  # the live one was voided
