"""``POST /webhooks/stripe``: the source of truth for every online gift."""

from __future__ import annotations

from flask import Blueprint, request

from ..core.unit_of_work import discard_changes
from ..extensions import csrf
from ..notifications.services import leave_mail_to_worker
from .client import BadSignature, verify_webhook
from .events import DuplicateEvent, apply_event

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.post("/stripe")
@csrf.exempt
def stripe_webhook():
    """Verify, apply once, answer (the request's end commits): nothing slow (no e-mail, no PDF)
    happens here."""
    leave_mail_to_worker()
    try:
        event = verify_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except BadSignature:
        return {"error": "bad signature"}, 400
    try:
        outcome = apply_event(event)
    except DuplicateEvent:
        discard_changes()
        return {"received": True, "duplicate": True}, 200
    return {"received": True, "outcome": outcome.value}, 200
