"""Each refund names its request (issue 15, A5): the webhook settles a request whose answer was
lost, and a request older than Stripe's 24-hour idempotency window looks for its refund at
Stripe (``GET /v1/refunds?payment_intent=…``) before it asks again: never a second refund."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import stripe

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.ledger.services import verify
from partnership.payments.client import list_refunds, stripe_client
from partnership.payments.models import UNANSWERED, DonationState, RefundRequest
from tests.crowd import reload
from tests.factories import english  # noqa: F401
from tests.payments.refunding import nonce_of

REFUNDS = ("POST", "/v1/refunds")
LIST = ("GET", "/v1/refunds")


def refund_with_answer_lost(client, donation, fake, amount="200") -> RefundRequest:
    """Staff ask; Stripe makes the refund but every answer (and the SDK's retries) is lost."""
    page = client.get(f"/staff/payments/donations/{donation.id}").get_data(as_text=True)
    fake.timeout_next(times=3, seconds=0.8)
    response = client.post(
        f"/staff/payments/donations/{donation.id}",
        data={"amount": amount, "nonce": nonce_of(page)},
        follow_redirects=True,
    )
    assert "did not answer" in response.get_data(as_text=True)
    db.session.expire_all()
    row = db.session.scalar(sa.select(RefundRequest))
    assert row.status == UNANSWERED and row.stripe_refund_id is None
    (made,) = fake.refunds.values()
    assert made["metadata"] == {"donation_id": str(donation.id), "refund_request_id": str(row.id)}
    return row


def test_the_webhook_settles_a_request_whose_answer_was_lost(client, login_as, paid, hooked):
    login_as("staff")
    row = refund_with_answer_lost(client, paid, hooked)
    hooked.deliver_outbox()  # refund.created (with the request's id), charge.refunded
    row = reload(row)
    (made,) = hooked.refunds.values()
    assert (row.status, row.stripe_refund_id) == ("succeeded", made["id"])
    page = client.get(f"/staff/payments/donations/{paid.id}").get_data(as_text=True)
    assert "Refund pending" not in page
    assert reload(paid).state == DonationState.PARTIALLY_REFUNDED
    # "Ask again" has nothing left to send.
    sent = len(hooked.requests_to(*REFUNDS))
    client.post(f"/staff/payments/donations/{paid.id}/retry")
    assert len(hooked.requests_to(*REFUNDS)) == sent
    assert len(hooked.refunds) == 1 and verify() == []


def age(row: RefundRequest, hours: int) -> None:
    db.session.execute(
        sa.update(RefundRequest)
        .where(RefundRequest.id == row.id)
        .values(created_at=utcnow() - timedelta(hours=hours))
    )
    db.session.commit()


def test_a_retry_after_24_hours_finds_the_refund_instead_of_making_another(
    client, login_as, paid, hooked
):
    login_as("staff")
    row = refund_with_answer_lost(client, paid, hooked)
    age(row, 25)
    hooked.forget_idempotency_keys()  # the same key would now make a second refund
    response = client.post(f"/staff/payments/donations/{paid.id}/retry", follow_redirects=True)
    assert "Stripe answered" in response.get_data(as_text=True)
    (listed,) = hooked.requests_to(*LIST)
    assert listed.params == {"payment_intent": paid.payment_intent_id, "limit": "100"}
    assert listed.status == 200
    assert len(hooked.refunds) == 1  # still one refund at Stripe
    (made,) = hooked.refunds.values()
    row = reload(row)
    assert (row.status, row.stripe_refund_id) == ("succeeded", made["id"])
    hooked.deliver_outbox()
    assert reload(paid).refunded_satang == 20_000 and verify() == []


def test_a_recent_retry_trusts_its_key_and_an_old_one_with_no_refund_asks(
    client, login_as, paid, hooked
):
    login_as("staff")
    page = client.get(f"/staff/payments/donations/{paid.id}").get_data(as_text=True)
    hooked.fail_next(500, times=3)  # nothing reaches Stripe
    client.post(
        f"/staff/payments/donations/{paid.id}", data={"amount": "", "nonce": nonce_of(page)}
    )
    row = db.session.scalar(sa.select(RefundRequest))
    age(row, 30)
    client.post(f"/staff/payments/donations/{paid.id}/retry")
    assert len(hooked.requests_to(*LIST)) == 1  # looked first, found none, then asked
    assert len(hooked.refunds) == 1
    assert reload(row).status == "succeeded"


def test_the_fake_lists_refunds_with_the_sdks_parameters(stripe_app, paid, hooked):
    intent = paid.payment_intent_id
    hooked.refund(payment_intent=intent, amount=10_000)
    hooked.refund(payment_intent=intent, amount=5_000)
    found = list_refunds(intent)
    assert [r.amount_satang for r in found] == [5_000, 10_000]  # newest first
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client().v1.refunds.list({"payment_intent": intent, "bogus": "1"})  # type: ignore[typeddict-unknown-key]
    assert refused.value.code == "parameter_unknown"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client().v1.refunds.list({"payment_intent": intent, "limit": 101})
    assert refused.value.param == "limit"
