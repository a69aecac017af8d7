"""``flask donors purge``: erase donor data older than TAX_DATA_RETENTION_DAYS."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.database import writing_transactions
from ..core.unit_of_work import commit_now
from .privacy import purge, retention_cutoff

donors_cli = AppGroup("donors", help="Donor data and privacy.")


@donors_cli.command("purge")
def purge_command() -> None:
    """Erase the personal and tax data of gifts older than the retention period (cron daily)."""
    cutoff = retention_cutoff()
    with writing_transactions():
        record = purge(cutoff)
        commit_now(reason="CLI: donors purge")
    click.echo(
        f"Erased donor data of gifts before {cutoff:%Y-%m-%d}: {record.donations} donations, "
        f"{record.ledger_rows} ledger labels, {record.other_rows} other rows."
    )
