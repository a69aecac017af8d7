"""``POST /webhooks/stripe``: the source of truth for every online gift."""

from __future__ import annotations

from flask import Blueprint, request

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
        # Nothing was written (the event's row was there before this one's insert did
        # nothing), so the request's commit ends the transaction: a rollback would do the same,
        # but psycopg forgets every statement it prepared at a ROLLBACK, and a storm's repeats
        # would make each webhook plan its statements afresh.
        return {"received": True, "duplicate": True}, 200
    return {"received": True, "outcome": outcome.value}, 200
