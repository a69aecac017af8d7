"""Governance: files attached to agenda items (agenda_attachments: PDFs and images in the file
store under random keys, served after the meeting's visibility check). No existing row changes.

Revision ID: 0029_agenda_files
Revises: 0028_governance
Create Date: 2026-12-07 07:19:12.990769

"""
from alembic import op
import sqlalchemy as sa

import partnership.db_types


# revision identifiers, used by Alembic.
revision = '0029_agenda_files'
down_revision = '0028_governance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agenda_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(filename) > 0', name=op.f('ck_agenda_attachments_has_name')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_agenda_attachments_not_empty')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_agenda_attachments_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_agenda_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_agenda_attachments_storage_key'))
    )
    with op.batch_alter_table('agenda_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_attachments_agenda_item_id'), ['agenda_item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('agenda_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_attachments_agenda_item_id'))

    op.drop_table('agenda_attachments')
