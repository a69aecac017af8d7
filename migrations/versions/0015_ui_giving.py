"""Ledger rows say how they move the campaign's donor count (``donor_delta``): a paid
donation +1, the refund that returns a donation in full -1, so "3 donors" no longer counts a
gift refunded in full, and ``flask ledger verify`` sums the same column.

Existing paid-donation rows get +1 and every other row 0: the counters already stored agree
with the rows as they are (gifts refunded in full before this revision stay counted).

Revision ID: 0015_ui_giving
Revises: 0013_mfa
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_ui_giving"
down_revision = "0013_mfa"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("donor_delta", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_ledger_entries_donor_delta_one"), "donor_delta IN (-1, 0, 1)"
        )
    op.execute("UPDATE ledger_entries SET donor_delta = 1 WHERE kind = 'donation_paid'")


def downgrade():
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ledger_entries_donor_delta_one"), type_="check")
        batch_op.drop_column("donor_delta")
