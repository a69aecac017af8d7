"""The library of lessons shared (seed 000's knowledge hub, seed 004's lessons learned): the
published minutes of meetings, the final reports of funded projects and documents staff
choose, searchable by topic, province, year and free text in Thai and English."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The public and staff pages, the final reports collected on each worker pass, and
    ``flask library``."""
    from ..governance.signals import minutes_published
    from ..notifications.worker import worker_pass
    from . import sources, views, views_staff
    from .cli import library_cli

    app.register_blueprint(views.bp)
    app.register_blueprint(views_staff.bp)
    worker_pass.connect(sources.collect_on_worker_pass)
    minutes_published.connect(sources.minutes_published)
    app.cli.add_command(library_cli)
