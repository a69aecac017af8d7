"""Engine settings that make SQLite behave like a real database under concurrent requests.

SQLite gets WAL (readers never block the writer), a busy timeout (a second writer waits instead
of failing with "database is locked"), foreign keys enforced as on PostgreSQL, and writing
transactions that start with ``BEGIN IMMEDIATE``: the write lock is taken before the first read,
so a check and the write that depends on it cannot interleave with another writer's. A savepoint
always sits inside a transaction, so rolling the session back undoes what it wrote. Requests
with a safe method (GET, HEAD, OPTIONS) read in parallel; commands mark themselves writers with
:func:`writing_transactions`.
PostgreSQL needs none of this: its row locks and conditional updates do the work. Its pooled
connections are checked (one ``SELECT 1``) before they are lent only after sitting idle for
``IDLE_PING_SECONDS``: a connection used a moment ago is lent as it is, sparing every request a
round trip (SQLAlchemy's ``pool_pre_ping`` pings on every checkout).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask import Flask, request

#: Seconds a writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT = 30

#: A pooled PostgreSQL connection idle this long is pinged before it is lent. One the server
#: dropped sooner (a restart under load) fails its request with a 503 (``core.views``), and
#: SQLAlchemy then replaces every connection of the pool opened before that moment.
IDLE_PING_SECONDS = 10.0

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_writer: ContextVar[bool] = ContextVar("sqlite_writer", default=False)

#: Set for a request with a safe method: on PostgreSQL its transactions begin READ ONLY.
_reader: ContextVar[bool] = ContextVar("safe_request", default=False)


@contextmanager
def writing_transactions() -> Iterator[None]:
    """Outside a request (CLI commands, jobs), make the transactions started here immediate."""
    token = _writer.set(True)
    try:
        yield
    finally:
        _writer.reset(token)


def _writing() -> bool:
    """Whether the transaction about to start is a writer's: an unsafe request, or a job."""
    return _writer.get()


def configure_sqlite(engine: sa.Engine) -> None:
    """Install the connection and transaction hooks on a SQLite engine (no-op otherwise)."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        # A reader keeps the driver's behaviour (a deferred BEGIN before its first write).
        if _writing():
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    @sa.event.listens_for(engine, "savepoint")
    def on_savepoint(connection, _name) -> None:
        # The driver opens its own (deferred) transaction only before INSERT, UPDATE or DELETE:
        # a SAVEPOINT outside one would open a transaction of its own that its RELEASE commits,
        # so what the savepoint wrote would outlive a rollback of the session. A savepoint is
        # taken to write, so it starts the writer's transaction first.
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def configure_postgresql(engine: sa.Engine) -> None:
    """Ping a pooled connection before lending it only when it sat idle, and begin a safe
    request's transactions READ ONLY (no-op but PostgreSQL)."""
    if engine.dialect.name != "postgresql":
        return

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        # psycopg sends BEGIN itself before the first statement: setting the attribute now
        # makes that BEGIN READ ONLY (no round trip of its own). PostgreSQL then refuses any
        # write of a GET, and the request may end the transaction with a COMMIT (see
        # end_request).
        dbapi_connection = connection.connection.dbapi_connection
        reading = _reader.get()
        if dbapi_connection.read_only is not reading:
            dbapi_connection.read_only = reading

    @sa.event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")  # None: opened just now
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool drops this connection and lends another (SQLAlchemy's documented
            # pessimistic ping).
            raise sa.exc.DisconnectionError(str(error)) from error


def init_database(app: Flask) -> None:
    """Configure the app's engine once it exists."""
    from ..extensions import db
    from .unit_of_work import end_read_only

    with app.app_context():
        configure_sqlite(db.engine)
        configure_postgresql(db.engine)

    def start_request() -> None:
        safe = request.method in SAFE_METHODS
        _writer.set(not safe)
        _reader.set(safe)

    # First of all before_request functions, so no query runs before the flag is set.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.teardown_request
    def end_request(_exc) -> None:
        # The unit of work has committed or rolled back; whatever was read afterwards (a GET, a
        # streamed body) must not keep a lock past the response (the session itself is removed
        # with the app context).
        _writer.set(False)
        _reader.set(False)
        if _read_only_transaction():
            try:
                end_read_only()
                return
            except sa.exc.SQLAlchemyError:
                pass  # a connection lost mid-request: rolled back below, as any other
        db.session.rollback()

    def _read_only_transaction() -> bool:
        # A READ ONLY transaction wrote nothing, so its COMMIT is a rollback in effect; but
        # psycopg forgets every statement it prepared at a ROLLBACK, and a COMMIT keeps them:
        # the pages' statements are planned once per connection instead of on every request.
        session = db.session()
        if not session.in_transaction():
            return False
        try:
            connection = session.connection()
        except sa.exc.SQLAlchemyError:
            return False
        return bool(getattr(connection.connection.dbapi_connection, "read_only", False))
