"""Online giving through Stripe: Checkout Sessions, refunds and signed webhooks.

Payments sits above the ledger and campaigns (see STYLE.md) and is the only feature that
talks to Stripe; ``client.py`` is that boundary and nothing else imports ``stripe``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The give form and thank-you page, staff's donation pages, the Stripe webhook; the donor
    wall on the campaign page; open Checkout Sessions expire when a campaign stops."""
    from ..campaigns.hooks import after_campaign_closed, after_close_due, campaign_page
    from . import sessions
    from .views import bp, donor_wall_section
    from .views_staff import bp as staff_bp
    from .views_webhooks import bp as webhooks_bp

    for blueprint in (bp, staff_bp, webhooks_bp):
        app.register_blueprint(blueprint)
    campaign_page.connect(donor_wall_section)
    after_close_due.connect(sessions.expire_sessions_of_stopped_campaigns)
    after_campaign_closed.connect(sessions.expire_sessions_of_closed_campaign)
