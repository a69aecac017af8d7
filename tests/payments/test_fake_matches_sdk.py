"""The fake Stripe cannot drift from Stripe: it accepts what the pinned SDK's generated request
types accept, answers objects with every field of Stripe's own examples, and its events carry
the webhook endpoint's API version."""

from __future__ import annotations

import inspect
import json
import urllib.error
import urllib.request

import pytest
import stripe
import stripe.params.checkout._session_create_params as session_create_module
from stripe.params import RefundCreateParams
from stripe.params.checkout import SessionCreateParams

from partnership.payments.client import (
    STRIPE_API_VERSION,
    PaymentRequestRefused,
    _provider_errors,
    refund,
    stripe_client,
)
from tests.fake_stripe import sdk_params, validation
from tests.fake_stripe.shapes import example
from tests.payments.helpers import checkout


def test_payment_method_types_is_gone_from_the_pinned_sessions_parameters():
    """What the SDK file says: ``allowed_payment_method_types``, no ``payment_method_types``."""
    source = inspect.getsource(session_create_module)
    klass = source[source.index("class SessionCreateParams(") :]
    klass = klass[: klass.index("\nclass ")]
    assert "\n    allowed_payment_method_types: NotRequired[" in klass
    assert "\n    payment_method_types:" not in klass
    names = sdk_params.fields(SessionCreateParams)
    assert "allowed_payment_method_types" in names and "payment_method_types" not in names
    assert "expires_at" in names  # the sessions' end (issue 15, item 8)


def test_what_the_fake_emulates_is_what_the_sdk_knows():
    """Every parameter the fake emulates exists in the pinned version's types."""
    assert set(sdk_params.fields(SessionCreateParams)) >= validation.EMULATED_SESSION
    assert set(sdk_params.fields(RefundCreateParams)) >= validation.EMULATED_REFUND
    assert sdk_params.API_VERSION == stripe.api_version == STRIPE_API_VERSION


def test_a_parameter_the_pinned_version_does_not_know_is_refused(payments_app, fake_stripe):
    """Through the SDK, as the client sent it before: Stripe's 400 ``parameter_unknown``."""
    params = {
        "mode": "payment",
        "payment_method_types": ["card", "promptpay"],
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "thb",
                    "unit_amount": 50_000,
                    "product_data": {"name": "x"},
                },
            }
        ],
        "success_url": "http://app.test/thanks",
    }
    with pytest.raises(PaymentRequestRefused) as refused, _provider_errors():
        stripe_client().v1.checkout.sessions.create(params)
    assert (refused.value.code, refused.value.param) == (
        "parameter_unknown",
        "payment_method_types",
    )
    assert fake_stripe.sessions == {}


def raw(fake, method: str, path: str, body: str = "", headers: dict | None = None):
    headers = {"Authorization": f"Bearer {fake.api_key}", **(headers or {})}
    url = fake.base_url + path + (f"?{body}" if method == "GET" and body else "")
    data = body.encode() if method == "POST" else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ("payment_intent=pi_1&reason=because", "parameter_invalid_string", "reason"),
        ("payment_intent=pi_1&amount=ten", "parameter_invalid_integer", "amount"),
        ("payment_intent=pi_1&colour=red", "parameter_unknown", "colour"),
        ("payment_intent=pi_1&api_key=sk_test_x", "parameter_unknown", "api_key"),
        ("payment_intent=pi_1&instructions_email=a@b.test", "fake_not_emulated", None),
    ],
)
def test_refund_parameters_follow_the_sdk_types(payments_app, fake_stripe, body, code, param):
    status, answer = raw(fake_stripe, "POST", "/v1/refunds", body)
    assert status == 400
    assert answer["error"].get("code") == code
    if param:
        assert answer["error"]["param"] == param


def test_retrieve_and_expire_take_only_their_parameters(payments_app, fake_stripe):
    session = checkout()
    status, answer = raw(fake_stripe, "GET", f"/v1/checkout/sessions/{session.id}", "colour=red")
    assert (status, answer["error"]["code"]) == (400, "parameter_unknown")
    status, answer = raw(
        fake_stripe, "POST", f"/v1/checkout/sessions/{session.id}/expire", "colour=red"
    )
    assert (status, answer["error"]["code"]) == (400, "parameter_unknown")
    assert raw(fake_stripe, "GET", f"/v1/checkout/sessions/{session.id}")[0] == 200


def test_expires_at_is_accepted(payments_app, fake_stripe):
    import time

    expires_at = int(time.time()) + 3600
    stripe_client().v1.checkout.sessions.create(
        {
            "mode": "payment",
            "allowed_payment_method_types": ["card"],
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "thb",
                        "unit_amount": 2_000,
                        "product_data": {"name": "x"},
                    },
                }
            ],
            "success_url": "http://app.test/thanks",
            "expires_at": expires_at,
        }
    )
    assert fake_stripe.latest_session["expires_at"] == expires_at


def test_only_the_pinned_api_version_is_spoken(payments_app, fake_stripe):
    status, answer = raw(
        fake_stripe,
        "GET",
        "/v1/refunds/re_1",
        headers={"Stripe-Version": "2025-03-31.basil"},
    )
    assert (status, answer["error"]["code"]) == (400, "fake_not_emulated")


#: Fields whose contents depend on the object's kind or state (a card's details are not a
#: PromptPay's; metadata is ours), compared by presence only.
POLYMORPHIC = {
    "metadata",
    "payment_method_details",
    "payment_method_options",
    "destination_details",
    "data",
    "next_action",
    "source",
}


def missing_fields(example_obj: dict, answered: dict, path: str = "") -> list[str]:
    """Every field of Stripe's example (recursively, in the nested objects the fake keeps)
    that the answered object lacks."""
    missing = []
    for name, value in example_obj.items():
        where = f"{path}.{name}" if path else name
        if name not in answered:
            missing.append(where)
        elif (
            isinstance(value, dict) and isinstance(answered[name], dict) and name not in POLYMORPHIC
        ):
            missing += missing_fields(value, answered[name], where)
    return missing


@pytest.mark.parametrize("method", ["card", "promptpay"])
def test_every_field_of_stripes_examples_is_in_what_the_fake_answers(
    payments_app, fake_stripe, method
):
    session = checkout(amount_satang=100_000)
    status, created = raw(fake_stripe, "GET", f"/v1/checkout/sessions/{session.id}")
    assert status == 200
    events = fake_stripe.pay(session.id, method=method, send=False)
    paid = events[-1].object
    intent = fake_stripe.payment_intents[paid["payment_intent"]]
    answered_refund = refund(
        payment_intent=intent["id"], idempotency_key="r-1", amount_satang=10_000
    )
    refund_created, charge_refunded = fake_stripe.outbox  # caused by the API call
    disputed = fake_stripe.dispute(session.id, send=False)[0]  # charge.dispute.created
    status, refund_body = raw(fake_stripe, "GET", f"/v1/refunds/{answered_refund.id}")
    assert status == 200
    answers = {
        "checkout.session": [created, paid],
        "payment_intent": [intent],
        "charge": [charge_refunded.object],
        "refund": [refund_body, refund_created.object],
        "dispute": [disputed.object],
        "event": [
            json.loads(e.payload) for e in [*events, refund_created, charge_refunded, disputed]
        ],
    }
    for kind, objects in answers.items():
        for obj in objects:
            assert obj["object"] == kind
            assert missing_fields(example(kind), obj) == [], kind


def test_events_carry_the_endpoints_version_not_the_requests(payments_app, fake_stripe):
    assert fake_stripe.endpoint_api_version == stripe.api_version
    session = checkout()
    [default] = fake_stripe.pay(session.id, send=False)
    assert default.data["api_version"] == STRIPE_API_VERSION
    fake_stripe.endpoint_api_version = "2025-03-31.basil"
    other = checkout("attempt-2")
    [event] = fake_stripe.pay(other.id, send=False)
    assert fake_stripe.requests[-1].headers["Stripe-Version"] == STRIPE_API_VERSION
    assert event.data["api_version"] == "2025-03-31.basil"
