"""Offline gifts: bank transfers, cheques and cash that staff record, void or return by hand."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Staff's pages that record, void and return offline gifts."""
    from .views_staff import bp

    app.register_blueprint(bp)
