"""``flask ledger verify``: prove the cached totals equal the ledger."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.database import writing_transactions
from ..extensions import db
from .services import verify

ledger_cli = AppGroup("ledger", help="The public money ledger.")


@ledger_cli.command("verify")
def verify_command() -> None:
    """Recompute every campaign's totals from the ledger; exit 1 naming any that differ."""
    # A writer's transaction: on SQLite the counters and rows are read in one snapshot that no
    # webhook changes half-way.
    with writing_transactions():
        problems = verify()
        db.session.rollback()
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("Ledger verified: every campaign's totals equal its rows.")
