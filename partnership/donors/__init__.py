"""What donors get after giving: campaign updates, and their privacy (erasure, retention)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The privacy page and campaign updates (on the campaign page), the donor footer of every
    donor mail, and ``flask donors``."""
    from ..campaigns.hooks import add_page_probe, campaign_page
    from ..notifications.services import mail_footer
    from . import privacy
    from .cli import donors_cli
    from .updates import has_updates
    from .views import bp, updates_section

    app.register_blueprint(bp)
    campaign_page.connect(updates_section)
    add_page_probe("updates", has_updates)
    mail_footer.connect(privacy.donor_topic_footer)
    app.cli.add_command(donors_cli)
