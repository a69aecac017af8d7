"""What every feature stands on: transitions, signals, forms, inputs, and the error pages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The error pages, the health check and the icon; the ``decided_by`` template global."""
    from .signals import decisions_of
    from .views import bp

    app.register_blueprint(bp)
    app.jinja_env.globals["decided_by"] = decisions_of
