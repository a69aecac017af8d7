"""The fake's objects (sessions, payment intents, charges, refunds, disputes) and their moves.

Every move returns the :class:`Change` list of the events Stripe would send for it, each with
a snapshot of the object at that moment. The caller holds ``Store.lock``.
"""

from __future__ import annotations

import copy
import secrets
import string
import threading
import time
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, no_such
from .shapes import example, shape
from .validation import baht, check_refund, check_session

_ALPHABET = string.ascii_letters + string.digits
#: How long a Checkout Session may live: ``expires_at`` from 30 minutes to 24 hours after its
#: creation (the SDK's ``SessionCreateParams.expires_at``), 24 hours by default.
SESSION_MIN_SECONDS = 30 * 60
SESSION_MAX_SECONDS = 24 * 3600


def new_id(prefix: str, length: int = 24) -> str:
    """An id shaped like Stripe's: ``cs_test_a1B2…``, ``pi_3Q…``, ``evt_1Q…``."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass
class Change:
    """One event to send: its type, the object it carries and what changed."""

    type: str
    object: dict[str, Any]
    previous_attributes: dict[str, Any] | None = None


def _snapshot(obj: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(obj)


class Store:
    """All objects the fake knows, by id."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.lock = threading.RLock()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.line_items: dict[str, list[dict[str, Any]]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.disputes: dict[str, dict[str, Any]] = {}
        self._intent_metadata: dict[str, dict[str, str]] = {}
        #: Seconds added to the real clock (``FakeStripe.advance_clock``): time at Stripe.
        self.clock_offset = 0

    def now(self) -> int:
        """Stripe's clock, in Unix seconds."""
        return int(time.time()) + self.clock_offset

    # Checkout Sessions ---------------------------------------------------------------------

    def create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        values = check_session(params)
        now = self.now()
        expires_at = values["expires_at"] or now + SESSION_MAX_SECONDS
        if expires_at < now + SESSION_MIN_SECONDS:
            raise ApiError(
                "The `expires_at` timestamp must be at least 30 minutes from Checkout Session "
                "creation.",
                param="expires_at",
            )
        if expires_at > now + SESSION_MAX_SECONDS:
            raise ApiError(
                "The `expires_at` timestamp must be less than 24 hours from Checkout Session "
                "creation.",
                param="expires_at",
            )
        session_id = new_id("cs_test_", 58)
        session = shape(
            "checkout.session",
            id=session_id,
            object="checkout.session",
            adaptive_pricing={"enabled": False},
            after_expiration=None,
            allow_promotion_codes=None,
            amount_subtotal=values["amount_total"],
            amount_total=values["amount_total"],
            cancel_url=values["cancel_url"],
            client_reference_id=values["client_reference_id"],
            collected_information=None,
            consent=None,
            consent_collection=None,
            created=now,
            currency=values["currency"],
            currency_conversion=None,
            custom_text={
                "after_submit": None,
                "shipping_address": None,
                "submit": None,
                "terms_of_service_acceptance": None,
            },
            customer=None,
            customer_creation="if_required",
            customer_details=None,
            customer_email=values["customer_email"],
            expires_at=expires_at,
            invoice_creation={**example("checkout.session")["invoice_creation"], "enabled": False},
            livemode=False,
            locale=values["locale"],
            managed_payments={"enabled": False},
            metadata=values["metadata"],
            mode="payment",
            payment_intent=None,
            payment_method_configuration_details=None,
            payment_method_types=values["payment_method_types"],
            payment_status="unpaid",
            shipping_address_collection=None,
            shipping_cost=None,
            status="open",
            submit_type=values["submit_type"],
            success_url=values["success_url"],
            total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            url=f"{self.base_url}/pay/{session_id}",
        )
        self.sessions[session_id] = session
        self.line_items[session_id] = values["lines"]
        self._intent_metadata[session_id] = values["intent_metadata"]
        return session

    def session(self, session_id: str) -> dict[str, Any]:
        try:
            return self.sessions[session_id]
        except KeyError:
            raise no_such("checkout.session", session_id) from None

    def expire(self, session_id: str) -> list[Change]:
        session = self.session(session_id)
        if session["status"] != "open":
            raise ApiError(
                f"This Checkout Session is {session['status']}: only a Checkout Session "
                "with status `open` can be expired.",
                code="checkout_session_not_open",
            )
        session.update(status="expired", url=None)
        return [Change("checkout.session.expired", _snapshot(session))]

    def expire_due(self) -> list[Change]:
        """Open sessions whose ``expires_at`` has come expire, as Stripe expires them."""
        now = self.now()
        return [
            change
            for session in list(self.sessions.values())
            if session["status"] == "open" and session["expires_at"] <= now
            for change in self.expire(session["id"])
        ]

    def pay(self, session_id: str, method: str, outcome: str) -> list[Change]:
        """The donor pays on the hosted page: by card at once, or by PromptPay (async)."""
        session = self.session(session_id)
        if session["status"] != "open":
            raise ApiError(f"The Checkout Session is {session['status']}, it cannot be paid.")
        if session["expires_at"] <= self.now():
            raise ApiError("The Checkout Session has expired, it cannot be paid.")
        if method not in session["payment_method_types"]:
            raise ApiError(f"{method} is not a payment method of this Checkout Session.")
        if outcome not in {"succeeded", "failed", "pending"}:
            raise ValueError(f"outcome must be succeeded, failed or pending: {outcome!r}")
        if method == "card" and outcome != "succeeded":
            raise ValueError("a declined card leaves the session open: there is no event")
        intent_id = new_id("pi_3")
        intent = shape(
            "payment_intent",
            id=intent_id,
            object="payment_intent",
            amount=session["amount_total"],
            amount_received=0,
            automatic_payment_methods=None,
            canceled_at=None,
            client_secret=f"{intent_id}_secret_{new_id('', 25)}",
            created=int(time.time()),
            currency=session["currency"],
            last_payment_error=None,
            latest_charge=None,
            livemode=False,
            managed_payments={"enabled": False},
            metadata=dict(self._intent_metadata[session_id]),
            next_action=None,
            payment_method_configuration_details=None,
            payment_method_types=[method],
            processing=None,
            status="processing",
            transfer_data=None,
        )
        self.payment_intents[intent["id"]] = intent
        session.update(
            status="complete",
            url=None,
            payment_intent=intent["id"],
            customer_details={
                **example("checkout.session")["customer_details"],
                "email": session["customer_email"],
                "name": None,
            },
        )
        if method == "card":
            self._succeed(session, intent)
            return [Change("checkout.session.completed", _snapshot(session))]
        changes = [Change("checkout.session.completed", _snapshot(session))]
        if outcome != "pending":
            changes += self.settle(session_id, outcome)
        return changes

    def settle(self, session_id: str, outcome: str) -> list[Change]:
        """The bank confirms (or refuses) a PromptPay payment that Checkout left unpaid."""
        session = self.session(session_id)
        intent = self.payment_intents.get(session["payment_intent"] or "")
        if intent is None or intent["status"] != "processing":
            raise ApiError("This Checkout Session has no PromptPay payment awaiting the bank.")
        if outcome == "succeeded":
            self._succeed(session, intent)
            return [Change("checkout.session.async_payment_succeeded", _snapshot(session))]
        if outcome == "failed":
            intent["status"] = "requires_payment_method"
            return [Change("checkout.session.async_payment_failed", _snapshot(session))]
        raise ValueError(f"outcome must be succeeded or failed: {outcome!r}")

    def _succeed(self, session: dict[str, Any], intent: dict[str, Any]) -> None:
        charge_id = new_id("ch_3")
        method = intent["payment_method_types"][0]
        template = example("charge")
        charge = shape(
            "charge",
            id=charge_id,
            object="charge",
            amount=intent["amount"],
            amount_captured=intent["amount"],
            amount_refunded=0,
            balance_transaction=new_id("txn_3"),
            billing_details={**template["billing_details"], "name": None},
            captured=True,
            created=int(time.time()),
            currency=intent["currency"],
            description=None,
            disputed=False,
            livemode=False,
            metadata=dict(intent["metadata"]),
            outcome={
                **template["outcome"],
                "network_status": "approved_by_network",
                "seller_message": "Payment complete.",
                "type": "authorized",
            },
            paid=True,
            payment_intent=intent["id"],
            payment_method=new_id("pm_1"),
            payment_method_details=(
                {**template["payment_method_details"], "type": "card"}
                if method == "card"
                else {"promptpay": {"reference": new_id("", 12)}, "type": "promptpay"}
            ),
            receipt_url=None,
            refunded=False,
            refunds={**template["refunds"], "url": f"/v1/charges/{charge_id}/refunds"},
            source=None,
            status="succeeded",
            transfer_data=None,
        )
        self.charges[charge["id"]] = charge
        intent.update(
            status="succeeded", amount_received=intent["amount"], latest_charge=charge["id"]
        )
        session["payment_status"] = "paid"

    # Charges: refunds and disputes ---------------------------------------------------------

    def charge_of(
        self,
        *,
        session_id: str | None = None,
        payment_intent: str | None = None,
        charge: str | None = None,
    ) -> dict[str, Any]:
        """The succeeded charge of a session, payment intent or charge id."""
        if session_id is not None:
            payment_intent = self.session(session_id)["payment_intent"]
            if payment_intent is None:
                raise ApiError(f"Checkout Session {session_id} has not been paid.")
        if charge is not None:
            if charge not in self.charges:
                raise no_such("charge", charge, "charge")
            return self.charges[charge]
        if payment_intent not in self.payment_intents:
            raise no_such("payment_intent", str(payment_intent), "payment_intent")
        latest = self.payment_intents[payment_intent]["latest_charge"]
        if latest is None:
            raise ApiError(
                f"This PaymentIntent ({payment_intent}) does not have a successful charge to "
                "refund.",
                code="charge_not_refundable",
            )
        return self.charges[latest]

    def create_refund(
        self, params: dict[str, Any], *, pending: bool = False
    ) -> tuple[dict[str, Any], list[Change]]:
        """``POST /v1/refunds``: a card refund succeeds (or stays pending), PromptPay waits."""
        values = check_refund(params)
        charge = self.charge_of(payment_intent=values["payment_intent"], charge=values["charge"])
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining == 0:
            raise ApiError(
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = values["amount"] if values["amount"] is not None else remaining
        if amount > remaining:
            raise ApiError(
                f"Refund amount ({baht(amount)}) is greater than unrefunded amount on charge "
                f"({baht(remaining)})",
                code="amount_too_large",
                param="amount",
            )
        promptpay = charge["payment_method_details"]["type"] == "promptpay"
        status = "requires_action" if promptpay else "pending" if pending else "succeeded"
        refund = shape(
            "refund",
            id=new_id("re_3"),
            object="refund",
            amount=amount,
            balance_transaction=None if promptpay else new_id("txn_3"),
            charge=charge["id"],
            created=int(time.time()),
            currency=charge["currency"],
            destination_details=(
                {
                    "promptpay": {"reference": None, "reference_status": "pending"},
                    "type": "promptpay",
                }
                if promptpay
                else example("refund")["destination_details"]
            ),
            metadata=values["metadata"],
            next_action=(
                {"type": "display_details", "display_details": {"email_sent": {}}}
                if promptpay
                else None
            ),
            payment_intent=charge["payment_intent"],
            payment_method=charge["payment_method"],
            reason=values["reason"],
            status=status,
        )
        self.refunds[refund["id"]] = refund
        previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return refund, [
            Change("refund.created", _snapshot(refund)),
            Change("charge.refunded", _snapshot(charge), previous),
        ]

    def refund(self, refund_id: str) -> dict[str, Any]:
        try:
            return self.refunds[refund_id]
        except KeyError:
            raise no_such("refund", refund_id) from None

    def complete_refund(self, refund_id: str, outcome: str) -> list[Change]:
        """A waiting refund ends: the donor gave their bank details (or it failed)."""
        refund = self.refund(refund_id)
        if refund["status"] not in {"pending", "requires_action"}:
            raise ApiError(f"Refund {refund_id} is already {refund['status']}.")
        previous = {"status": refund["status"], "next_action": refund["next_action"]}
        if outcome == "succeeded":
            refund.update(status="succeeded", next_action=None)
        elif outcome == "failed":
            refund.update(status="failed", next_action=None, failure_reason="unknown")
            charge = self.charges[refund["charge"]]
            charge["amount_refunded"] -= refund["amount"]
            charge["refunded"] = False
        else:
            raise ValueError(f"outcome must be succeeded or failed: {outcome!r}")
        return [Change("refund.updated", _snapshot(refund), previous)]

    def dispute(
        self, charge: dict[str, Any], amount: int | None, reason: str, *, inquiry: bool = False
    ) -> list[Change]:
        from .disputes import open_dispute

        return open_dispute(self, charge, amount, reason, inquiry=inquiry)
