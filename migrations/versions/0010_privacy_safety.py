"""Public campaign pages know when something they show changed besides money and state (a
donor's erasure, a pledge ended, an edit): one append-only row per change, whose newest id is
part of the kept page's version.

Revision ID: 0010_privacy_safety
Revises: 0008_refunds_disputes
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types

revision = "0010_privacy_safety"
down_revision = "0008_refunds_disputes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "page_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_page_changes_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_changes")),
    )
    with op.batch_alter_table("page_changes", schema=None) as batch_op:
        batch_op.create_index("ix_page_changes_campaign_id_id", ["campaign_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("page_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_page_changes_campaign_id_id")
    op.drop_table("page_changes")
