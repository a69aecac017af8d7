"""``flask milestones``: make the milestones campaigns funded before their template lack, and
send the reminders due now (the worker's pass does the same)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.database import writing_transactions
from ..core.unit_of_work import commit_now
from .reminders import remind
from .services import create_missing

milestones_cli = AppGroup("milestones", help="Delivery milestones of funded campaigns.")


@milestones_cli.command("create-missing")
def create_missing_command() -> None:
    """Give every funded campaign the milestones of its programme's template it lacks."""
    with writing_transactions():
        made = create_missing()
        commit_now(reason="a command")
    click.echo(f"milestones made: {made}")


@milestones_cli.command("remind")
def remind_command() -> None:
    """Queue the due-soon and overdue e-mails to schools (each at most once)."""
    counts = remind()
    click.echo(f"due soon: {counts['soon']}; overdue: {counts['overdue']}")
