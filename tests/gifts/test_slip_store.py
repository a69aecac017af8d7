"""Offline-gift slips through the file store, on a local folder and on moto's S3 server: stored
re-encoded, shown only to staff and never cached, gone again when the gift is not recorded,
and a store that cannot be reached records nothing."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.gifts.models import OfflineGift
from partnership.ledger.models import LedgerEntry
from tests.crowd import reload

from .test_offline_gifts import gift_form, png_bytes


@pytest.fixture()
def staff(login_as):
    return login_as("staff")


def _post(client, campaign, **overrides):
    return client.post(
        f"/staff/campaigns/{campaign.id}/gifts",
        data=gift_form(**overrides),
        content_type="multipart/form-data",
    )


def _slip():
    return (io.BytesIO(png_bytes()), "slip.png")


def _gifts() -> list[OfflineGift]:
    return list(db.session.scalars(sa.select(OfflineGift).order_by(OfflineGift.id)))


def test_a_slip_is_stored_and_shown_to_staff_only_never_cached(
    client, store, staff, make_campaign, login_as
):
    campaign = make_campaign()
    assert _post(client, campaign, slip=_slip()).status_code == 303
    [gift] = _gifts()
    assert store.keys() == [gift.slip_key]
    slip = client.get(f"/staff/gifts/{gift.id}/slip")
    assert slip.status_code == 200 and slip.headers["Content-Type"] == "image/png"
    assert slip.headers["Content-Disposition"] == f'inline; filename="slip-{gift.id}.png"'
    assert slip.headers["Cache-Control"] == "private, no-store"
    assert slip.headers["X-Content-Type-Options"] == "nosniff"
    login_as("school")
    assert client.get(f"/staff/gifts/{gift.id}/slip").status_code == 403


def test_a_slip_of_a_gift_refused_as_a_duplicate_is_not_kept(client, store, staff, make_campaign):
    campaign = make_campaign()
    _post(client, campaign, slip=_slip())
    [first] = _gifts()
    response = _post(client, campaign, slip=_slip())  # the same reference, no reason
    assert response.status_code == 422
    assert store.keys() == [first.slip_key]  # the second slip went with the rollback


def test_a_slip_missing_from_the_store_is_a_404(client, store, staff, make_campaign):
    campaign = make_campaign()
    _post(client, campaign, slip=_slip())
    [gift] = _gifts()
    store.remove(gift.slip_key)
    assert client.get(f"/staff/gifts/{gift.id}/slip").status_code == 404


def test_an_unreachable_store_records_no_gift(client, store, staff, make_campaign):
    campaign = make_campaign()
    store.go_down()
    response = _post(client, campaign, slip=_slip())
    assert response.status_code == 503
    assert "The file store does not answer, so nothing was saved." in response.text
    assert _gifts() == []
    assert db.session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == 0
    assert reload(campaign).raised_satang == 0
    assert store.keys() == []
