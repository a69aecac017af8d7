"""Each statement's time in the driver and the database, for the in-process profiles."""

from __future__ import annotations

import statistics
import time

import sqlalchemy as sa


def time_statements(engine: sa.Engine) -> dict[str, list[float]]:
    """Seconds of each statement run on ``engine`` from now on, by its first 60 characters."""
    in_database: dict[str, list[float]] = {}
    started_at: list[float] = []
    sa.event.listen(
        engine, "before_cursor_execute", lambda *a: started_at.append(time.perf_counter())
    )
    sa.event.listen(
        engine,
        "after_cursor_execute",
        lambda *a: in_database.setdefault(" ".join(a[2].split())[:60], []).append(
            time.perf_counter() - started_at.pop()
        ),
    )
    return in_database


def print_times(in_database: dict[str, list[float]]) -> None:
    """The statements, the costliest in all first: mean milliseconds and how many ran."""
    for name, spent in sorted(in_database.items(), key=lambda item: -sum(item[1])):
        print(f"  {statistics.mean(spent) * 1000:7.3f}  x{len(spent):<5} {name}")


def print_prepared(engine: sa.Engine) -> None:
    """On PostgreSQL, the statements a pooled connection holds prepared (psycopg prepares a
    statement on its fifth run, and forgets them all at a ROLLBACK), with their plans."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements"
        ).all()
        connection.commit()  # not a rollback: that would deallocate them
    print(f"statements prepared on one pooled connection: {len(rows)}")
    for generic, custom, statement in sorted(rows, key=lambda row: -(row[0] + row[1])):
        print(f"  {generic:5} generic {custom:5} custom  {' '.join(statement.split())[:80]}")
