"""A review assignment that is withdrawn is ended with when, by whom and why instead of deleted;
one current assignment per (member, application), ended ones kept as history.

Revision ID: 0018_assignment_end
Revises: 0017_ui_thai
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types

revision = "0018_assignment_end"
down_revision = "0017_ui_thai"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("review_assignments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ended_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("ended_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.create_foreign_key(
            batch_op.f("fk_review_assignments_ended_by_id_users"), "users", ["ended_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_review_assignments_ended_has_reason"),
            "ended_at IS NULL OR end_reason <> ''",
        )
        batch_op.drop_constraint("uq_review_assignments_member_id_application_id", type_="unique")
        batch_op.create_index(
            "uq_review_assignments_current",
            ["member_id", "application_id"],
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )


def downgrade():
    # Ended rows would break the old one-row-per-pair constraint: keep only the newest per pair.
    op.execute(
        "DELETE FROM review_assignments WHERE ended_at IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM review_assignments other WHERE other.member_id = "
        "review_assignments.member_id AND other.application_id = review_assignments.application_id"
        " AND other.id > review_assignments.id)"
    )
    with op.batch_alter_table("review_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("uq_review_assignments_current"))
        batch_op.create_unique_constraint(
            batch_op.f("uq_review_assignments_member_id_application_id"),
            ["member_id", "application_id"],
        )
        batch_op.drop_constraint(
            batch_op.f("ck_review_assignments_ended_has_reason"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_review_assignments_ended_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("end_reason")
        batch_op.drop_column("ended_by_id")
        batch_op.drop_column("ended_at")
