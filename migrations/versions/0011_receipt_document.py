"""A receipt is a document: it states its amount, and a refund cancels it (and, when some of the
gift was kept, a new receipt for what was kept replaces it) instead of changing it.

Existing receipts acknowledge their donation's whole amount, as they were printed. A donation
may now have several receipts, of which at most one is not cancelled.

Revision ID: 0011_receipt_document
Revises: 0010_privacy_safety
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types

revision = "0011_receipt_document"
down_revision = "0010_privacy_safety"
branch_labels = None
depends_on = None

LIVE = sa.text("cancelled_at IS NULL")


def upgrade():
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_satang", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "cancelled_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE receipts SET amount_satang ="
        " (SELECT donations.amount_satang FROM donations WHERE donations.id = receipts.donation_id)"
    )
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.alter_column("amount_satang", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(op.f("uq_receipts_donation_id"), type_="unique")
        batch_op.create_index(op.f("ix_receipts_donation_id"), ["donation_id"], unique=False)
        batch_op.create_foreign_key(
            op.f("fk_receipts_replaced_by_id_receipts"), "receipts", ["replaced_by_id"], ["id"]
        )
        batch_op.create_check_constraint(op.f("ck_receipts_amount_positive"), "amount_satang > 0")
        batch_op.create_check_constraint(
            op.f("ck_receipts_replaced_when_cancelled"),
            "replaced_by_id IS NULL OR cancelled_at IS NOT NULL",
        )
    op.create_index(
        "uq_receipts_live_donation",
        "receipts",
        ["donation_id"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def downgrade():
    # The old schema holds one receipt per donation: refuse rather than delete a document.
    several = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM receipts WHERE replaced_by_id IS NOT NULL")
    )
    if several:
        raise RuntimeError(f"{several} receipts were replaced: they cannot go back to one each")
    op.drop_index("uq_receipts_live_donation", table_name="receipts")
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_receipts_replaced_when_cancelled"), type_="check")
        batch_op.drop_constraint(op.f("ck_receipts_amount_positive"), type_="check")
        batch_op.drop_constraint(op.f("fk_receipts_replaced_by_id_receipts"), type_="foreignkey")
        batch_op.drop_index(op.f("ix_receipts_donation_id"))
        batch_op.drop_column("replaced_by_id")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("amount_satang")
        batch_op.create_unique_constraint(op.f("uq_receipts_donation_id"), ["donation_id"])
