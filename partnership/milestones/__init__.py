"""Delivery milestones: each programme's template (ordered → delivered → in use → report), the
milestones a funded campaign gets from it, their moves with notes and photos, the overdue lists,
the reminders to the school, and the progress on the public campaign page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The school's and staff's pages, the receivers (funding, campaign page, worker pass, the
    school's dashboard) and ``flask milestones``."""
    from ..applications.signals import school_dashboard
    from ..campaigns.hooks import campaign_funded, campaign_page
    from ..notifications.worker import worker_pass
    from . import reminders, services, views
    from .cli import milestones_cli
    from .views_staff import bp as staff_bp

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_bp)
    campaign_funded.connect(services.milestones_for_funded_campaign)
    campaign_page.connect(views.milestones_section)
    school_dashboard.connect(views.school_dashboard_section)
    worker_pass.connect(reminders.remind_on_worker_pass)
    app.cli.add_command(milestones_cli)
