"""Outcomes: a programme's outcome measures, the figures schools report for their funded
campaigns (reported → verified / returned) and their append-only history. New tables only:
every existing row is kept. The downgrade drops the three tables (and their figures).

Revision ID: 0025_outcomes
Revises: 0024_devices
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types

# revision identifiers, used by Alembic.
revision = "0025_outcomes"
down_revision = "0024_devices"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outcome_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("unit_th", sa.String(length=40), nullable=False),
        sa.Column("unit_en", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "count",
                "hours_per_week",
                name="outcome_measure_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "planned_from",
            sa.Enum(
                "none",
                "pupils",
                "teachers",
                "budget_quantity",
                name="outcome_planned_from",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("budget_item", sa.String(length=200), nullable=False),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "planned_from <> 'budget_quantity' OR budget_item <> ''",
            name=op.f("ck_outcome_measures_budget_item_named"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_outcome_measures_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_measures")),
        sa.UniqueConstraint(
            "programme_id", "key", name=op.f("uq_outcome_measures_programme_id_key")
        ),
    )
    with op.batch_alter_table("outcome_measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_measures_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "outcome_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "reported",
                "verified",
                "returned",
                name="outcome_report_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "state <> 'returned' OR return_reason <> ''",
            name=op.f("ck_outcome_reports_returned_has_reason"),
        ),
        sa.CheckConstraint(
            "state = 'reported' OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
            name=op.f("ck_outcome_reports_decided_has_who_and_when"),
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_outcome_reports_value_non_negative")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_outcome_reports_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_outcome_reports_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["outcome_measures.id"],
            name=op.f("fk_outcome_reports_measure_id_outcome_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["users.id"], name=op.f("fk_outcome_reports_reported_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_reports")),
    )
    with op.batch_alter_table("outcome_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outcome_reports_campaign_measure_state",
            ["campaign_id", "measure_id", "state"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_outcome_reports_measure_id"), ["measure_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outcome_reports_state"), ["state"], unique=False)

    op.create_table(
        "outcome_report_events",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "reported",
                "verified",
                "returned",
                name="outcome_event_from",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "reported",
                "verified",
                "returned",
                name="outcome_event_to",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_outcome_report_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["outcome_reports.id"],
            name=op.f("fk_outcome_report_events_report_id_outcome_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_report_events")),
    )
    with op.batch_alter_table("outcome_report_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_report_events_report_id"), ["report_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("outcome_report_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_report_events_report_id"))

    op.drop_table("outcome_report_events")
    with op.batch_alter_table("outcome_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_reports_state"))
        batch_op.drop_index(batch_op.f("ix_outcome_reports_measure_id"))
        batch_op.drop_index("ix_outcome_reports_campaign_measure_state")

    op.drop_table("outcome_reports")
    with op.batch_alter_table("outcome_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_measures_programme_id"))

    op.drop_table("outcome_measures")
