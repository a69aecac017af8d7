"""Public sessions of meetings with registration in advance (capacity, places taken by one
conditional UPDATE, a waiting list drawn from the session row) and their registrations (the
cancel link's secret stored only as its SHA-256). New tables only; no existing row changes.

Revision ID: 0031_public_sessions
Revises: 0028_governance
Create Date: 2026-12-07 07:19:08.961013

"""
from alembic import op
import sqlalchemy as sa

import partnership.db_types


# revision identifiers, used by Alembic.
revision = '0031_public_sessions'
down_revision = '0028_governance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('title_th', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('description_th', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('starts_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('waiting_drawn', sa.Integer(), nullable=False),
    sa.Column('registration_opens_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('registration_closes_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('meeting_url', sa.String(length=500), nullable=False),
    sa.Column('stream_url_th', sa.String(length=500), nullable=False),
    sa.Column('stream_url_en', sa.String(length=500), nullable=False),
    sa.Column('created_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_public_sessions_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_public_sessions_time_order')),
    sa.CheckConstraint('length(title_th) > 0', name=op.f('ck_public_sessions_has_title')),
    sa.CheckConstraint('registration_closes_at > registration_opens_at', name=op.f('ck_public_sessions_registration_order')),
    sa.CheckConstraint('taken >= 0 AND taken <= capacity', name=op.f('ck_public_sessions_taken_within_capacity')),
    sa.CheckConstraint('waiting_drawn >= 0', name=op.f('ck_public_sessions_waiting_drawn_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_public_sessions_created_by_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_public_sessions_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_sessions')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_public_sessions_meeting_id'))
    )
    op.create_table('session_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('state', sa.Enum('confirmed', 'waiting', 'cancelled', name='registration_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('queue_number', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('registered_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state != 'waiting' OR queue_number IS NOT NULL", name=op.f('ck_session_registrations_waiting_has_number')),
    sa.CheckConstraint('length(email) > 0', name=op.f('ck_session_registrations_has_email')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_session_registrations_has_name')),
    sa.ForeignKeyConstraint(['session_id'], ['public_sessions.id'], name=op.f('fk_session_registrations_session_id_public_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_registrations')),
    sa.UniqueConstraint('session_id', 'email', name=op.f('uq_session_registrations_session_id_email')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_session_registrations_token_hash'))
    )
    with op.batch_alter_table('session_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_session_registrations_queue', ['session_id', 'state', 'queue_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_registrations_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_registrations_session_id'))
        batch_op.drop_index('ix_session_registrations_queue')

    op.drop_table('session_registrations')
    op.drop_table('public_sessions')
