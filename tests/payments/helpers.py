"""A donation's Checkout Session as the app will create it, for the tests of this package."""

from __future__ import annotations

from partnership.payments.client import CheckoutSession, create_checkout_session

SESSIONS = ("POST", "/v1/checkout/sessions")


def checkout(key: str = "attempt-1", **overrides) -> CheckoutSession:
    """``create_checkout_session`` for donation 42 (฿500 unless overridden)."""
    values = {
        "donation_id": 42,
        "amount_satang": 50_000,
        "campaign_name": "โน้ตบุ๊กเพื่อการศึกษา โรงเรียนบ้านหนองบัว",
        "email": "somchai@example.test",
        "success_url": "http://app.test/donations/42/thanks?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://app.test/campaigns/3",
        "idempotency_key": key,
    }
    return create_checkout_session(**(values | overrides))
