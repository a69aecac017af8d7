"""School data per academic year: pupils per grade (อ.1 … ม.6), computers on hand, the
collection windows and the history of every entry. Every existing row of school_year_stats is
kept as it was: its pupils stay a total without a grade split (every grade empty), and its
computers on hand stay unknown (empty). The downgrade drops the new tables and columns.

Revision ID: 0027_school_data
Revises: 0026_figures
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types

# revision identifiers, used by Alembic.
revision = "0027_school_data"
down_revision = "0026_figures"
branch_labels = None
depends_on = None

#: Frozen here (the models may change later): อ.1–3, ป.1–6, ม.1–6.
GRADES = ("k1", "k2", "k3", "p1", "p2", "p3", "p4", "p5", "p6",
          "m1", "m2", "m3", "m4", "m5", "m6")  # fmt: skip
COLUMNS = tuple(f"grade_{g}" for g in GRADES)
NON_NEGATIVE = " AND ".join(f"{c} >= 0" for c in COLUMNS)
SUM_TO_PUPILS = (
    "(" + " AND ".join(f"{c} IS NULL" for c in COLUMNS) + ") OR COALESCE("
    + " + ".join(COLUMNS) + ", -1) = pupils"
)  # fmt: skip


def upgrade():
    with op.batch_alter_table("school_year_stats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("devices_on_hand", sa.Integer(), nullable=True))
        for column in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_school_year_stats_devices_non_negative"), "devices_on_hand >= 0"
        )
        batch_op.create_check_constraint(
            op.f("ck_school_year_stats_grades_non_negative"), NON_NEGATIVE
        )
        batch_op.create_check_constraint(
            op.f("ck_school_year_stats_grades_sum_to_pupils"), SUM_TO_PUPILS
        )
        batch_op.create_index(
            "ix_school_year_stats_year_school", ["academic_year", "school_id"], unique=False
        )

    op.create_table(
        "school_data_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(closed_at IS NULL) = (closed_by_id IS NULL)",
            name=op.f("ck_school_data_windows_closed_has_actor"),
        ),
        sa.CheckConstraint(
            "closes_on >= opens_on", name=op.f("ck_school_data_windows_dates_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_school_data_windows_closed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_school_data_windows_opened_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_data_windows")),
        sa.UniqueConstraint("academic_year", name="uq_school_data_windows_academic_year"),
    )
    op.create_table(
        "school_data_events",
        sa.Column("stat_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_school_data_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["stat_id"],
            ["school_year_stats.id"],
            name=op.f("fk_school_data_events_stat_id_school_year_stats"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_data_events")),
    )
    with op.batch_alter_table("school_data_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_data_events_stat_id"), ["stat_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("school_data_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_data_events_stat_id"))
    op.drop_table("school_data_events")
    op.drop_table("school_data_windows")
    with op.batch_alter_table("school_year_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_school_year_stats_year_school")
        batch_op.drop_constraint(op.f("ck_school_year_stats_grades_sum_to_pupils"), type_="check")
        batch_op.drop_constraint(op.f("ck_school_year_stats_grades_non_negative"), type_="check")
        batch_op.drop_constraint(op.f("ck_school_year_stats_devices_non_negative"), type_="check")
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
        batch_op.drop_column("devices_on_hand")
