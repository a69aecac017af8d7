"""``flask library collect``: the final reports done since the last pass, now."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.database import writing_transactions
from ..core.unit_of_work import commit_now
from .sources import collect_final_reports

library_cli = AppGroup("library", help="The library of lessons shared.")


@library_cli.command("collect")
def collect_command() -> None:
    """Add the done final reports of funded projects; withdraw those reopened since."""
    with writing_transactions():
        added, withdrawn = collect_final_reports()
        commit_now(reason="a CLI command has no request")
    click.echo(f"final reports added: {added}; withdrawn (reopened): {withdrawn}")
