"""The public ledger names nobody whose name would undo "don't show my amount": the labels of
paid-gift rows of donors who hid their amount, and of refund and dispute rows, are blanked
(only the label column: amounts, kinds and sources stay). The campaign list's default order
(those still needing money first) gets its index.

Revision ID: 0016_ui_public
Revises: 0015_ui_giving
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_ui_public"
down_revision = "0015_ui_giving"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        sa.text(
            "UPDATE ledger_entries SET public_label = '' WHERE public_label <> ''"
            " AND kind IN ('refund', 'refund_reversed', 'dispute', 'dispute_reversed',"
            " 'offline_gift_reversed')"
        )
    )
    # A paid gift's row carries the donor's name as typed: blank it where a donor of the same
    # campaign with that name hid their amount (two donors of one name: both rows lose it).
    op.execute(
        sa.text(
            "UPDATE ledger_entries SET public_label = '' WHERE kind = 'donation_paid'"
            " AND public_label <> '' AND EXISTS (SELECT 1 FROM donations"
            " WHERE donations.campaign_id = ledger_entries.campaign_id"
            " AND donations.show_amount = :hidden"
            " AND substr(donations.donor_name, 1, 200) = ledger_entries.public_label)"
        ).bindparams(hidden=False)
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaigns_listing_need",
            ["listing_group", sa.text("state DESC"), "ends_at", "id"],
            unique=False,
        )


def downgrade():
    # The blanked labels stay blank: a name a donor hid is not put back.
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index("ix_campaigns_listing_need")
