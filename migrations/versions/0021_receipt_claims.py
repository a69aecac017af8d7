"""A paid gift waits for its receipt number in ``receipt_claims``: the number is given after the
payment commits, in paid order, by one claimer, instead of inside every payment's transaction
(where the year's counter row was locked until each payment committed).

Revision ID: 0021_receipt_claims
Revises: 0020_history
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types

revision = "0021_receipt_claims"
down_revision = "0020_history"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "receipt_claims",
        sa.Column("donation_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("numbered_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["donation_id"],
            ["donations.id"],
            name=op.f("fk_receipt_claims_donation_id_donations"),
        ),
        sa.PrimaryKeyConstraint("donation_id", name=op.f("pk_receipt_claims")),
    )


def downgrade():
    op.drop_table("receipt_claims")
