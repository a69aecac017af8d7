"""Governance minutes: one set of minutes per meeting (drafted, circulated, approved at a
later meeting, locked) and their append-only history with the text after each event. Only new
tables; no existing row changes.

Revision ID: 0030_minutes
Revises: 0029_agenda_files
Create Date: 2026-12-07 07:20:13.015774

"""
from alembic import op
import sqlalchemy as sa

import partnership.db_types


# revision identifiers, used by Alembic.
revision = '0030_minutes'
down_revision = '0029_agenda_files'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('drafted', 'circulated', 'approved', 'locked', name='minutes_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('text_th', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('circulated_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approval_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('locked_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(state = 'locked') = (locked_at IS NOT NULL)", name=op.f('ck_meeting_minutes_locked_has_time')),
    sa.CheckConstraint("(state IN ('approved', 'locked')) = (approval_id IS NOT NULL AND approved_at IS NOT NULL)", name=op.f('ck_meeting_minutes_approved_has_resolution')),
    sa.CheckConstraint("state = 'drafted' OR circulated_at IS NOT NULL", name=op.f('ck_meeting_minutes_circulated_has_time')),
    sa.CheckConstraint('length(text_th) > 0', name=op.f('ck_meeting_minutes_has_text')),
    sa.CheckConstraint('revision >= 1', name=op.f('ck_meeting_minutes_revision_positive')),
    sa.ForeignKeyConstraint(['approval_id'], ['resolutions.id'], name=op.f('fk_meeting_minutes_approval_id_resolutions')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_meeting_minutes_drafted_by_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_minutes_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_minutes')),
    sa.UniqueConstraint('approval_id', name=op.f('uq_meeting_minutes_approval_id')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_meeting_minutes_meeting_id'))
    )
    with op.batch_alter_table('meeting_minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_minutes_state'), ['state'], unique=False)

    op.create_table('minutes_events',
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('text_th', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint("to_state IS NULL OR to_state IN ('drafted', 'circulated', 'approved', 'locked')", name=op.f('ck_minutes_events_known_state')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_minutes_events_actor_id_users')),
    sa.ForeignKeyConstraint(['minutes_id'], ['meeting_minutes.id'], name=op.f('fk_minutes_events_minutes_id_meeting_minutes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_events'))
    )
    with op.batch_alter_table('minutes_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_events_minutes_id'), ['minutes_id'], unique=False)



def downgrade():
    with op.batch_alter_table('minutes_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_events_minutes_id'))

    op.drop_table('minutes_events')
    with op.batch_alter_table('meeting_minutes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_minutes_state'))

    op.drop_table('meeting_minutes')
