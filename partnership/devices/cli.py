"""``flask devices remind``: queue the check-in reminders due today (also run by each pass of
``flask worker``)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .reminders import send_reminders

devices_cli = AppGroup("devices", help="Devices: handovers and check-ins.")


@devices_cli.command("remind")
def remind_command() -> None:
    """Mail the schools whose device check-ins are due in 7 days or overdue (each once)."""
    click.echo(f"check-in reminders queued: {send_reminders()}")
