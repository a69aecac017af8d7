"""Programmes: calls for proposals with their rubric and eligibility rules."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The programme pages."""
    from .views import bp

    app.register_blueprint(bp)
