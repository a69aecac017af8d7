"""The site's front pages: the public home page, the staff home page and dashboard, and a
sponsor's dashboard (they read every feature)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The public home page, the staff home page and dashboard, a sponsor's dashboard (linked
    from its organisation's page)."""
    from ..registry.hooks import organisation_page
    from . import views, views_staff

    app.register_blueprint(views.bp)
    app.register_blueprint(views_staff.bp)
    organisation_page.connect(views.dashboard_link)
