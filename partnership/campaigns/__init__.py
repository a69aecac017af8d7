"""Campaigns: an approved application raising money in public, with its counters and history."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The public and staff campaign pages, ``flask campaigns``, and the campaign counters as a
    cache that ``flask ledger verify`` checks."""
    from ..ledger.services import register_cache, register_check
    from . import figures
    from .cli import campaigns_cli
    from .services import cached_totals
    from .views import bp
    from .views_staff import bp as staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.cli.add_command(campaigns_cli)
    register_cache("campaign", cached_totals)
    register_check("figures by province, programme and year", figures.check)
