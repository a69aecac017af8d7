"""One history shape: every event table holds who (actor_id), when (at), what (kind), from_state,
to_state and reason; network admission gets its own history (network_events).

Every row is kept: ``created_at`` is renamed ``at``; the tables without a ``kind`` get "moved"
(their rows are state moves); e-Donation events get an empty reason; review events get the
states their kind implies (submitted: draft → submitted, reopened: submitted → draft); access
events may name no actor in the shape, but a CHECK keeps them a member of staff's act. Each
school that is somewhere in the network process gets one event with where it stands now.

Revision ID: 0020_history
Revises: 0018_assignment_end
"""

from datetime import UTC, datetime, time, timedelta, timezone

import sqlalchemy as sa
from alembic import op

import partnership.db_types

revision = "0020_history"
down_revision = "0018_assignment_end"
branch_labels = None
depends_on = None

#: Tables whose rows are all state moves and that had no ``kind``.
MOVE_TABLES = ("programme_events", "campaign_events", "application_events")
#: Tables that called "when" ``created_at``.
RENAMED = ("review_events", "programme_events", "access_events", "campaign_events",
           "application_events")  # fmt: skip
REVIEW_STATES = ("draft", "submitted")
NETWORK_STATES = ("none", "applicant", "member", "declined", "left")
BANGKOK = timezone(timedelta(hours=7))


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    for table in RENAMED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("created_at", new_column_name="at", existing_nullable=False)
    for table in MOVE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("kind", sa.String(length=40), nullable=False, server_default="moved")
            )
    with op.batch_alter_table("edonation_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=40), nullable=False, server_default="moved")
        )
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
    for table in (*MOVE_TABLES, "edonation_events"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "kind",
                server_default=None,
                existing_type=sa.String(length=40),
                existing_nullable=False,
            )
    with op.batch_alter_table("edonation_events", schema=None) as batch_op:
        batch_op.alter_column(
            "reason", server_default=None, existing_type=sa.Text(), existing_nullable=False
        )

    with op.batch_alter_table("review_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_state", sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column("to_state", sa.String(length=9), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_review_events_review_event_from"), _in("from_state", REVIEW_STATES)
        )
        batch_op.create_check_constraint(
            op.f("ck_review_events_review_event_to"), _in("to_state", REVIEW_STATES)
        )
    op.execute(
        "UPDATE review_events SET from_state = 'draft', to_state = 'submitted'"
        " WHERE kind = 'submitted'"
    )
    op.execute(
        "UPDATE review_events SET from_state = 'submitted', to_state = 'draft'"
        " WHERE kind = 'reopened'"
    )

    with op.batch_alter_table("access_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_state", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("to_state", sa.String(length=20), nullable=True))
        batch_op.alter_column("actor_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_access_events_has_actor"), "actor_id IS NOT NULL"
        )

    network_events = op.create_table(
        "network_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=9), nullable=True),
        sa.Column("to_state", sa.String(length=9), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            _in("from_state", NETWORK_STATES), name=op.f("ck_network_events_network_event_from")
        ),
        sa.CheckConstraint(
            _in("to_state", NETWORK_STATES), name=op.f("ck_network_events_network_event_to")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_network_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_network_events_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_events")),
    )
    with op.batch_alter_table("network_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_events_school_id"), ["school_id"], unique=False
        )
    op.bulk_insert(network_events, list(_network_now()))


def _network_now():
    """One event per school in the network process: where it stands, dated by the latest date
    its columns know (applied, joined, left; else when the school was added), with its note."""
    schools = sa.table(
        "schools",
        sa.column("id", sa.Integer()),
        sa.column("network_status", sa.String()),
        sa.column("network_applied_at", partnership.db_types.UTCDateTime(timezone=True)),
        sa.column("network_joined_on", sa.Date()),
        sa.column("network_left_on", sa.Date()),
        sa.column("network_note", sa.Text()),
        sa.column("created_at", partnership.db_types.UTCDateTime(timezone=True)),
    )
    rows = op.get_bind().execute(
        sa.select(schools).where(schools.c.network_status != "none").order_by(schools.c.id)
    )
    for row in rows:
        known = [
            day
            for day in (
                row.network_applied_at,
                _start_of(row.network_joined_on),
                _start_of(row.network_left_on),
            )
            if day is not None
        ]
        yield {
            "school_id": row.id,
            "actor_id": None,
            "at": max(known) if known else row.created_at,
            "kind": "moved",
            "from_state": None,
            "to_state": row.network_status,
            "reason": row.network_note or "",
        }


def _start_of(day):
    if day is None:
        return None
    return datetime.combine(day, time(), BANGKOK).astimezone(UTC)


def downgrade():
    with op.batch_alter_table("network_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_events_school_id"))
    op.drop_table("network_events")

    with op.batch_alter_table("access_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_access_events_has_actor"), type_="check")
        batch_op.alter_column("actor_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("to_state")
        batch_op.drop_column("from_state")

    with op.batch_alter_table("review_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_review_events_review_event_to"), type_="check")
        batch_op.drop_constraint(op.f("ck_review_events_review_event_from"), type_="check")
        batch_op.drop_column("to_state")
        batch_op.drop_column("from_state")

    with op.batch_alter_table("edonation_events", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("kind")
    for table in MOVE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("kind")
    for table in RENAMED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("at", new_column_name="created_at", existing_nullable=False)
