"""``FakeStripe``: the server's lifecycle, its state, and the control API tests drive it with."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from typing import Any

from .events import DEFAULT_API_VERSION, Delivery, Event, Transport, build_event, post, sign
from .server import Fault, ReceivedRequest, Server, StoredAnswer
from .store import Change, Store

#: ``send(..., signature=AUTO)``: sign with the fake's secret (the default).
AUTO = object()


class FakeStripe:
    """A fake Stripe on ``127.0.0.1``: the API the app calls, a hosted page, signed webhooks."""

    def __init__(
        self,
        *,
        api_key: str = "sk_test_fake_partnership_0000",
        webhook_secret: str = "whsec_fake_partnership_0000",
        host: str = "127.0.0.1",
        endpoint_api_version: str = DEFAULT_API_VERSION,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.host = host
        #: Where events go: a URL (HTTP POST) or a callable ``(body, headers) -> status``.
        self.webhook_url: str | None = None
        self.webhook_transport: Transport | None = None
        #: Every API request received, in order.
        self.requests: list[ReceivedRequest] = []
        #: Every webhook delivery attempt, in order.
        self.deliveries: list[Delivery] = []
        #: Events caused by API calls (an expiry, a refund), kept until ``deliver_outbox()``.
        self.outbox: list[Event] = []
        #: Tracebacks of exceptions inside the fake (the fixture fails the test on any).
        self.errors: list[str] = []
        #: The API version events carry: the webhook endpoint's, set when it was created in
        #: the Dashboard, whatever version the client's requests name (as at Stripe).
        self.endpoint_api_version = endpoint_api_version
        self.faults: deque[Fault] = deque()
        self.idempotency: dict[str, StoredAnswer] = {}
        self.stopping = threading.Event()
        self.store = Store(base_url="")
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        """Listen on a free port in a background thread."""
        self._server = Server((self.host, 0), self)
        self.store.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-stripe", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; a request stalled by ``timeout_next`` is released at once."""
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: the ``STRIPE_API_BASE`` that points the SDK here."""
        if self._server is None:
            raise RuntimeError("the fake Stripe server is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def config(self) -> dict[str, str]:
        """The app settings that point our Stripe client at this fake."""
        return {
            "STRIPE_SECRET_KEY": self.api_key,
            "STRIPE_WEBHOOK_SECRET": self.webhook_secret,
            "STRIPE_API_BASE": self.base_url,
        }

    # What the fake holds -------------------------------------------------------------------

    @property
    def sessions(self) -> dict[str, dict[str, Any]]:
        return self.store.sessions

    @property
    def refunds(self) -> dict[str, dict[str, Any]]:
        return self.store.refunds

    @property
    def charges(self) -> dict[str, dict[str, Any]]:
        return self.store.charges

    @property
    def payment_intents(self) -> dict[str, dict[str, Any]]:
        return self.store.payment_intents

    @property
    def latest_session(self) -> dict[str, Any]:
        """The Checkout Session created last (the one the app just sent the donor to)."""
        if not self.store.sessions:
            raise LookupError("no Checkout Session has been created")
        return list(self.store.sessions.values())[-1]

    def requests_to(self, method: str, path: str) -> list[ReceivedRequest]:
        """The requests received for one endpoint, e.g. ``("POST", "/v1/checkout/sessions")``."""
        return [r for r in self.requests if r.method == method and r.path == path]

    def asked(self, method: str, path: str) -> list[ReceivedRequest]:
        """One request per idempotency key: what Stripe was asked to do, however many times
        the SDK sent it (a loaded machine can pass the client's timeout and retry, as in
        production; Stripe answers the retry from the first). Requests without a key count
        each."""
        seen: set[str] = set()
        asked = []
        for request in self.requests_to(method, path):
            key = request.idempotency_key
            if key is None or key not in seen:
                asked.append(request)
            if key is not None:
                seen.add(key)
        return asked

    # Faults --------------------------------------------------------------------------------

    def fail_next(
        self, status: int = 500, *, times: int = 1, should_retry: bool | None = None
    ) -> None:
        """Answer the next ``times`` API calls with a ``status`` error before doing anything.

        Nothing is created and nothing is stored under the idempotency key (as at Stripe when
        a request fails before the endpoint runs), so the SDK's retry does the work once.
        ``should_retry`` sets Stripe's ``Stripe-Should-Retry`` header.
        """
        for _ in range(times):
            self.faults.append(Fault("error", status=status, should_retry=should_retry))

    def refuse_next(self, code: str = "account_invalid", message: str | None = None) -> None:
        """Refuse the next API call with a 400 ``invalid_request_error`` (Stripe answered
        and said no: an account not activated, a parameter of a version it no longer has)."""
        self.faults.append(
            Fault(
                "error",
                status=400,
                error_type="invalid_request_error",
                code=code,
                message=message or "The request was refused (injected by the fake).",
            )
        )

    def timeout_next(
        self, *, times: int = 1, seconds: float = 2.0, after_processing: bool = True
    ) -> None:
        """Stall the next ``times`` API calls for ``seconds`` (beyond the client's timeout).

        With ``after_processing`` (the default) the call is done and its answer stored under
        its idempotency key before the stall: the answer is lost on the way back, the case in
        which a retry must not create a second session. Otherwise nothing is done at all.
        """
        for _ in range(times):
            self.faults.append(Fault("timeout", seconds=seconds, after_processing=after_processing))

    # Events --------------------------------------------------------------------------------

    def build_event(
        self,
        type: str,  # noqa: A002 - Stripe's field name
        data_object: dict[str, Any],
        *,
        previous_attributes: dict[str, Any] | None = None,
        created: int | None = None,
        event_id: str | None = None,
    ) -> Event:
        """An event of any type around any object (for orders or events Stripe never sends)."""
        return build_event(
            type,
            data_object,
            previous_attributes=previous_attributes,
            created=created,
            api_version=self.endpoint_api_version,
            event_id=event_id,
        )

    def events_for(self, changes: list[Change]) -> list[Event]:
        return [
            self.build_event(c.type, c.object, previous_attributes=c.previous_attributes)
            for c in changes
        ]

    def sign(
        self, payload: bytes, *, timestamp: int | None = None, secret: str | None = None
    ) -> str:
        """The ``Stripe-Signature`` header for ``payload`` (a stale ``timestamp``, a wrong
        ``secret`` for the refusal tests)."""
        return sign(payload, secret or self.webhook_secret, timestamp)

    def send(
        self,
        event: Event,
        *,
        duplicate: bool = False,
        timestamp: int | None = None,
        secret: str | None = None,
        signature: Any = AUTO,
    ) -> list[Delivery]:
        """POST ``event`` to the webhook target (twice with ``duplicate``), freshly signed each
        time as Stripe signs every attempt; ``signature=None`` sends no header at all, a string
        sends that header verbatim."""
        deliveries = []
        for _ in range(2 if duplicate else 1):
            header = (
                self.sign(event.payload, timestamp=timestamp, secret=secret)
                if signature is AUTO
                else signature
            )
            delivery = post(event, header, url=self.webhook_url, transport=self.webhook_transport)
            with self.store.lock:
                self.deliveries.append(delivery)
            deliveries.append(delivery)
        return deliveries

    def send_all(self, events: Iterable[Event]) -> list[Delivery]:
        """Send events in the given order (reverse, shuffle or repeat them first)."""
        return [d for event in events for d in self.send(event)]

    def deliver_outbox(self) -> list[Delivery]:
        """Send the events that API calls caused (expiries, refunds), then empty the outbox."""
        with self.store.lock:
            events, self.outbox = self.outbox, []
        return self.send_all(events)

    def _moved(self, changes: list[Change], send: bool) -> list[Event]:
        events = self.events_for(changes)
        if send:
            self.send_all(events)
        return events

    # What happens at Stripe (each returns its events; ``send=False`` keeps them unsent) ------

    def pay(
        self,
        session_id: str,
        method: str = "card",
        outcome: str = "succeeded",
        *,
        send: bool = True,
    ) -> list[Event]:
        """The donor pays the session on the hosted page.

        ``card``: ``checkout.session.completed`` with ``payment_status: "paid"``.
        ``promptpay``: ``checkout.session.completed`` with ``payment_status: "unpaid"``, then
        ``checkout.session.async_payment_succeeded`` (``outcome="succeeded"``) or
        ``..._failed`` (``"failed"``); ``"pending"`` stops after the first, for ``settle()``.
        """
        with self.store.lock:
            changes = self.store.pay(session_id, method, outcome)
        return self._moved(changes, send)

    def settle(self, session_id: str, outcome: str = "succeeded", *, send: bool = True):
        """The bank answers a pending PromptPay payment: ``async_payment_succeeded``/``_failed``."""
        with self.store.lock:
            changes = self.store.settle(session_id, outcome)
        return self._moved(changes, send)

    def expire(self, session_id: str, *, send: bool = True) -> list[Event]:
        """The open session expires (24 hours at Stripe): ``checkout.session.expired``."""
        with self.store.lock:
            changes = self.store.expire(session_id)
        return self._moved(changes, send)

    def advance_clock(self, seconds: int, *, send: bool = True) -> list[Event]:
        """Time passes at Stripe: open sessions whose ``expires_at`` comes expire
        (``checkout.session.expired``) and can no longer be paid."""
        with self.store.lock:
            self.store.clock_offset += seconds
            changes = self.store.expire_due()
        return self._moved(changes, send)

    def refund(
        self,
        session_id: str | None = None,
        *,
        payment_intent: str | None = None,
        charge: str | None = None,
        amount: int | None = None,
        reason: str | None = None,
        pending: bool = False,
        send: bool = True,
    ) -> list[Event]:
        """Refund (part of) a paid session's charge, as from the Dashboard.

        Events: ``refund.created`` then ``charge.refunded`` (the charge's cumulative
        ``amount_refunded``). A card refund is ``succeeded`` at once (``pending=True`` keeps
        it ``pending``); a PromptPay refund is ``requires_action`` until the donor gives their
        bank details: ``complete_refund()`` then sends ``refund.updated``. The refund is
        ``events[0].object``.
        """
        with self.store.lock:
            target = self.store.charge_of(
                session_id=session_id, payment_intent=payment_intent, charge=charge
            )
            params: dict[str, Any] = {"charge": target["id"]}
            if amount is not None:
                params["amount"] = str(amount)
            if reason is not None:
                params["reason"] = reason
            _, changes = self.store.create_refund(params, pending=pending)
        return self._moved(changes, send)

    def complete_refund(
        self, refund_id: str, outcome: str = "succeeded", *, send: bool = True
    ) -> list[Event]:
        """A waiting refund ends (``succeeded`` or ``failed``): ``refund.updated``."""
        with self.store.lock:
            changes = self.store.complete_refund(refund_id, outcome)
        return self._moved(changes, send)

    def dispute(
        self,
        session_id: str | None = None,
        *,
        payment_intent: str | None = None,
        charge: str | None = None,
        amount: int | None = None,
        reason: str = "fraudulent",
        inquiry: bool = False,
        send: bool = True,
    ) -> list[Event]:
        """The donor's bank disputes the charge: ``charge.dispute.created`` and (a chargeback,
        not an ``inquiry``) ``charge.dispute.funds_withdrawn``. The dispute is
        ``events[0].object``."""
        with self.store.lock:
            target = self.store.charge_of(
                session_id=session_id, payment_intent=payment_intent, charge=charge
            )
            changes = self.store.dispute(target, amount, reason, inquiry=inquiry)
        return self._moved(changes, send)

    def close_dispute(self, dispute_id: str, outcome: str, *, send: bool = True) -> list[Event]:
        """The dispute ends ``won`` (``funds_reinstated`` then ``closed``), ``lost`` or, an
        inquiry, ``warning_closed`` (``charge.dispute.closed``)."""
        from .disputes import close_dispute

        with self.store.lock:
            changes = close_dispute(self.store, dispute_id, outcome)
        return self._moved(changes, send)

    def fail_refund(
        self, refund_id: str, failure_reason: str = "lost_or_stolen_card", *, send: bool = True
    ) -> list[Event]:
        """A refund fails at the bank, even after it succeeded: ``refund.updated`` (status
        ``failed``, ``failure_reason``) and ``refund.failed``; the charge gets it back."""
        from .disputes import fail_refund

        with self.store.lock:
            changes = fail_refund(self.store, refund_id, failure_reason)
        return self._moved(changes, send)

    def cancel_refund(self, refund_id: str, *, send: bool = True) -> list[Event]:
        """A waiting (PromptPay) refund is canceled: ``refund.updated`` with ``canceled``."""
        from .disputes import cancel_refund

        with self.store.lock:
            changes = cancel_refund(self.store, refund_id)
        return self._moved(changes, send)

    def forget_idempotency_keys(self) -> None:
        """24 hours have passed: Stripe no longer knows any key (a repeat makes a new object)."""
        with self.store.lock:
            self.idempotency.clear()
