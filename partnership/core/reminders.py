"""Reminders sent at most once, even when two workers run: the claim every feature's reminders
use (milestones due, device check-ins due).

A reminder is a nullable "mailed at" column on the row it is about. The worker claims it with
one conditional statement, ``UPDATE … SET column = now WHERE id = :id AND column IS NULL``, and
queues the mail in the same transaction: the worker that loses the race (PostgreSQL's row lock,
SQLite's one writer) changes no row and queues nothing; a rollback gives back the claim and the
mail together (STYLE.md practice 12).
"""

from __future__ import annotations

import sqlalchemy as sa

from ..db_types import utcnow
from ..extensions import db

#: The "due soon" reminder goes this many days before the due day.
SOON_DAYS = 7


def claim_reminder(model: type, row_id: int, column: str) -> bool:
    """True for the one transaction whose statement set ``column`` on this row: only it mails."""
    target = getattr(model, column)
    return (
        db.session.execute(
            sa.update(model).where(model.id == row_id, target.is_(None)).values({column: utcnow()}),
            execution_options={"synchronize_session": False},
        ).rowcount
        == 1
    )
