"""Transactions on the embedded database behave as on PostgreSQL (``core.database``)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.core.transitions import add_unique
from partnership.extensions import db
from partnership.registry.models import SchoolYearStat


def _stats(school_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(SchoolYearStat.id)).where(SchoolYearStat.school_id == school_id)
    )


def test_a_savepoint_taken_after_reading_is_undone_by_the_rollback(app, make_school):
    """A session that has only read (a reader's transaction, or none yet on SQLite's driver)
    takes a savepoint to insert a guarded row; rolling the session back leaves nothing."""
    school = make_school()
    school_id = school.id
    db.session.commit()
    assert _stats(school_id) == 0  # a read first: the transaction is a reader's

    row = SchoolYearStat(school_id=school_id, academic_year=2568, pupils=100, teachers=6)
    assert add_unique(row)
    db.session.rollback()

    assert _stats(school_id) == 0


def test_a_savepoint_that_loses_the_race_keeps_the_rest_of_the_transaction(app, make_school):
    school = make_school()
    school_id = school.id
    db.session.add(SchoolYearStat(school_id=school_id, academic_year=2568, pupils=1, teachers=1))
    db.session.commit()

    twin = SchoolYearStat(school_id=school_id, academic_year=2568, pupils=2, teachers=2)
    assert not add_unique(twin)
    db.session.add(SchoolYearStat(school_id=school_id, academic_year=2569, pupils=3, teachers=1))
    db.session.commit()

    assert _stats(school_id) == 2


def _backend_pid() -> int:
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.rollback()  # the connection goes back to the pool
    return pid


def test_an_idle_connection_the_server_dropped_is_replaced_before_it_is_lent(app, monkeypatch):
    """PostgreSQL: a pooled connection that sat idle is pinged first, and one the server
    closed is swapped for a new one, so the request never sees it; a connection used a moment
    ago is lent without a ping. (SQLite has no server to drop a connection.)"""
    from partnership.core import database

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server to drop a connection")
    db.session.rollback()
    db.engine.dispose()  # one connection in the pool from here (it lends the oldest idle one)
    pings = []
    real_ping = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda c: pings.append(1) or real_ping(c))
    first = _backend_pid()
    assert _backend_pid() == first and pings == []  # used a moment ago: lent as it is

    other = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    with other.connect() as connection:  # a connection of its own ends the first one's backend
        connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        connection.commit()
    other.dispose()
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)  # every pooled one is idle now
    second = _backend_pid()
    assert second != first and pings


def test_a_get_reads_in_a_read_only_transaction_that_keeps_its_prepared_statements(
    app, client, make_campaign
):
    """PostgreSQL: a safe request's transaction begins READ ONLY, so the database itself
    refuses a GET that writes, and ends with a COMMIT: psycopg forgets every statement it
    prepared at a ROLLBACK, so ending with one made every page plan its statements afresh."""
    from partnership.campaigns.models import Campaign

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's driver prepares no statement on the server")
    url = f"/campaigns/{make_campaign().id}"
    db.session.commit()
    db.engine.dispose()  # one connection, lent to each request in turn
    for _ in range(6):  # psycopg prepares a statement on its fifth run
        assert client.get(url).status_code == 200
    prepared = db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements")).all()
    db.session.commit()
    assert any("FROM campaigns LEFT OUTER JOIN" in statement for statement in prepared), prepared

    with app.test_request_context(url, method="GET"):
        app.preprocess_request()
        with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
            db.session.execute(sa.update(Campaign).values(title="x"))
    with app.test_request_context(url, method="POST"):
        app.preprocess_request()
        db.session.execute(sa.update(Campaign).values(title="แก้ไขแล้ว"))
        db.session.rollback()


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler(app, monkeypatch, tmp_path):
    from partnership.config import load_config

    monkeypatch.setenv("DATABASE_URL", "postgresql://127.0.0.1/test")
    assert load_config(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"] == {}
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "off")
    options = load_config(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"connect_args": {"prepare_threshold": None}}
    if db.engine.dialect.name == "postgresql":  # the driver takes it: nothing is prepared
        engine = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool, **options)
        with engine.connect() as connection:
            assert connection.connection.dbapi_connection.prepare_threshold is None
        engine.dispose()
