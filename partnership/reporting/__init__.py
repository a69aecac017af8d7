"""Transparency: the public dashboards (overview, provinces and their map, a province's page,
sponsors), and the programme and sponsor reports, from figures kept with the money
(docs/features/reporting.md)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The dashboards' and reports' pages (blueprint ``reporting``)."""
    from . import views

    app.register_blueprint(views.bp)
