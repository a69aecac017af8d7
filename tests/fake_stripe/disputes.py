"""Disputes and failing refunds, shaped from Stripe's own example objects (``vendor/
fixtures3.json``): the ``dispute``, ``balance_transaction`` and ``refund`` resources, with our
ids, amounts and statuses written over them.

What Stripe sends:

* an **inquiry** (``warning_needs_response``, no balance transaction: Stripe's own fixture is
  one): ``charge.dispute.created``; closed as ``warning_closed`` (``charge.dispute.closed``);
* a **chargeback** (``needs_response``): ``charge.dispute.created`` carrying the withdrawal's
  balance transaction, then ``charge.dispute.funds_withdrawn``; **won**:
  ``charge.dispute.funds_reinstated`` then ``charge.dispute.closed`` (``won``, two balance
  transactions); **lost**: ``charge.dispute.closed`` (``lost``);
* a refund that **fails at the bank** after it succeeded: ``refund.updated`` (status
  ``failed``, ``failure_reason``) and ``refund.failed``; Stripe gives the charge the amount back.
"""

from __future__ import annotations

import copy
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ApiError, no_such

VENDOR = Path(__file__).parent / "vendor" / "fixtures3.json"

#: ``failure_reason`` values of the pinned API version's Refund.
REFUND_FAILURE_REASONS = {
    "charge_for_pending_refund_disputed",
    "declined",
    "expired_or_canceled_card",
    "insufficient_funds",
    "lost_or_stolen_card",
    "merchant_request",
    "unknown",
}


@cache
def _vendor() -> dict[str, Any]:
    return json.loads(VENDOR.read_text("utf-8"))["resources"]


def vendor_object(name: str) -> dict[str, Any]:
    """A fresh copy of Stripe's example object ``name`` (``dispute``, ``refund`` …)."""
    return copy.deepcopy(_vendor()[name])


def _balance_transaction(store, dispute: dict[str, Any], amount: int, kind: str):
    from .store import new_id

    txn = vendor_object("balance_transaction")
    txn.update(
        id=new_id("txn_1"),
        amount=amount,
        net=amount,
        fee=0,
        fee_details=[],
        created=int(time.time()),
        currency=dispute["currency"],
        description=f"Chargeback {kind} for {dispute['charge']}",
        reporting_category="dispute" if amount < 0 else "dispute_reversal",
        source=dispute["id"],
        type="adjustment",
    )
    return txn


def open_dispute(
    store, charge: dict[str, Any], amount: int | None, reason: str, *, inquiry: bool
) -> list:
    """A dispute of ``charge``: an inquiry moves no money; a chargeback withdraws it."""
    from .store import Change, _snapshot, new_id

    dispute = vendor_object("dispute")
    dispute.update(
        id=new_id("du_1"),
        amount=amount if amount is not None else charge["amount"],
        charge=charge["id"],
        created=int(time.time()),
        currency=charge["currency"],
        livemode=False,
        metadata={},
        payment_intent=charge["payment_intent"],
        reason=reason,
        status="warning_needs_response" if inquiry else "needs_response",
        balance_transactions=[],
        is_charge_refundable=inquiry,
    )
    dispute["payment_method_details"]["card"]["case_type"] = "inquiry" if inquiry else "chargeback"
    store.disputes[dispute["id"]] = dispute
    charge["disputed"] = True
    if inquiry:
        return [Change("charge.dispute.created", _snapshot(dispute))]
    dispute["balance_transactions"] = [
        _balance_transaction(store, dispute, -dispute["amount"], "withdrawal")
    ]
    return [
        Change("charge.dispute.created", _snapshot(dispute)),
        Change("charge.dispute.funds_withdrawn", _snapshot(dispute)),
    ]


def close_dispute(store, dispute_id: str, outcome: str) -> list:
    """The dispute ends: ``won`` (funds reinstated), ``lost``, or an inquiry ``warning_closed``."""
    from .store import Change, _snapshot

    dispute = store.disputes.get(dispute_id)
    if dispute is None:
        raise no_such("dispute", dispute_id)
    if dispute["status"] in {"won", "lost", "warning_closed"}:
        raise ApiError(f"Dispute {dispute_id} is already closed ({dispute['status']}).")
    inquiry = dispute["status"].startswith("warning_")
    if outcome not in ({"warning_closed"} if inquiry else {"won", "lost"}):
        raise ValueError(f"a {'n inquiry' if inquiry else ' chargeback'} cannot end {outcome!r}")
    previous = {"status": dispute["status"]}
    dispute["status"] = outcome
    changes = []
    if outcome == "won":
        dispute["balance_transactions"].append(
            _balance_transaction(store, dispute, dispute["amount"], "reversal")
        )
        changes.append(Change("charge.dispute.funds_reinstated", _snapshot(dispute)))
    changes.append(Change("charge.dispute.closed", _snapshot(dispute), previous))
    return changes


def fail_refund(store, refund_id: str, failure_reason: str) -> list:
    """A refund fails at the bank, even one that had succeeded (a card closed since)."""
    from .store import Change, _snapshot

    if failure_reason not in REFUND_FAILURE_REASONS:
        raise ValueError(f"not a failure_reason of Stripe's Refund: {failure_reason!r}")
    refund = store.refund(refund_id)
    if refund["status"] in {"failed", "canceled"}:
        raise ApiError(f"Refund {refund_id} is already {refund['status']}.")
    previous = {"status": refund["status"], "failure_reason": None}
    refund.update(status="failed", failure_reason=failure_reason, next_action=None)
    charge = store.charges[refund["charge"]]
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = False
    return [
        Change("refund.updated", _snapshot(refund), previous),
        Change("refund.failed", _snapshot(refund)),
    ]


def cancel_refund(store, refund_id: str) -> list:
    """A waiting refund is canceled (a PromptPay donor never gave their bank details)."""
    from .store import Change, _snapshot

    refund = store.refund(refund_id)
    if refund["status"] not in {"pending", "requires_action"}:
        raise ApiError(
            f"Refund {refund_id} is {refund['status']}: only a waiting refund can be canceled."
        )
    previous = {"status": refund["status"], "next_action": refund.get("next_action")}
    refund.update(status="canceled", next_action=None)
    charge = store.charges[refund["charge"]]
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = False
    return [Change("refund.updated", _snapshot(refund), previous)]


def list_refunds(store, params: dict[str, Any]) -> dict[str, Any]:
    """``GET /v1/refunds``: the parameters of the SDK's ``RefundListParams``, newest first."""
    from stripe._request_options import RequestOptions
    from stripe.params import RefundListParams

    from .errors import not_emulated, unknown
    from .validation import integer

    # The SDK's list parameters, less its request options (headers, not parameters).
    known = set(RefundListParams.__annotations__) - set(RequestOptions.__annotations__)
    for name in params:
        if name not in known:
            raise unknown(name)
    for name in ("created", "ending_before", "starting_after"):
        if name in params:
            raise not_emulated(f"the refund list's {name}", name)
    limit = integer(params.get("limit", "10"), "limit")
    if not 1 <= limit <= 100:
        raise ApiError(
            "This value must be greater than or equal to 1 and less than or equal to 100.",
            code="parameter_invalid_integer",
            param="limit",
        )
    found = [
        r
        for r in store.refunds.values()
        if params.get("payment_intent") in (None, r["payment_intent"])
        and params.get("charge") in (None, r["charge"])
    ]
    found.reverse()
    return {
        "object": "list",
        "data": copy.deepcopy(found[:limit]),
        "has_more": len(found) > limit,
        "url": "/v1/refunds",
    }
