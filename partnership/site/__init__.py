"""The site's front pages: the public home page, the staff home page and dashboard, and a
sponsor's dashboard (they read every feature)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The public home page, the staff home page and dashboard, a sponsor's dashboard (linked
    from its organisation's page)."""
    from ..registry.hooks import organisation_page
    from . import dashboard, sponsors  # noqa: F401  (their routes join the blueprint)
    from .views import bp

    app.register_blueprint(bp)
    organisation_page.connect(sponsors.dashboard_link)
