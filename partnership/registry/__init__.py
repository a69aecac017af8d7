"""The registry: schools, sponsor organisations and the partnerships between them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The school, organisation and partnership pages."""
    from .views import bp

    app.register_blueprint(bp)
