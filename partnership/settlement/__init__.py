"""All-or-nothing settlement: a campaign that missed its goal gives every gift back."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Staff's settlement page; ``flask campaigns close-due`` refunds the all-or-nothing
    campaigns that missed their goal and the gifts paid after one closed."""
    from ..campaigns.hooks import after_close_due
    from . import late, receivers
    from .views import bp

    app.register_blueprint(bp)
    after_close_due.connect(late.refund_late_payments)
    after_close_due.connect(receivers.refund_failed_campaigns)
