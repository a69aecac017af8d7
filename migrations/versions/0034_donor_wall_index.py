"""The donor wall's own index: a campaign's paid gifts (paid or partly refunded) by id, so the
newest ten are read from the index's end instead of every gift of the campaign being read and
sorted. An index only: no row changes.

Revision ID: 0034_donor_wall_index
Revises: 0033_library
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_donor_wall_index"
down_revision = "0033_library"
branch_labels = None
depends_on = None

WALL_STATES = sa.text("state IN ('paid', 'partially_refunded')")


def upgrade():
    op.create_index(
        "ix_donations_wall",
        "donations",
        ["campaign_id", "id"],
        unique=False,
        sqlite_where=WALL_STATES,
        postgresql_where=WALL_STATES,
    )


def downgrade():
    op.drop_index("ix_donations_wall", table_name="donations")
