"""Offline gifts: recorded by staff with a slip, voided with a reason (a reversing row, nothing
deleted), refused input, staff only; a pool matches them only when it says so."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.gifts.models import GiftState, OfflineGift
from partnership.i18n import BANGKOK
from partnership.ledger.models import LedgerEntry, LedgerKind
from partnership.ledger.services import verify
from tests.crowd import reload


def today() -> str:
    return utcnow().astimezone(BANGKOK).date().isoformat()


def gift_form(**overrides):
    return {
        "method": "bank_transfer",
        "amount": "1,500.50",
        "received_on": today(),
        "reference": "KBANK-20261205-0001",
        "donor_name": "ร้านข้าวแกงป้าศรี",
        "email": "",
    } | overrides


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture()
def staff(login_as):
    return login_as("staff")


def test_record_with_a_slip_then_void(client, staff, make_campaign):
    campaign = make_campaign(goal_satang=10_000_000)
    data = gift_form(slip=(io.BytesIO(png_bytes() + b"trailing junk"), "slip.png"))
    response = client.post(
        f"/staff/campaigns/{campaign.id}/gifts", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 303
    gift = db.session.scalar(sa.select(OfflineGift))
    assert (gift.amount_satang, gift.reference, gift.state) == (
        150_050,
        "KBANK-20261205-0001",
        GiftState.RECORDED,
    )
    assert reload(campaign).raised_satang == 150_050
    slip = client.get(f"/staff/gifts/{gift.id}/slip")
    assert slip.status_code == 200 and slip.mimetype == "image/png"
    assert b"trailing junk" not in slip.data  # re-encoded, not stored as sent
    Image.open(io.BytesIO(slip.data)).verify()

    assert client.post(f"/staff/gifts/{gift.id}/void", data={"reason": ""}).status_code == 303
    assert reload(gift).state == GiftState.RECORDED  # a void needs a reason

    response = client.post(f"/staff/gifts/{gift.id}/void", data={"reason": "typed twice"})
    assert response.status_code == 303
    gift = reload(gift)
    assert (gift.state, gift.reversal_reason) == (GiftState.VOIDED, "typed twice")
    assert reload(campaign).raised_satang == 0
    rows = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.id)).all()
    assert [(r.kind, r.amount_satang) for r in rows] == [
        (LedgerKind.OFFLINE_GIFT, 150_050),
        (LedgerKind.OFFLINE_GIFT_REVERSED, -150_050),
    ]
    # Voiding again changes nothing; the gift is still there.
    client.post(f"/staff/gifts/{gift.id}/void", data={"reason": "again"})
    assert db.session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(OfflineGift.id))) == 1
    page = client.get(f"/staff/campaigns/{campaign.id}/gifts").get_data(as_text=True)
    assert "typed twice" in page and "Voided" in page
    assert verify() == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": ""}, "Enter the amount in baht."),
        ({"amount": "12.345"}, "Enter an amount in baht"),
        ({"amount": "-100"}, "more than zero"),
        ({"amount": "0"}, "more than zero"),
        ({"amount": "99,999,999"}, "at most"),
        ({"received_on": ""}, "Enter a date."),
        ({"received_on": "not a date"}, "Not a valid date value."),
        ({"received_on": "2099-01-01"}, "cannot be in the future"),
        ({"received_on": "2001-01-01"}, "more than a year ago"),
        ({"reference": ""}, "Enter the bank reference"),
        ({"reference": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"donor_name": ""}, "s name."),
        ({"email": "not-an-email"}, "Enter a valid e-mail address."),
        ({"method": "bitcoin"}, "Not a valid choice"),
    ],
)
def test_bad_input_gets_form_errors(client, staff, make_campaign, overrides, message):
    campaign = make_campaign()
    response = client.post(f"/staff/campaigns/{campaign.id}/gifts", data=gift_form(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert db.session.scalar(sa.select(sa.func.count(OfflineGift.id))) == 0
    if overrides.get("reference", "").startswith("KBANK") or "reference" not in overrides:
        assert "KBANK-20261205-0001" in html  # what was typed is kept


def test_a_slip_that_is_not_an_image_is_refused(client, staff, make_campaign):
    campaign = make_campaign()
    data = gift_form(slip=(io.BytesIO(b"%PDF-1.4 not really"), "slip.png"))
    response = client.post(
        f"/staff/campaigns/{campaign.id}/gifts", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "JPEG or PNG" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(OfflineGift.id))) == 0


@pytest.mark.parametrize("role", ["anonymous", "donor", "school", "sponsor"])
def test_staff_only(client, login_as, make_campaign, role):
    campaign = make_campaign()
    if role != "anonymous":
        login_as(role)
    assert client.get(f"/staff/campaigns/{campaign.id}/gifts").status_code in (302, 401, 403)
    response = client.post(f"/staff/campaigns/{campaign.id}/gifts", data=gift_form())
    assert response.status_code in (302, 401, 403)
    assert db.session.scalar(sa.select(sa.func.count(OfflineGift.id))) == 0


@pytest.mark.parametrize("counts_offline", [True, False])
def test_a_pool_matches_offline_gifts_only_if_it_says_so(
    client, staff, make_campaign, make_pledge, counts_offline
):
    campaign = make_campaign(goal_satang=10_000_000)
    pledge = make_pledge(campaign, cap_satang=1_000_000, days=5, counts_offline=counts_offline)
    client.post(f"/staff/campaigns/{campaign.id}/gifts", data=gift_form(amount="1000"))
    expected = 200_000 if counts_offline else 100_000
    assert reload(campaign).raised_satang == expected
    gift = db.session.scalar(sa.select(OfflineGift))
    client.post(f"/staff/gifts/{gift.id}/void", data={"reason": "bounced cheque"})
    assert reload(campaign).raised_satang == 0
    assert reload(pledge).remaining_satang == 1_000_000
    assert verify() == []


@pytest.mark.parametrize(("from_state", "to_state"), [(a, b) for a in GiftState for b in GiftState])
def test_every_gift_transition(make_campaign, from_state, to_state):
    from partnership.gifts.models import GiftMethod
    from partnership.gifts.services import (
        TRANSITIONS,
        IllegalGiftTransition,
        record_gift,
        reverse_gift,
    )

    campaign = make_campaign(goal_satang=10_000_000)
    gift = record_gift(
        campaign,
        method=GiftMethod.CASH,
        amount_satang=10_000,
        received_on=utcnow().date(),
        reference="R-1",
        donor_name="ผู้ให้",
    )
    if from_state != GiftState.RECORDED:
        reverse_gift(gift, from_state, reason="setup")
    db.session.commit()
    rows_before = db.session.scalar(sa.select(sa.func.count(LedgerEntry.id)))
    if to_state in TRANSITIONS[from_state]:
        reverse_gift(gift, to_state, reason="because")
        db.session.commit()
        assert reload(gift).state == to_state
        assert db.session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == rows_before + 1
    else:
        with pytest.raises(IllegalGiftTransition):
            reverse_gift(gift, to_state, reason="because")
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == rows_before
    assert verify() == []
