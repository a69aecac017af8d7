"""``POST /webhooks/stripe``: the source of truth for every online gift."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from ..extensions import csrf, db
from .client import BadSignature, verify_webhook
from .events import DuplicateEvent, apply_event
from .signals import webhook_committed

bp = Blueprint("webhooks", __name__)


@bp.post("/webhooks/stripe")
@csrf.exempt
def stripe_webhook():
    """Verify, apply once, commit, answer: nothing slow (no e-mail, no PDF) happens here."""
    try:
        event = verify_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except BadSignature:
        return {"error": "bad signature"}, 400
    try:
        outcome = apply_event(event)
    except DuplicateEvent:
        db.session.rollback()
        return {"received": True, "duplicate": True}, 200
    db.session.commit()
    # After the commit: the receipt numbers of what it paid (their lock is not the payment's).
    webhook_committed.send(current_app._get_current_object())
    return {"received": True, "outcome": outcome.value}, 200
