"""``verify_webhook``: the fake's signed events pass, anything else is ``BadSignature``."""

from __future__ import annotations

import time

import pytest
import stripe

from partnership.payments.client import BadSignature, verify_webhook
from tests.payments.helpers import checkout


@pytest.fixture()
def event(payments_app, fake_stripe):
    """A real ``checkout.session.completed`` of a paid session, with a Thai product name."""
    session = checkout()
    [completed] = fake_stripe.pay(session.id, send=False)
    return completed


def test_a_signed_event_is_accepted(event, fake_stripe):
    verified = verify_webhook(event.payload, fake_stripe.sign(event.payload))

    assert verified == event.data
    assert verified["type"] == "checkout.session.completed"
    assert verified["data"]["object"]["metadata"] == {"donation_id": "42"}


def test_a_signature_within_the_tolerance_is_accepted(event, fake_stripe):
    header = fake_stripe.sign(event.payload, timestamp=int(time.time()) - 290)
    assert verify_webhook(event.payload, header)["id"] == event.id


@pytest.mark.parametrize(
    "make_header",
    [
        pytest.param(lambda fake, body: None, id="missing"),
        pytest.param(lambda fake, body: "", id="empty"),
        pytest.param(lambda fake, body: "garbage", id="unparsable"),
        pytest.param(lambda fake, body: fake.sign(body + b" "), id="other-body"),
        pytest.param(lambda fake, body: fake.sign(body, secret="whsec_wrong"), id="wrong-secret"),
        pytest.param(
            lambda fake, body: fake.sign(body, timestamp=int(time.time()) - 301), id="stale"
        ),
        pytest.param(lambda fake, body: fake.sign(body).replace("v1=", "v0="), id="other-scheme"),
    ],
)
def test_bad_signatures_are_refused(event, fake_stripe, make_header):
    with pytest.raises(BadSignature):
        verify_webhook(event.payload, make_header(fake_stripe, event.payload))


def test_a_tampered_body_is_refused(event, fake_stripe):
    header = fake_stripe.sign(event.payload)
    tampered = event.payload.replace(b'"donation_id": "42"', b'"donation_id": "43"')
    assert tampered != event.payload
    with pytest.raises(BadSignature):
        verify_webhook(tampered, header)


@pytest.mark.parametrize("body", [b"not json", b"[]", b"\xff\xfe"])
def test_a_signed_body_that_is_no_event_is_refused(payments_app, fake_stripe, body):
    with pytest.raises(BadSignature):
        verify_webhook(body, fake_stripe.sign(body))


def test_no_webhook_secret_refuses_everything(event, fake_stripe, payments_app):
    payments_app.config["STRIPE_WEBHOOK_SECRET"] = ""
    with pytest.raises(BadSignature):
        verify_webhook(event.payload, fake_stripe.sign(event.payload))


def test_the_fake_signs_as_the_sdk_does(event, fake_stripe):
    """The fake's header is the one the SDK's own test helper computes."""
    now = int(time.time())
    expected = stripe.WebhookSignature.generate_signature_header(
        event.payload.decode("utf-8"), fake_stripe.webhook_secret, timestamp=now
    )
    assert fake_stripe.sign(event.payload, timestamp=now) == expected
