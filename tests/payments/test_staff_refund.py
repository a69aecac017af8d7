"""Staff refund a donation from its page through the fake Stripe: full or partial, "refund
pending" until the webhook, a second click never refunds twice."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.payments.models import DonationState, RefundRequest
from tests.crowd import reload
from tests.factories import english  # noqa: F401
from tests.payments.refunding import nonce_of

REFUNDS = ("POST", "/v1/refunds")


def test_partial_then_full_refund(client, login_as, paid, fake_stripe):
    login_as("staff")
    page = client.get(f"/staff/payments/donations/{paid.id}").get_data(as_text=True)
    assert "PromptPay" in page and "bank account details" in page
    response = client.post(
        f"/staff/payments/donations/{paid.id}",
        data={"amount": "200", "reason": "asked by the donor", "nonce": nonce_of(page)},
    )
    assert response.status_code == 303
    (sent,) = fake_stripe.requests_to(*REFUNDS)
    assert sent.params["amount"] == "20000"
    assert sent.idempotency_key.startswith(f"staff-refund-{paid.id}-")
    page = client.get(f"/staff/payments/donations/{paid.id}").get_data(as_text=True)
    assert "Refund pending" in page and 'id="refund-form"' not in page
    assert reload(paid).refunded_satang == 0  # the webhook decides

    # Another click while it is pending is refused.
    again = client.post(
        f"/staff/payments/donations/{paid.id}", data={"amount": "", "nonce": "0" * 32}
    )
    assert again.status_code == 409
    assert len(fake_stripe.asked(*REFUNDS)) == 1

    fake_stripe.deliver_outbox()
    donation = reload(paid)
    assert (donation.refunded_satang, donation.state) == (
        20_000,
        DonationState.PARTIALLY_REFUNDED,
    )
    page = client.get(f"/staff/payments/donations/{paid.id}").get_data(as_text=True)
    assert "Refund pending" not in page

    response = client.post(
        f"/staff/payments/donations/{paid.id}", data={"amount": "", "nonce": nonce_of(page)}
    )
    assert response.status_code == 303
    assert fake_stripe.requests_to(*REFUNDS)[-1].params["amount"] == "30000"
    fake_stripe.deliver_outbox()
    assert reload(paid).state == DonationState.REFUNDED
    page = client.get(f"/staff/payments/donations/{paid.id}").get_data(as_text=True)
    assert 'id="refund-form"' not in page


def test_a_second_click_of_the_same_page_refunds_once(client, login_as, paid, fake_stripe):
    login_as("staff")
    page = client.get(f"/staff/payments/donations/{paid.id}").get_data(as_text=True)
    form = {"amount": "", "nonce": nonce_of(page)}
    assert client.post(f"/staff/payments/donations/{paid.id}", data=form).status_code == 303
    second = client.post(f"/staff/payments/donations/{paid.id}", data=form)
    assert second.status_code in (303, 409)
    assert len(fake_stripe.asked(*REFUNDS)) == 1
    assert db.session.scalar(sa.select(sa.func.count(RefundRequest.id))) == 1


def test_stripe_down_keeps_the_request_for_a_retry_with_the_same_key(
    client, login_as, paid, fake_stripe
):
    login_as("staff")
    page = client.get(f"/staff/payments/donations/{paid.id}").get_data(as_text=True)
    fake_stripe.fail_next(500, times=3)
    response = client.post(
        f"/staff/payments/donations/{paid.id}",
        data={"amount": "", "nonce": nonce_of(page)},
        follow_redirects=True,
    )
    assert "did not answer" in response.get_data(as_text=True)
    assert "Refund pending" in response.get_data(as_text=True)
    assert fake_stripe.refunds == {}
    response = client.post(f"/staff/payments/donations/{paid.id}/retry", follow_redirects=True)
    assert "Stripe answered" in response.get_data(as_text=True)
    assert client.post(f"/staff/payments/donations/{paid.id}/retry").status_code == 303
    assert len(fake_stripe.refunds) == 1
    assert len([r for r in fake_stripe.requests_to(*REFUNDS) if r.status == 200]) == 1


@pytest.mark.parametrize(
    ("amount", "message", "status"),
    [
        ("abc", "Enter an amount in baht", 422),
        ("600", "At most ฿500.00", 422),
        ("0", "more than zero", 422),
    ],
)
def test_bad_amounts(client, login_as, paid, fake_stripe, amount, message, status):
    login_as("staff")
    page = client.get(f"/staff/payments/donations/{paid.id}").get_data(as_text=True)
    response = client.post(
        f"/staff/payments/donations/{paid.id}", data={"amount": amount, "nonce": nonce_of(page)}
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert fake_stripe.requests_to(*REFUNDS) == []


@pytest.mark.parametrize("role", ["anonymous", "donor", "school", "sponsor"])
def test_staff_only(client, login_as, paid, fake_stripe, role):
    if role != "anonymous":
        login_as(role)
    assert client.get(f"/staff/payments/donations/{paid.id}").status_code in (302, 401, 403)
    response = client.post(
        f"/staff/payments/donations/{paid.id}", data={"amount": "", "nonce": "a" * 32}
    )
    assert response.status_code in (302, 401, 403)
    assert fake_stripe.requests_to(*REFUNDS) == []


def test_a_promptpay_refund_stays_pending_until_the_donor_answers(
    client, login_as, make_campaign, give, hooked, fake_stripe
):
    campaign = make_campaign(goal_satang=10_000_000)
    donation, session_id = give(campaign, custom_amount="300")
    hooked.pay(session_id, method="promptpay")
    login_as("staff")
    page = client.get(f"/staff/payments/donations/{donation.id}").get_data(as_text=True)
    client.post(
        f"/staff/payments/donations/{donation.id}", data={"amount": "", "nonce": nonce_of(page)}
    )
    (refund,) = fake_stripe.refunds.values()
    assert refund["status"] == "requires_action"
    fake_stripe.deliver_outbox()
    page = client.get(f"/staff/payments/donations/{donation.id}").get_data(as_text=True)
    assert "Refund pending" in page and "bank details" in page
    fake_stripe.complete_refund(refund["id"])
    page = client.get(f"/staff/payments/donations/{donation.id}").get_data(as_text=True)
    assert "Refund pending" not in page
    assert reload(donation).state == DonationState.REFUNDED
