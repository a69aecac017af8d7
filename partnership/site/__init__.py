"""The site's front pages: the public home page and the staff home page (reads every feature)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The public home page and the staff home page."""
    from .views import bp

    app.register_blueprint(bp)
