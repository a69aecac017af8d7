"""Money out: disbursements to suppliers against a campaign's budget lines, with the invoice,
four eyes (a second staff member approves) and reversals; paid through
``campaigns.services.pay_out`` (never more than the balance)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Staff's disbursement pages, the invoice downloads, and "What the money bought" on the
    campaign page."""
    from ..campaigns.hooks import campaign_page
    from .views import bp, spent_section
    from .views_staff import bp as staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    campaign_page.connect(spent_section)
