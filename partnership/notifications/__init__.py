"""Notifications: the outbox of e-mail, delivered inline or by a worker."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The staff's outbox page, ``flask worker`` (mail delivery), and inline delivery after the
    request's commit."""
    from ..core.unit_of_work import work_committed
    from .services import deliver_committed
    from .views_staff import bp
    from .worker import worker_command

    work_committed.connect(deliver_committed)

    app.register_blueprint(bp)
    app.cli.add_command(worker_command)
