"""The schema built by ``flask db upgrade`` is exactly the models' schema, on every backend.

Alembic's comparison sees tables, columns, types, indexes and unique and foreign keys, but not
CHECK constraints, and so not the values an enum column allows. Those are compared here too: the
models' constraints are compiled for the backend into a scratch schema (a PostgreSQL schema, an
in-memory SQLite database) and read back the same way as the migrated ones, so the backend itself
normalises both sides (PostgreSQL's ``pg_get_constraintdef``, SQLite's CREATE TABLE text).
"""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from partnership.applications.models import ApplicationState
from partnership.db_types import include_in_comparison


def test_upgrade_gives_the_models_schema(app, db):
    with db.engine.connect() as conn:
        # Indexes made only on another backend (PostgreSQL's trigram index) are not drift.
        opts = {"compare_type": True, "include_object": include_in_comparison(conn.dialect.name)}
        context = MigrationContext.configure(conn, opts=opts)
        assert compare_metadata(context, db.metadata) == []


def test_the_trigram_search_index_exists_on_postgresql_only(app, db):
    indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("schools")}
    assert ("ix_schools_search_trgm" in indexes) == (db.engine.dialect.name == "postgresql")
    assert {"ix_schools_province_name", "ix_schools_status_province_name"} <= indexes


def test_every_model_table_exists(app, db):
    tables = set(sa.inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_gives_the_models_check_constraints(app, db):
    declared = {
        (table.name, constraint.name)
        for table in db.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, sa.CheckConstraint)
    }
    with db.engine.connect() as conn:
        migrated = check_constraints(conn)
        expected = models_check_constraints(conn, db.metadata)
    assert set(expected) == declared  # every declared constraint was read back
    assert ("applications", "ck_applications_application_state") in declared
    assert check_drift(migrated, expected) == []


def test_an_enum_value_missing_from_the_migration_is_drift(app, db):
    """A model's enum gains a value the migration does not have: the comparison reports it."""
    models = with_extra_enum_value(db.metadata, "applications", "state", "on_hold")
    with db.engine.connect() as conn:
        drift = check_drift(check_constraints(conn), models_check_constraints(conn, models))
    assert [(table, name) for table, name, *_ in drift] == [
        ("applications", "ck_applications_application_state")
    ]
    ((_, _, in_database, in_models),) = drift
    assert "on_hold" in in_models and "on_hold" not in in_database
    assert all(state.value in in_database for state in ApplicationState)


def test_a_check_constraint_missing_or_changed_is_drift(app, db):
    models = sa.MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(models)
    programmes = models.tables["programmes"]
    (cap,) = [c for c in programmes.constraints if c.name == "ck_programmes_cap_positive"]
    programmes.constraints.remove(cap)
    programmes.append_constraint(
        sa.CheckConstraint("cap_satang >= 0", name=sa.sql.elements.conv(cap.name))
    )
    schools = models.tables["schools"]
    (order,) = [c for c in schools.constraints if c.name == "ck_schools_grade_order"]
    schools.constraints.remove(order)
    with db.engine.connect() as conn:
        drift = check_drift(check_constraints(conn), models_check_constraints(conn, models))
    assert sorted((table, name) for table, name, *_ in drift) == [
        ("programmes", "ck_programmes_cap_positive"),
        ("schools", "ck_schools_grade_order"),
    ]


# Reading CHECK constraints ---------------------------------------------------------------------


def check_constraints(conn, schema: str | None = None) -> dict[tuple[str, str], str]:
    """(table, constraint name) -> the constraint's expression as the database keeps it."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            sa.text(
                "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
                " JOIN pg_class t ON t.oid = c.conrelid"
                " JOIN pg_namespace n ON n.oid = t.relnamespace"
                " WHERE c.contype = 'c' AND n.nspname = coalesce(:schema, current_schema())"
            ),
            {"schema": schema},
        )
        return {(table, name): _normalised(sql) for table, name, sql in rows}
    inspector = sa.inspect(conn)
    return {
        (table, constraint["name"]): _normalised(constraint["sqltext"])
        for table in inspector.get_table_names(schema=schema)
        for constraint in inspector.get_check_constraints(table, schema=schema)
    }


def models_check_constraints(conn, metadata: sa.MetaData) -> dict[tuple[str, str], str]:
    """The models' CHECK constraints, compiled for ``conn``'s backend and read back from it."""
    with _scratch_schema(conn) as (scratch, schema):
        metadata.create_all(scratch)
        return check_constraints(scratch, schema)


@contextmanager
def _scratch_schema(conn):
    if conn.dialect.name == "postgresql":
        schema = f"models_{uuid.uuid4().hex[:10]}"
        with conn.engine.connect() as scratch:
            scratch.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            try:
                yield scratch.execution_options(schema_translate_map={None: schema}), schema
            finally:
                scratch.rollback()  # PostgreSQL's DDL is transactional: the schema goes too
        return
    engine = sa.create_engine("sqlite://")
    try:
        with engine.connect() as scratch:
            yield scratch, None
    finally:
        engine.dispose()


def _normalised(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def check_drift(
    in_database: dict[tuple[str, str], str], in_models: dict[tuple[str, str], str]
) -> list[tuple[str, str, str | None, str | None]]:
    """(table, name, database's expression, models' expression) for each difference."""
    keys = sorted(set(in_database) | set(in_models))
    return [
        (*key, in_database.get(key), in_models.get(key))
        for key in keys
        if in_database.get(key) != in_models.get(key)
    ]


def with_extra_enum_value(
    metadata: sa.MetaData, table_name: str, column_name: str, value: str
) -> sa.MetaData:
    """A copy of ``metadata`` whose enum column allows one more value, as when a model's enum
    gains a member and nobody regenerates the migration."""
    models = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(models)
    table = models.tables[table_name]
    column = table.c[column_name]
    (bound,) = [
        c
        for c in table.constraints
        if isinstance(c, sa.CheckConstraint) and c.name.endswith(f"_{column.type.name}")
    ]
    table.constraints.remove(bound)
    allowed = [*column.type.enums, value]
    table.append_constraint(
        sa.CheckConstraint(
            sa.type_coerce(column, sa.String()).in_(allowed), name=sa.sql.elements.conv(bound.name)
        )
    )
    return models
