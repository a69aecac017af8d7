"""Our Stripe client, through the real SDK, against the fake Stripe server."""

from __future__ import annotations

import pytest
import stripe

from partnership.config import load_config
from partnership.payments.client import (
    MAX_NETWORK_RETRIES,
    STRIPE_API_VERSION,
    PaymentProviderDown,
    PaymentRequestRefused,
    PaymentsNotConfigured,
    expire_checkout_session,
    online_giving_enabled,
    refund,
    retrieve_checkout_session,
    retrieve_refund,
    stripe_client,
)
from tests.payments.helpers import SESSIONS, checkout


def test_a_session_is_created_with_exactly_the_required_parameters(payments_app, fake_stripe):
    session = checkout()

    [received] = fake_stripe.requests_to(*SESSIONS)
    assert received.params == {
        "mode": "payment",
        "currency": "thb",
        "allowed_payment_method_types": ["card", "promptpay"],
        "line_items": [
            {
                "quantity": "1",
                "price_data": {
                    "currency": "thb",
                    "unit_amount": "50000",
                    "product_data": {"name": "โน้ตบุ๊กเพื่อการศึกษา โรงเรียนบ้านหนองบัว"},
                },
            }
        ],
        "metadata": {"donation_id": "42"},
        "client_reference_id": "42",
        "payment_intent_data": {"metadata": {"donation_id": "42"}},
        "customer_email": "somchai@example.test",
        "success_url": "http://app.test/donations/42/thanks?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://app.test/campaigns/3",
        "locale": "th",
    }
    assert received.idempotency_key == "attempt-1"
    assert received.headers["Authorization"] == f"Bearer {fake_stripe.api_key}"
    assert received.headers["Stripe-Version"] == STRIPE_API_VERSION
    assert received.headers["Content-Type"] == "application/x-www-form-urlencoded"

    stored = fake_stripe.sessions[session.id]
    assert session.id.startswith("cs_test_")
    assert session.url == f"{fake_stripe.base_url}/pay/{session.id}"
    assert (stored["status"], stored["payment_status"], stored["amount_total"]) == (
        "open",
        "unpaid",
        50_000,
    )


def test_the_pinned_api_version_is_the_installed_sdks():
    """The client names its version; the SDK's types (and the fake) describe that version."""
    assert stripe.api_version == STRIPE_API_VERSION


def test_the_client_sends_the_pinned_version(payments_app, fake_stripe):
    assert stripe_client()._requestor._options.stripe_version == STRIPE_API_VERSION
    checkout()
    assert fake_stripe.requests[0].headers["Stripe-Version"] == STRIPE_API_VERSION


@pytest.mark.parametrize(
    ("amount_satang", "code"),
    [(999, "amount_too_small"), (1, "amount_too_small"), (100_000_000, "amount_too_large")],
)
def test_amounts_stripe_refuses(payments_app, fake_stripe, amount_satang, code):
    """Below ฿10, and ฿1,000,000 (nine digits: Stripe takes at most 99,999,999 satang)."""
    with pytest.raises(PaymentRequestRefused) as refused:
        checkout(amount_satang=amount_satang)
    assert refused.value.code == code
    assert fake_stripe.sessions == {}
    assert [r.status for r in fake_stripe.requests] == [400]  # a 400 is never retried


@pytest.mark.parametrize("amount_satang", [1_000, 99_999_999])
def test_the_limits_themselves_are_accepted(payments_app, fake_stripe, amount_satang):
    session = checkout(amount_satang=amount_satang)
    assert fake_stripe.sessions[session.id]["amount_total"] == amount_satang


def test_a_repeated_idempotency_key_replays_the_same_session(payments_app, fake_stripe):
    first = checkout("attempt-7")
    again = checkout("attempt-7")

    assert again == first
    assert len(fake_stripe.sessions) == 1
    assert [r.replayed for r in fake_stripe.requests_to(*SESSIONS)] == [False, True]
    assert checkout("attempt-8").id != first.id  # a new attempt is a new session


def test_the_same_key_with_other_parameters_is_refused(payments_app, fake_stripe):
    checkout("attempt-9", amount_satang=50_000)
    with pytest.raises(stripe.IdempotencyError):
        checkout("attempt-9", amount_satang=60_000)
    assert len(fake_stripe.sessions) == 1


def test_a_500_then_the_sdk_retry_creates_one_session(payments_app, fake_stripe):
    fake_stripe.fail_next(500)

    session = checkout("attempt-500")

    received = fake_stripe.requests_to(*SESSIONS)
    assert [(r.status, r.idempotency_key) for r in received] == [
        (500, "attempt-500"),
        (200, "attempt-500"),
    ]
    assert list(fake_stripe.sessions) == [session.id]


def test_a_timeout_then_the_sdk_retry_creates_one_session(payments_app, fake_stripe):
    """Stripe made the session but the answer was lost: the retry gets the same one back."""
    fake_stripe.timeout_next(seconds=3)

    session = checkout("attempt-timeout")

    received = fake_stripe.requests_to(*SESSIONS)
    assert [r.idempotency_key for r in received] == ["attempt-timeout"] * 2
    assert [(r.fault, r.replayed) for r in received] == [("timeout", False), (None, True)]
    assert list(fake_stripe.sessions) == [session.id]


@pytest.mark.parametrize(
    "break_stripe",
    [
        lambda fake: fake.fail_next(500, times=3),
        lambda fake: fake.fail_next(503, times=3),
        lambda fake: fake.timeout_next(times=3, seconds=2, after_processing=False),
        lambda fake: fake.fail_next(429, times=1),
    ],
    ids=["500", "503", "timeout", "rate-limited"],
)
def test_stripe_down_after_the_retries_is_provider_down(payments_app, fake_stripe, break_stripe):
    break_stripe(fake_stripe)

    with pytest.raises(PaymentProviderDown):
        checkout("attempt-down")

    assert fake_stripe.sessions == {}
    attempts = len(fake_stripe.requests)
    assert attempts == (1 if fake_stripe.requests[0].status == 429 else 1 + MAX_NETWORK_RETRIES)


def test_stripe_should_retry_false_is_honoured(payments_app, fake_stripe):
    fake_stripe.fail_next(500, should_retry=False)
    with pytest.raises(PaymentProviderDown):
        checkout()
    assert len(fake_stripe.requests) == 1


def test_retrieve_and_expire_a_session(payments_app, fake_stripe):
    session = checkout()
    assert retrieve_checkout_session(session.id)["status"] == "open"

    expired = expire_checkout_session(session.id, idempotency_key="expire-1")

    assert (expired["status"], expired["url"]) == ("expired", None)
    assert retrieve_checkout_session(session.id)["status"] == "expired"
    assert [e.type for e in fake_stripe.outbox] == ["checkout.session.expired"]
    with pytest.raises(PaymentRequestRefused):
        expire_checkout_session(session.id, idempotency_key="expire-2")
    with pytest.raises(PaymentRequestRefused) as missing:
        retrieve_checkout_session("cs_test_unknown")
    assert missing.value.code == "resource_missing"


def test_full_and_partial_refunds(payments_app, fake_stripe):
    session = checkout(amount_satang=100_000)
    fake_stripe.pay(session.id, send=False)
    payment_intent = fake_stripe.sessions[session.id]["payment_intent"]

    part = refund(payment_intent=payment_intent, amount_satang=30_000, idempotency_key="r-1")
    again = refund(payment_intent=payment_intent, amount_satang=30_000, idempotency_key="r-1")
    rest = refund(payment_intent=payment_intent, idempotency_key="r-2", donation_id=42)

    assert part == again
    assert (part.status, part.amount_satang, rest.amount_satang) == ("succeeded", 30_000, 70_000)
    assert len(fake_stripe.refunds) == 2
    assert fake_stripe.refunds[rest.id]["metadata"] == {"donation_id": "42"}
    assert retrieve_refund(rest.id) == rest
    with pytest.raises(PaymentRequestRefused) as refused:
        refund(payment_intent=payment_intent, amount_satang=1, idempotency_key="r-3")
    assert refused.value.code == "charge_already_refunded"
    assert [e.type for e in fake_stripe.outbox] == ["refund.created", "charge.refunded"] * 2


def test_a_refund_above_what_is_left_is_refused(payments_app, fake_stripe):
    session = checkout(amount_satang=100_000)
    fake_stripe.pay(session.id, send=False)
    payment_intent = fake_stripe.sessions[session.id]["payment_intent"]
    refund(payment_intent=payment_intent, amount_satang=60_000, idempotency_key="r-1")

    with pytest.raises(PaymentRequestRefused) as refused:
        refund(payment_intent=payment_intent, amount_satang=40_001, idempotency_key="r-2")

    assert (refused.value.code, refused.value.param) == ("amount_too_large", "amount")


def test_a_promptpay_refund_waits_for_the_donor(payments_app, fake_stripe):
    session = checkout()
    fake_stripe.pay(session.id, method="promptpay", send=False)
    payment_intent = fake_stripe.sessions[session.id]["payment_intent"]

    waiting = refund(payment_intent=payment_intent, idempotency_key="r-pp")
    assert waiting.status == "requires_action"

    fake_stripe.complete_refund(waiting.id, send=False)
    assert retrieve_refund(waiting.id).status == "succeeded"


def test_without_keys_online_giving_is_off(payments_app, monkeypatch):
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    defaults = load_config(payments_app.instance_path)
    assert (defaults["STRIPE_SECRET_KEY"], defaults["STRIPE_WEBHOOK_SECRET"]) == ("", "")

    assert online_giving_enabled()
    payments_app.config["STRIPE_WEBHOOK_SECRET"] = ""
    assert not online_giving_enabled()  # no way to confirm a payment
    payments_app.config.update(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="whsec_x")
    assert not online_giving_enabled()
    with pytest.raises(PaymentsNotConfigured):
        stripe_client()


def test_the_client_is_built_once_per_configuration(payments_app, fake_stripe):
    client = stripe_client()
    assert stripe_client() is client
    payments_app.config["STRIPE_SECRET_KEY"] = "sk_test_other"
    assert stripe_client() is not client


def test_a_wrong_key_is_not_hidden(payments_app, fake_stripe):
    """A bad key is a configuration error for the operator, not a "try again" for the donor."""
    payments_app.config["STRIPE_SECRET_KEY"] = "sk_test_wrong"
    with pytest.raises(stripe.AuthenticationError):
        checkout()


def test_production_refuses_a_plain_http_api_base(monkeypatch, tmp_path):
    from partnership.config import ConfigError

    monkeypatch.setenv("PARTNERSHIP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:12111")
    with pytest.raises(ConfigError):
        load_config(str(tmp_path))


def test_the_stripe_app_fixture_turns_online_giving_on(app, stripe_app, fake_stripe):
    assert online_giving_enabled()
    assert stripe_app.config["STRIPE_API_BASE"] == fake_stripe.base_url
