"""The Stripe boundary: one ``StripeClient`` built from config, and the few calls the app makes.

Callers never see a ``stripe`` exception for a failure they can act on: Stripe unreachable,
failing or throttling is :class:`PaymentProviderDown` (show "try again"; nothing was charged),
a request Stripe refuses is :class:`PaymentRequestRefused`, and a webhook that is not a
genuine, recent Stripe event is :class:`BadSignature`. Everything sent to Stripe about a
donor beyond their e-mail (for the receipt) is our donation id: never a name or a message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import stripe
from flask import current_app

#: The Stripe API version every request is made with and every webhook must carry: the
#: version of the pinned SDK (``stripe.api_version``; a test keeps them equal). The webhook
#: endpoint in the Stripe Dashboard must be created with this version (docs/operations.md).
STRIPE_API_VERSION = "2026-10-28.endive"
#: The payment methods a donor may choose on Checkout (this API version's
#: ``allowed_payment_method_types``; ``payment_method_types`` was removed in 2026-09-30).
PAYMENT_METHODS = ("card", "promptpay")
#: Retries of the SDK, with the same idempotency key, after a timeout, a connection error,
#: a 409 or a 5xx (with exponential backoff from 0.5 s).
MAX_NETWORK_RETRIES = 2
#: Stripe's default tolerance for the age of a webhook signature.
WEBHOOK_TOLERANCE_SECONDS = 300
#: Stripe's minimum charge in THB (฿10) and the eight-digit maximum of any amount.
MIN_CHARGE_SATANG = 1_000
MAX_CHARGE_SATANG = 99_999_999

# The SDK otherwise writes a telemetry id to ~/.config/stripe on first use and sends it in the
# user agent: a web server has no business writing to its home folder, nor reporting usage.
stripe.enable_telemetry = False


class PaymentsError(Exception):
    """Base of the errors this module raises."""


class PaymentsNotConfigured(PaymentsError):
    """``STRIPE_SECRET_KEY`` is not set: online giving is off."""


class PaymentProviderDown(PaymentsError):
    """Stripe did not answer, failed (5xx) or throttled us, after the SDK's retries.

    Nothing was charged: the caller marks the attempt failed and asks the donor to try again.
    """


class PaymentRequestRefused(PaymentsError):
    """Stripe refused the request itself (HTTP 400/404): ``code`` and ``param`` say why."""

    def __init__(self, message: str, *, code: str | None, param: str | None) -> None:
        super().__init__(message)
        self.code = code
        self.param = param


class BadSignature(PaymentsError):
    """A webhook body that is not a genuine, recent Stripe event: answer 400, change nothing."""


class CheckoutSession(NamedTuple):
    id: str
    #: The hosted payment page to redirect the donor to.
    url: str


class Refund(NamedTuple):
    id: str
    #: ``succeeded``, ``pending``, ``requires_action`` (PromptPay: waiting for the donor's
    #: bank details), ``failed`` or ``canceled``.
    status: str
    amount_satang: int
    #: Our ``refund_requests`` id, from the refund's metadata ("" for one made elsewhere).
    request_id: str = ""


def _refund_of(found: Any) -> Refund:
    metadata = found.to_dict().get("metadata") or {}
    return Refund(found.id, found.status, found.amount, str(metadata.get("refund_request_id", "")))


def online_giving_enabled() -> bool:
    """True when both keys are set: without a webhook secret no payment could be confirmed."""
    config = current_app.config
    return bool(config.get("STRIPE_SECRET_KEY")) and bool(config.get("STRIPE_WEBHOOK_SECRET"))


def live_mode() -> bool:
    """True when the secret key is a live one: only live-mode events can pay then."""
    key = current_app.config.get("STRIPE_SECRET_KEY") or ""
    return key.startswith(("sk_live_", "rk_live_"))


def stripe_client() -> stripe.StripeClient:
    """The app's ``StripeClient``, built once per configuration and kept on the app."""
    config = current_app.config
    secret_key = config.get("STRIPE_SECRET_KEY")
    if not secret_key:
        raise PaymentsNotConfigured("STRIPE_SECRET_KEY is not set")
    settings = (secret_key, config.get("STRIPE_API_BASE") or None, config["STRIPE_TIMEOUT"])
    cached = current_app.extensions.get("stripe_client")
    if cached is not None and cached[0] == settings:
        return cached[1]
    secret_key, api_base, timeout = settings
    client = stripe.StripeClient(
        secret_key,
        # Unset in production: the SDK's https://api.stripe.com.
        base_addresses={"api": api_base} if api_base else None,
        stripe_version=STRIPE_API_VERSION,
        max_network_retries=MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=timeout),
    )
    current_app.extensions["stripe_client"] = (settings, client)
    return client


@contextmanager
def _provider_errors() -> Iterator[None]:
    """Translate the SDK's errors into ours (after its own retries are spent)."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        raise PaymentProviderDown(str(error)) from error
    except stripe.APIError as error:
        if error.http_status is None or error.http_status >= 500:
            raise PaymentProviderDown(str(error)) from error
        raise
    except stripe.InvalidRequestError as error:
        raise PaymentRequestRefused(
            error.user_message or str(error), code=error.code, param=error.param
        ) from error


def create_checkout_session(
    *,
    donation_id: int,
    amount_satang: int,
    campaign_name: str,
    email: str,
    success_url: str,
    cancel_url: str,
    idempotency_key: str,
    locale: str = "th",
    expires_at: int | None = None,
) -> CheckoutSession:
    """Create the Checkout Session of one donation attempt (card or PromptPay, in THB).

    ``idempotency_key`` is one per attempt: the SDK's retries reuse it, so a lost answer
    never makes a second session. ``success_url`` may contain ``{CHECKOUT_SESSION_ID}``.
    ``expires_at`` (Unix seconds, 30 minutes to 24 hours from now at Stripe) ends the
    session early; None keeps Stripe's 24 hours.
    """
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int):
        raise TypeError(f"amount_satang must be an int: {amount_satang!r}")
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    ours = {"donation_id": str(donation_id)}
    params: dict[str, Any] = {
        "mode": "payment",
        "currency": "thb",
        "allowed_payment_method_types": list(PAYMENT_METHODS),
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "thb",
                    "unit_amount": amount_satang,
                    "product_data": {"name": campaign_name},
                },
            }
        ],
        "metadata": ours,
        "client_reference_id": str(donation_id),
        # Copied to the PaymentIntent and its charge, so that refund and dispute events
        # (which carry the charge, not the session) name the donation too.
        "payment_intent_data": {"metadata": ours},
        "customer_email": email,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": locale,
    }
    if expires_at is not None:
        params["expires_at"] = expires_at
    with _provider_errors():
        session = stripe_client().v1.checkout.sessions.create(
            params, {"idempotency_key": idempotency_key}
        )
    return CheckoutSession(session.id, session.url)


def retrieve_checkout_session(session_id: str) -> dict[str, Any]:
    """The session as Stripe holds it now (``status``, ``payment_status``, ...)."""
    with _provider_errors():
        session = stripe_client().v1.checkout.sessions.retrieve(session_id)
    return session.to_dict()


def expire_checkout_session(session_id: str, *, idempotency_key: str) -> dict[str, Any]:
    """Close an open session so that it can no longer be paid (Stripe sends ``expired``)."""
    with _provider_errors():
        session = stripe_client().v1.checkout.sessions.expire(
            session_id, options={"idempotency_key": idempotency_key}
        )
    return session.to_dict()


def refund(
    *,
    payment_intent: str,
    idempotency_key: str,
    amount_satang: int | None = None,
    donation_id: int | None = None,
    request_id: int | None = None,
    reason: str | None = None,
) -> Refund:
    """Refund a payment in full (``amount_satang=None``) or in part.

    A card refund is usually ``succeeded`` at once; a PromptPay refund is ``requires_action``
    until the donor gives their bank details, and ``refund.updated`` reports the end.
    """
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    params: dict[str, Any] = {"payment_intent": payment_intent}
    if amount_satang is not None:
        params["amount"] = amount_satang
    metadata = {}
    if donation_id is not None:
        metadata["donation_id"] = str(donation_id)
    if request_id is not None:  # links the refund's webhooks to the request
        metadata["refund_request_id"] = str(request_id)
    if metadata:
        params["metadata"] = metadata
    if reason is not None:
        params["reason"] = reason
    with _provider_errors():
        created = stripe_client().v1.refunds.create(params, {"idempotency_key": idempotency_key})
    return _refund_of(created)


def retrieve_refund(refund_id: str) -> Refund:
    """A refund as Stripe holds it now (a PromptPay refund moves on when the donor answers)."""
    with _provider_errors():
        found = stripe_client().v1.refunds.retrieve(refund_id)
    return _refund_of(found)


def list_refunds(payment_intent: str) -> list[Refund]:
    """The PaymentIntent's refunds, newest first (before a key Stripe may have forgotten is
    used again: a key lives 24 hours, then the same request makes a second refund)."""
    with _provider_errors():
        page = stripe_client().v1.refunds.list({"payment_intent": payment_intent, "limit": 100})
    return [_refund_of(found) for found in page.data]


def verify_webhook(raw_body: bytes, signature_header: str | None) -> dict[str, Any]:
    """The event in a webhook request, once its ``Stripe-Signature`` proves it genuine.

    ``raw_body`` must be the request body exactly as received (``request.get_data()``).
    Raises :class:`BadSignature` for a bad, missing or stale (> 300 s) signature, a wrong
    secret or a body that is not an event.
    """
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise BadSignature("STRIPE_WEBHOOK_SECRET is not set")
    if not signature_header:
        raise BadSignature("no Stripe-Signature header")
    try:
        event = stripe.Webhook.construct_event(
            raw_body, signature_header, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
        )
    except stripe.SignatureVerificationError as error:
        raise BadSignature(str(error)) from error
    except (ValueError, AttributeError) as error:  # not UTF-8, not JSON, not an event object
        raise BadSignature(f"the body is not a Stripe event: {error}") from error
    return event.to_dict()
