"""Each device's trail: recorded one by one from a paid invoice line, received on the school's
signed handover (ใบตรวจรับพัสดุ), checked at 6 and 12 months; the public trail page shows the
counts (docs/features/devices.md)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The trail, the school's and staff's pages, the campaign page and thank-you page
    sections, the check-in reminders on each worker pass, and ``flask devices``."""
    from ..applications.signals import school_dashboard
    from ..campaigns.hooks import campaign_page
    from ..ledger.services import register_check
    from ..notifications.worker import worker_pass
    from ..payments.hooks import thanks_page
    from ..registry.hooks import school_page
    from . import services, views, views_school, views_staff
    from .cli import devices_cli
    from .reminders import remind_on_worker_pass

    app.register_blueprint(views.bp)
    app.register_blueprint(views_school.bp)
    app.register_blueprint(views_staff.bp)
    campaign_page.connect(views.campaign_section)
    thanks_page.connect(views.thanks_section)
    school_page.connect(views.school_page_section)
    school_dashboard.connect(views_school.school_dashboard_section)
    worker_pass.connect(remind_on_worker_pass)
    app.cli.add_command(devices_cli)
    register_check("devices", services.devices_counted)
