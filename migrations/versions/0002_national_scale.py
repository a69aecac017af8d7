"""National scale: indexes for the ranking, screening and the 30,000-school registry.

The trigram index (ILIKE '%q%' on names, codes and districts) exists only on PostgreSQL;
SQLite has no counterpart and searches by scanning.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEARCHED = ("name_th", "name_en", "code", "district")


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_programme_id")  # the new index starts with it
        batch_op.create_index(
            "ix_applications_programme_state_submitted",
            ["programme_id", "state", "submitted_at"],
            unique=False,
        )
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_index("ix_schools_province_code")
        batch_op.drop_index("ix_schools_network_status")
        batch_op.create_index(
            "ix_schools_province_name", ["province_code", "name_th", "id"], unique=False
        )
        batch_op.create_index(
            "ix_schools_status_province_name",
            ["network_status", "province_code", "name_th"],
            unique=False,
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_schools_search_trgm",
            "schools",
            list(SEARCHED),
            postgresql_using="gin",
            postgresql_ops=dict.fromkeys(SEARCHED, "gin_trgm_ops"),
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_schools_search_trgm", table_name="schools")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_index("ix_schools_status_province_name")
        batch_op.drop_index("ix_schools_province_name")
        batch_op.create_index("ix_schools_network_status", ["network_status"], unique=False)
        batch_op.create_index("ix_schools_province_code", ["province_code"], unique=False)
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_programme_state_submitted")
        batch_op.create_index("ix_applications_programme_id", ["programme_id"], unique=False)
