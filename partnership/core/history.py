"""One shape for every history: who, when, what, from, to, why; rows are only ever added.

A feature's history table is a model that mixes in :class:`HistoryMixin` and adds the foreign
key of what the history is about (``programme_id``, ``school_id`` ...)::

    class ProgrammeEvent(HistoryMixin, db.Model):
        __tablename__ = "programme_events"
        programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)

and the subject holds it with :func:`history_of`, which never cascades a delete to it. A
state machine's history overrides ``from_state``/``to_state`` with its enum column (a named
CHECK constraint of the states), and a history whose events are not moves overrides ``kind``
with its own enum (``review_events``: submitted, reopened). STYLE.md practice 13 and
docs/architecture/history.md.

Append-only (:class:`AppendOnly`): the ORM refuses to flush a change or a deletion of a row,
and refuses an ``UPDATE`` or ``DELETE`` statement on such a table run through a session. The
migrations and the test suite's cleaning run on a connection, outside these guards.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from ..accounts.models import User

#: The ``kind`` of an event that is a move of a state machine (the states say what happened).
MOVED = "moved"


class HistoryIsAppendOnly(sa.exc.InvalidRequestError):
    """A history (or other append-only) row was about to be changed or deleted."""


class AppendOnly:
    """Rows of this model are added, never changed or deleted (the ORM refuses)."""

    @classmethod
    def append_only_tables(cls) -> set[str]:
        """The names of every append-only table mapped so far."""
        return {sub.__tablename__ for sub in _mapped_subclasses(cls)}


def _mapped_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        if "__tablename__" in vars(sub):
            found.append(sub)
        found.extend(_mapped_subclasses(sub))
    return found


@sa.event.listens_for(AppendOnly, "before_update", propagate=True)
@sa.event.listens_for(AppendOnly, "before_delete", propagate=True)
def _refuse_change(mapper, connection, target) -> None:
    raise HistoryIsAppendOnly(f"{mapper.local_table.name} rows are never changed or deleted")


@sa.event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state) -> None:
    """``session.execute(update(...))`` or ``delete(...)`` on an append-only table."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name is not None and name in AppendOnly.append_only_tables():
        raise HistoryIsAppendOnly(f"{name} rows are never changed or deleted")


class HistoryMixin(AppendOnly):
    """Who (``actor``, empty: the system), when (``at``), what (``kind``), from, to and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who did it; empty when the system did (a payment, a deadline, the automatic assignment).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: What happened: ``moved`` for a state machine's move, else the feature's own kind.
    kind: Mapped[str] = mapped_column(sa.String(40), default=MOVED)
    #: The state left (empty for the event that opened the history or for a non-move).
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    #: The state reached (empty for an event that is not a move).
    to_state: Mapped[str | None] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    @declared_attr
    def actor(cls) -> Mapped[User | None]:
        return relationship("User", foreign_keys=lambda: [cls.actor_id])

    @property
    def is_move(self) -> bool:
        return self.to_state is not None


def history_of(target: str, **kwargs: Any):
    """The subject's side of its history: oldest first; saved with the subject, and never
    deleted or emptied with it (the database refuses to delete a subject that has history)."""
    return relationship(
        target,
        order_by=f"{target}.id",
        cascade="save-update, merge",
        passive_deletes="all",
        **kwargs,
    )
