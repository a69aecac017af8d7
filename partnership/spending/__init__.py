"""Money out: disbursements to suppliers against a campaign's budget lines, with the invoice,
four eyes (a second staff member approves) and reversals; paid through
``campaigns.services.pay_out`` (never more than the balance)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Nothing yet: the views and CLI register here."""
