"""``flask worker``: drain the outbox (``--once``), or keep draining it (the default)."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from flask.signals import Namespace

from ..core.database import writing_transactions
from ..extensions import db
from .delivery import claim_batch, release_stale_claims, send_all
from .models import MailState

#: Sent (the app as sender) at the start of each pass of ``flask worker``, outside any
#: transaction: features queue the mail that waits on them (receipts: the thank-yous), each
#: committing its own work.
worker_pass = Namespace().signal("notifications worker pass")


def drain(batch: int = 20) -> dict[MailState, int]:
    """Send every mail that is due now, batch by batch; how many ended in each state."""
    counts: dict[MailState, int] = {}
    with writing_transactions():
        release_stale_claims()
        while True:
            claimed = claim_batch(batch)
            if not claimed:
                break
            for _mail, state in send_all(claimed):
                counts[state] = counts.get(state, 0) + 1
    return counts


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--poll", type=float, default=None, help="Seconds between passes (default 5).")
@with_appcontext
def worker_command(once: bool, poll: float | None) -> None:
    """Deliver queued e-mail with retries; several workers may run at once."""
    interval = poll if poll is not None else current_app.config.get("WORKER_POLL_SECONDS", 5)
    while True:
        worker_pass.send(current_app._get_current_object())
        counts = drain()
        db.session.remove()  # a fresh session per pass: nothing read stays cached for hours
        if counts:
            click.echo(", ".join(f"{state.value}: {n}" for state, n in counts.items()))
        if once:
            return
        time.sleep(interval)
