"""Events: built once as the exact bytes Stripe would POST, signed per delivery attempt.

The signature is Stripe's ``v1`` scheme, which ``stripe.Webhook.construct_event`` verifies
(``WebhookSignature.verify_header`` in the SDK): the header
``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>``.
It is computed here with the standard library so the fake depends on nothing it tests.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .sdk_params import API_VERSION
from .shapes import shape
from .store import new_id

#: The API version of the webhook endpoint unless a test sets another: the pinned SDK's.
DEFAULT_API_VERSION = API_VERSION

#: Sends ``(body, headers)`` somewhere and returns the HTTP status (or a response with
#: ``status_code``, such as a Flask test client's).
Transport = Callable[[bytes, dict[str, str]], Any]


@dataclass(frozen=True)
class Event:
    """One Stripe event, frozen as the JSON body every delivery of it carries."""

    id: str
    type: str
    payload: bytes

    @property
    def data(self) -> dict[str, Any]:
        """The whole event as a dict (a fresh copy on every access)."""
        return json.loads(self.payload)

    @property
    def object(self) -> dict[str, Any]:
        """``data.object``: the session, charge, refund or dispute the event is about."""
        return self.data["data"]["object"]


@dataclass
class Delivery:
    """One POST of an event to the webhook target, and how the target answered."""

    event_id: str
    type: str
    signature: str | None
    status: int | None
    body: str = ""
    error: str | None = None


def build_event(
    type: str,  # noqa: A002 - Stripe's field name
    data_object: dict[str, Any],
    *,
    previous_attributes: dict[str, Any] | None = None,
    created: int | None = None,
    api_version: str = DEFAULT_API_VERSION,
    event_id: str | None = None,
) -> Event:
    """An event as Stripe serialises it: ``object: "event"``, ``data.object`` and metadata."""
    data: dict[str, Any] = {"object": data_object}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    event = shape(
        "event",
        id=event_id or new_id("evt_1"),
        api_version=api_version,
        created=int(time.time()) if created is None else created,
        data=data,
        livemode=False,
        pending_webhooks=1,
        request={"id": None, "idempotency_key": None},
        type=type,
    )
    # Stripe sends indented JSON; non-ASCII stays UTF-8 (a Thai name must survive signing).
    payload = json.dumps(event, indent=2, ensure_ascii=False).encode("utf-8")
    return Event(id=event["id"], type=type, payload=payload)


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header for ``payload`` (``timestamp`` defaults to now)."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    signed = str(timestamp).encode() + b"." + payload
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def post(
    event: Event,
    signature: str | None,
    *,
    url: str | None,
    transport: Transport | None,
) -> Delivery:
    """POST the event once, through ``transport`` if set, else over HTTP to ``url``."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    }
    if signature is not None:
        headers["Stripe-Signature"] = signature
    delivery = Delivery(event.id, event.type, signature, status=None)
    if transport is not None:
        answer = transport(event.payload, dict(headers))
        delivery.status = int(getattr(answer, "status_code", answer))
        if hasattr(answer, "get_data"):
            delivery.body = answer.get_data(as_text=True)
        return delivery
    if url is None:
        raise RuntimeError("set fake.webhook_url or fake.webhook_transport before sending events")
    request = urllib.request.Request(url, data=event.payload, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            delivery.status = response.status
            delivery.body = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        with error:
            delivery.status = error.code
            delivery.body = error.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        # Refused, reset, timed out, cut off mid-answer (a server killed while it replied):
        # no answer, which Stripe retries later.
        delivery.error = f"{type(error).__name__}: {error}"
    return delivery
