"""The donation form: every bad input gets a message and no pending donation; Stripe down."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.payments.models import Donation, DonationState
from tests.crowd import DONOR, reload
from tests.factories import english  # noqa: F401  (autouse: pages in English)

pytestmark = pytest.mark.usefixtures("stripe_app")


def donations() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Donation.id)))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"custom_amount": "19.99"}, "The smallest gift is ฿20.00."),
        ({"custom_amount": "1000000"}, "The largest gift online is ฿999,999.99."),
        ({"custom_amount": "lots"}, "Type the amount in baht"),
        ({"custom_amount": "-500"}, "The smallest gift is ฿20.00."),
        ({"custom_amount": "1e309"}, "Type the amount in baht"),
        ({"custom_amount": "12.345"}, "Type the amount in baht"),
        ({"custom_amount": ""}, "Choose an amount or type one."),
        ({"preset": "99999"}, "Choose one of the amounts."),
        ({"email": "not-an-email"}, "Enter a valid e-mail address."),
        ({"email": ""}, "Enter your e-mail for the receipt."),
        ({"message": "ก" * 10_000}, "Keep the message under 500 characters."),
        ({"donor_name": ""}, "Enter your name, or choose to be an anonymous donor."),
    ],
)
def test_bad_input_gets_a_message_and_no_donation(client, make_campaign, fields, message):
    campaign = make_campaign()
    data = {**DONOR, **fields}
    response = client.post(f"/campaigns/{campaign.id}/give", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'class="field-error"' in html
    if "message" not in fields:
        assert DONOR["message"] in html  # what the donor typed is kept
    assert donations() == 0


@pytest.mark.parametrize("state", ["draft", "ended", "closed"])
def test_no_gift_to_a_campaign_not_taking_them(client, make_campaign, state):
    campaign = make_campaign(state=state)
    response = client.post(f"/campaigns/{campaign.id}/give", data=DONOR)
    assert response.status_code in (404, 409)
    if state != "draft":
        assert "This campaign is not taking donations." in response.get_data(as_text=True)
    assert donations() == 0


def test_anonymous_needs_no_name_and_a_preset_amount_works(client, make_campaign, fake_stripe):
    campaign = make_campaign()
    data = {**DONOR, "donor_name": "", "anonymous": "y", "preset": "100000", "custom_amount": ""}
    response = client.post(f"/campaigns/{campaign.id}/give", data=data)
    assert response.status_code == 303
    donation = db.session.scalar(sa.select(Donation))
    assert donation.amount_satang == 100_000 and donation.anonymous
    session = fake_stripe.latest_session
    assert session["metadata"] == {"donation_id": str(donation.id)}
    assert session["client_reference_id"] == str(donation.id)
    assert session["customer_email"] == "somchai@example.com"
    assert session["amount_total"] == 100_000 and session["payment_method_types"] == [
        "card",
        "promptpay",
    ]
    [request] = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert request.headers["Idempotency-Key"] == donation.idempotency_key
    assert donation.token in session["success_url"]


def test_stripe_down_says_try_again_and_marks_the_donation_failed(
    client, make_campaign, fake_stripe
):
    campaign = make_campaign()
    fake_stripe.fail_next(500, times=3)
    response = client.post(f"/campaigns/{campaign.id}/give", data=DONOR)
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and "nothing was charged" in html
    assert DONOR["message"] in html
    donation = db.session.scalar(sa.select(Donation))
    assert donation.state == DonationState.FAILED and donation.checkout_session_id is None
    assert fake_stripe.sessions == {}


def test_a_lost_answer_is_retried_with_the_same_key_and_makes_one_session(
    client, make_campaign, fake_stripe
):
    campaign = make_campaign()
    fake_stripe.timeout_next(seconds=1.5)
    response = client.post(f"/campaigns/{campaign.id}/give", data=DONOR)
    assert response.status_code == 303
    assert len(fake_stripe.sessions) == 1
    keys = {
        r.headers["Idempotency-Key"]
        for r in fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    }
    assert len(keys) == 1
    donation = reload(db.session.scalar(sa.select(Donation)))
    assert donation.checkout_session_id == fake_stripe.latest_session["id"]


def test_each_attempt_has_its_own_key(client, make_campaign, fake_stripe):
    campaign = make_campaign()
    client.post(f"/campaigns/{campaign.id}/give", data=DONOR)
    client.post(f"/campaigns/{campaign.id}/give", data=DONOR)
    assert len(fake_stripe.sessions) == 2
    assert len({d.idempotency_key for d in db.session.scalars(sa.select(Donation))}) == 2
