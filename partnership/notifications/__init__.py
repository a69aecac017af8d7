"""Notifications: the outbox of e-mail, delivered inline or by a worker."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The staff's outbox page and ``flask worker`` (mail delivery)."""
    from .views_staff import bp
    from .worker import worker_command

    app.register_blueprint(bp)
    app.cli.add_command(worker_command)
