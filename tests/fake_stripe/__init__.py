"""A fake Stripe HTTP server for the tests: standard library only, on 127.0.0.1.

The official ``stripe`` SDK is pointed at it (``STRIPE_API_BASE`` -> ``base_addresses``) and
talks to it as to Stripe: form-encoded bodies (``line_items[0][price_data][unit_amount]=…``,
``allowed_payment_method_types[0]=card``, ``metadata[donation_id]=…``), ``Authorization:
Bearer``, an ``Idempotency-Key`` on every POST, ``Stripe-Version``; answers are JSON objects
with ``object`` and ``id``, errors the ``{"error": {"type", "message", "code", "param"}}``
envelope from which the SDK picks its exception class.

Checked against the vendor
    Every parameter is checked against the pinned SDK's generated request types
    (``stripe.params``, :mod:`.sdk_params`): a parameter the API version does not know is
    refused (``parameter_unknown``), an enum value it does not list too, a missing required one
    is ``parameter_missing``. Only that version is spoken (another ``Stripe-Version`` is
    refused). Objects start from Stripe's example objects (``vendor/fixtures3.json``,
    :mod:`.shapes`) with the emulated fields written over, so every field Stripe sends is there.
    Events carry ``endpoint_api_version`` (the webhook endpoint's version; by default the
    pinned one), whatever version the requests name.

What it emulates
    * ``POST /v1/checkout/sessions`` (payment mode, THB, card and PromptPay, ``price_data``
      line items): required parameters, totals below ฿10 refused
      (``amount_too_small``) and above the eight-digit maximum ฿999,999.99
      (``amount_too_large``), ``expires_at`` outside 30 minutes to 24 hours from now refused;
      a session past its ``expires_at`` cannot be paid (``advance_clock`` moves Stripe's
      clock and expires them); ``GET /v1/checkout/sessions/<id>``;
      ``POST /v1/checkout/sessions/<id>/expire``; ``POST /v1/refunds`` (by ``payment_intent``
      or ``charge``, full or partial, never above what is left); ``GET /v1/refunds/<id>``.
    * Idempotency: a repeated ``Idempotency-Key`` replays the stored answer (same status and
      body, header ``Idempotent-Replayed: true``); the same key with other parameters gets
      Stripe's 400 ``idempotency_error``. As at Stripe, only requests that ran are stored:
      a validation error or an injected failure is not, so a retry runs afresh.
    * Faults: ``fail_next()`` (a 5xx before anything is done, optionally with
      ``Stripe-Should-Retry``), ``refuse_next()`` (a 400 ``invalid_request_error``) and
      ``timeout_next()`` (the work is done, then the answer stalls past the client's
      timeout), to prove that the SDK's retries create one session.
    * A hosted payment page, ``GET /pay/<session id>`` (the session's ``url``): its buttons
      pay by card or PromptPay, send the signed webhooks, then redirect (303) to the
      ``success_url`` with ``{CHECKOUT_SESSION_ID}`` replaced, as Checkout does.
    * Events signed with Stripe's ``v1`` scheme, sent over HTTP to ``webhook_url`` or through
      ``webhook_transport`` (e.g. a Flask test client); built once, so a duplicate is the same
      bytes; or returned unsent (``send=False``) for tests to reorder, repeat or delay.
      ``pay``, ``settle``, ``expire``, ``refund``, ``complete_refund`` and ``dispute`` play
      what Stripe does; ``build_event`` makes any other event.

What it does not emulate
    Parameters the API knows but the fake does not play (``fake_not_emulated``), dynamic
    payment methods (send ``allowed_payment_method_types``),
    prices, products, customers, other currencies or modes, ``expand``, list endpoints,
    PaymentIntent endpoints, Connect, rate limits, concurrent-request ``409``s on one key,
    livemode, automatic webhook retries, and the events nobody here listens to (such as
    ``payment_intent.succeeded``). A request for any of these gets a loud 4xx rather than a
    pretend answer. Events caused by API calls wait in ``outbox`` until ``deliver_outbox()``,
    so a test decides when they arrive.

Example::

    def test_donor_pays(stripe_app, fake_stripe, client):
        fake_stripe.webhook_transport = lambda body, headers: client.post(
            "/webhooks/stripe", data=body, headers=headers
        )
        session_id, url = create_checkout_session(donation_id=7, amount_satang=50_000, ...)
        events = fake_stripe.pay(session_id, method="promptpay", send=False)
        fake_stripe.send_all(reversed(events))  # the bank's answer arrives first
        fake_stripe.send(events[0], duplicate=True)
        assert [d.status for d in fake_stripe.deliveries] == [200, 200, 200, 200]
"""

from .errors import ApiError
from .events import Delivery, Event
from .fake import AUTO, FakeStripe
from .server import ReceivedRequest

__all__ = ["AUTO", "ApiError", "Delivery", "Event", "FakeStripe", "ReceivedRequest"]
