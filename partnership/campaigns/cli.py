"""``flask campaigns close-due``: end the campaigns whose end has passed (cron-safe)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.database import writing_transactions
from ..core.unit_of_work import commit_now
from .hooks import after_close_due
from .services import close_due

campaigns_cli = AppGroup("campaigns", help="Crowdfunding campaigns.")


@campaigns_cli.command("close-due")
def close_due_command() -> None:
    """End every live campaign past its end date; running it again changes nothing."""
    with writing_transactions():
        ended = close_due()
        commit_now(reason="CLI: campaigns close-due, before settling")
        click.echo(f"Ended {len(ended)} campaign(s)." + (f" {ended}" if ended else ""))
        # Every run settles what earlier runs left unfinished, not only what it ended now.
        for _receiver, line in after_close_due.send():
            if line:
                click.echo(line)


@campaigns_cli.command("rebuild-figures")
def rebuild_figures_command() -> None:
    """Write the dashboards' figures by province, programme and year again from the campaigns'
    counters (after ``flask ledger verify`` named a difference in them, or a bulk import)."""
    from .figures import rebuild

    with writing_transactions():
        rows = rebuild()
        commit_now(reason="CLI: campaigns rebuild-figures")
    click.echo(f"Wrote {rows} row(s) of figures.")
