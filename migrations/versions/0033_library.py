"""Library: the lessons shared (published minutes, final reports of funded projects, documents
staff choose), each entry with its append-only history; a trigram index for the free-text
search on PostgreSQL. No existing row changes.

Revision ID: 0033_library
Revises: 0032_action_items
Create Date: 2026-12-07 07:21:20.297603

"""
from alembic import op
import sqlalchemy as sa

import partnership.db_types


# revision identifiers, used by Alembic.
revision = '0033_library'
down_revision = '0032_action_items'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('library_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('document', 'minutes', 'final_report', name='library_entry_source', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('title_th', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('summary_th', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('topic', sa.Enum('policy', 'financing', 'delivery', 'monitoring', 'lessons', 'area_based', 'digital', 'teachers', 'governance', name='library_entry_topic', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=True),
    sa.Column('year_be', sa.Integer(), nullable=False),
    sa.Column('file_key', sa.String(length=60), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('link_url', sa.String(length=500), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('published', 'withdrawn', name='library_entry_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('withdrawn_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(source = 'document') = (source_id IS NULL)", name=op.f('ck_library_entries_source_record_iff_not_document')),
    sa.CheckConstraint("(state = 'withdrawn') = (withdrawn_at IS NOT NULL)", name=op.f('ck_library_entries_withdrawn_has_time')),
    sa.CheckConstraint("file_key IS NOT NULL OR link_url <> ''", name=op.f('ck_library_entries_has_file_or_link')),
    sa.CheckConstraint("state <> 'withdrawn' OR withdraw_reason <> ''", name=op.f('ck_library_entries_withdrawn_has_reason')),
    sa.CheckConstraint('length(title_th) > 0', name=op.f('ck_library_entries_has_title')),
    sa.CheckConstraint('year_be BETWEEN 2500 AND 2700', name=op.f('ck_library_entries_year_be_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_library_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_library_entries_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_entries')),
    sa.UniqueConstraint('file_key', name=op.f('uq_library_entries_file_key')),
    sa.UniqueConstraint('source', 'source_id', name=op.f('uq_library_entries_source_source_id'))
    )
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_entries_province_code'), ['province_code'], unique=False)
        batch_op.create_index('ix_library_entries_state_year', ['state', 'year_be', 'id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_library_entries_search_trgm",
            "library_entries",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )

    op.create_table('library_entry_events',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_library_entry_events_actor_id_users')),
    sa.ForeignKeyConstraint(['entry_id'], ['library_entries.id'], name=op.f('fk_library_entry_events_entry_id_library_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_entry_events'))
    )
    with op.batch_alter_table('library_entry_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_entry_events_entry_id'), ['entry_id'], unique=False)



def downgrade():
    with op.batch_alter_table('library_entry_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_entry_events_entry_id'))

    op.drop_table('library_entry_events')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_library_entries_search_trgm", table_name="library_entries")
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_library_entries_state_year')
        batch_op.drop_index(batch_op.f('ix_library_entries_province_code'))

    op.drop_table('library_entries')
