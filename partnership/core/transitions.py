"""State changes that happen once, even when requests race: the one mechanism every feature uses.

A state change is checked and written in one statement::

    UPDATE <table> SET state = :to, ... WHERE id = :id AND state = :from

and the affected row count says whether this request made the move. The loser of a race sees
zero rows and gets the same error as an illegal move, so a state change, its history event and
its e-mail happen exactly once (STYLE.md practice 12). Limits that span rows ("one application
per school") lock a parent row first with :func:`lock_row`.

Counters move in SQL too (:func:`increment`), never read-modify-write in Python.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import attributes

from ..extensions import db
from .unit_of_work import Refused

T = TypeVar("T")
State = TypeVar("State", bound=enum.Enum)


class TransitionRefused(Refused):
    """Base of every machine's "this move is not possible now" error.

    A view that does not handle it gets the app-wide answer to a refusal (``core.views``):
    nothing changed, reload to see where things stand. That is also what the loser of a race
    sees.
    """


class StaleState(TransitionRefused):
    """The row was not in the expected state any more: another request changed it first."""


def compare_and_set(
    obj: Any,
    *,
    expected: Mapping[str, Any],
    values: Mapping[str, Any],
    where: Sequence[Any] = (),
) -> None:
    """``UPDATE … SET values WHERE id = obj.id AND expected`` for exactly one row, else StaleState.

    ``where`` adds SQL conditions on other columns, checked in the same statement (a counter as
    the database holds it: ``raised_satang >= goal_satang``). Pending changes are flushed first.
    On success the object's attributes are set to the written values without marking them
    dirty; on failure they are expired so the next read shows what the database holds.
    """
    mapper = sa.inspect(type(obj))
    table = mapper.local_table
    db.session.flush()
    conditions = [table.c.id == obj.id, *where]
    for name, value in expected.items():
        column = mapper.attrs[name].columns[0]
        conditions.append(column.is_(None) if value is None else column == value)
    columns = {mapper.attrs[name].columns[0].name: value for name, value in values.items()}
    result = db.session.execute(
        sa.update(table).where(*conditions).values(columns),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.expire(obj, list(expected) + list(values))
        raise StaleState(f"{table.name} {obj.id} changed under us")
    for name, value in values.items():
        attributes.set_committed_value(obj, name, value)
    written = {mapper.attrs[name].columns[0] for name in values}
    stale = [rel.key for rel in mapper.relationships if written & set(rel.local_columns)]
    if stale:  # e.g. ``decided_by`` after writing ``decided_by_id``: load it again when read
        db.session.expire(obj, stale)


def move(
    obj: Any,
    to_state: State,
    *,
    allowed: Mapping[State, frozenset[State]],
    illegal: Callable[[State, State], Exception],
    values: Mapping[str, Any] | None = None,
    attr: str = "state",
    where: Sequence[Any] = (),
) -> State:
    """Move ``obj`` from its current state to ``to_state`` once; returns the state it left.

    ``allowed`` is the machine's transition table. ``illegal(from, to)`` builds the exception
    raised when the move is not in the table or when another request moved the row first (then
    ``from`` is the state the winner left it in). ``values`` are further columns written in the
    same statement (``submitted_at``, ``decided_by_id`` ...); ``where`` further conditions of
    that statement (see :func:`compare_and_set`).
    """
    from_state = getattr(obj, attr)
    if to_state not in allowed.get(from_state, frozenset()):
        raise illegal(from_state, to_state)
    try:
        compare_and_set(
            obj,
            expected={attr: from_state},
            values={attr: to_state, **(values or {})},
            where=where,
        )
    except StaleState:
        raise illegal(getattr(obj, attr), to_state) from None
    return from_state


def lock_row(model: type[T], object_id: int) -> T:
    """Read a row and hold it until the transaction ends (``SELECT … FOR UPDATE``).

    On PostgreSQL concurrent writers of the same row wait here. SQLite has no row locks: its
    writing transactions start with ``BEGIN IMMEDIATE`` (``core.database``), so they already run
    one at a time. Use it before checking a limit that counts other rows.
    """
    return db.session.execute(
        sa.select(model)
        .where(sa.inspect(model).primary_key[0] == object_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def hold_row(model: type, object_id: int) -> None:
    """Lock a row until the transaction ends without reloading it (``SELECT id … FOR UPDATE``):
    for a parent row that two kinds of change take turns on, when the object in the session
    may hold changes not yet flushed (``lock_row`` would overwrite them)."""
    key = sa.inspect(model).primary_key[0]
    db.session.execute(sa.select(key).where(key == object_id).with_for_update())


def increment(obj: Any, **deltas: int) -> None:
    """Add to counters in SQL (``x = x + :d``) and refresh them on ``obj``."""
    mapper = sa.inspect(type(obj))
    table = mapper.local_table
    db.session.flush()
    columns = {}
    for name, delta in deltas.items():
        column = mapper.attrs[name].columns[0]
        columns[column.name] = column + delta
    db.session.execute(
        sa.update(table).where(table.c.id == obj.id).values(columns),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(obj, list(deltas))


def insert_once(model: type, values: Mapping[str, Any], *, unique: list[str]) -> int | None:
    """``INSERT … ON CONFLICT (unique) DO NOTHING RETURNING id``: the new row's id, or None.

    One statement, where :func:`add_unique` needs three (savepoint, insert, release): for rows
    written on a hot path (a webhook's event id). A concurrent insert of the same key waits for
    the other transaction and then returns None if it committed. PostgreSQL and SQLite only.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the project runs on these two
        raise NotImplementedError(dialect)
    table = sa.inspect(model).local_table
    statement = (
        insert(table).values(dict(values)).on_conflict_do_nothing(index_elements=unique)
    ).returning(table.c.id)
    return db.session.execute(statement).scalar()


def add_unique(obj: Any) -> bool:
    """Insert a row that a unique constraint guards; False if a racing request inserted it first.

    The insert runs in a savepoint, so losing the race leaves the rest of the transaction intact.
    """
    try:
        with db.session.begin_nested():
            db.session.add(obj)
    except sa.exc.IntegrityError:
        return False
    return True
