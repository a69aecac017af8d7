"""Personal data inside the Stripe events kept for staff (``StripeEvent.payload``).

An event kept whole (one that named no donation we knew, or that staff must look at) carries what
Stripe knows of the payer: ``customer_details`` (name, e-mail, phone, address),
``customer_email``, a charge's ``billing_details``, ``shipping``, ``receipt_email``. Erasure and
the retention purge (``donors.privacy``) scrub them here; ids, amounts, currency, states and
dates stay, so staff can still match the event to a payment.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from .models import StripeEvent

#: Keys of Stripe objects whose value describes a person (at any depth of the event).
PERSONAL_KEYS = frozenset(
    {
        "address",
        "billing_details",
        "business_name",
        "collected_information",
        "customer_address",
        "customer_details",
        "customer_email",
        "customer_name",
        "customer_phone",
        "customer_shipping",
        "customer_tax_ids",
        "email",
        "individual",
        "individual_name",
        "name",
        "phone",
        "receipt_email",
        "shipping",
        "shipping_address",
        "shipping_details",
        "tax_id",
        "tax_ids",
    }
)


def _scrubbed(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: (None if key in PERSONAL_KEYS and item is not None else _scrubbed(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrubbed(item) for item in value]
    return value


def scrub_payload(payload: str) -> str:
    """The stored event without its personal fields ("" when it is not JSON at all)."""
    if not payload:
        return payload
    try:
        event = json.loads(payload)
    except ValueError:
        return ""
    return json.dumps(_scrubbed(event), ensure_ascii=False)


def scrub_events(*conditions) -> int:
    """Scrub the kept payloads of the events matching ``conditions`` (flushed); how many changed."""
    rows = db.session.execute(
        sa.select(StripeEvent.id, StripeEvent.payload)
        .where(StripeEvent.payload != "", *conditions)
        .order_by(StripeEvent.id)
    ).all()
    changed = 0
    for row in rows:
        clean = scrub_payload(row.payload)
        if clean == row.payload:
            continue
        db.session.execute(
            sa.update(StripeEvent)
            .where(StripeEvent.id == row.id)
            .values(payload=clean)
            .execution_options(synchronize_session=False)
        )
        changed += 1
    return changed


def events_naming(email: str, donation_ids: list[int]):
    """The condition for events about this address or these donations."""
    address = email.strip().lower()
    about = [StripeEvent.donation_id.in_(donation_ids)] if donation_ids else []
    if address:
        about.append(sa.func.lower(StripeEvent.payload).contains(address, autoescape=True))
    return sa.or_(*about) if about else sa.false()
