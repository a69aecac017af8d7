"""The ledger: append-only rows, one per movement of money, per campaign.

It knows campaigns by id, not who paid how: payments and (next) matching and offline gifts
append rows through :func:`services.append_entry`; the campaign counters are a cache of it that
``flask ledger verify`` recomputes.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """``flask ledger verify`` (the features above register what it checks)."""
    from .cli import ledger_cli

    app.cli.add_command(ledger_cli)
