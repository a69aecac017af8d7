"""An offline gift whose bank reference was already on a live gift of its campaign is recorded
only with a reason, kept with the gift.

Revision ID: 0017_ui_thai
Revises: 0016_ui_public
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_ui_thai"
down_revision = "0016_ui_public"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("offline_gifts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("duplicate_reason", sa.Text(), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("offline_gifts", schema=None) as batch_op:
        batch_op.drop_column("duplicate_reason")
