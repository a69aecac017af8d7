"""Action items from resolutions: what, the owner (a body member, a user or an organisation),
the Bangkok due day, the status, the reminders' claims, and their append-only history. No
existing row changes.

Revision ID: 0032_action_items
Revises: 0031_public_sessions
Create Date: 2026-12-07 07:18:45.158217

"""
from alembic import op
import sqlalchemy as sa

import partnership.db_types


# revision identifiers, used by Alembic.
revision = '0032_action_items'
down_revision = '0031_public_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resolution_id', sa.Integer(), nullable=False),
    sa.Column('title_th', sa.String(length=500), nullable=False),
    sa.Column('title_en', sa.String(length=500), nullable=False),
    sa.Column('owner_member_id', sa.Integer(), nullable=True),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'in_progress', 'done', 'cancelled', name='action_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('done_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_due_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_overdue_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'done') = (done_at IS NOT NULL)", name=op.f('ck_action_items_done_has_time')),
    sa.CheckConstraint('(CASE WHEN owner_member_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN owner_user_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN owner_organisation_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_action_items_one_owner')),
    sa.CheckConstraint('length(title_th) > 0', name=op.f('ck_action_items_has_title')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_action_items_created_by_id_users')),
    sa.ForeignKeyConstraint(['owner_member_id'], ['body_members.id'], name=op.f('fk_action_items_owner_member_id_body_members')),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisations.id'], name=op.f('fk_action_items_owner_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_action_items_owner_user_id_users')),
    sa.ForeignKeyConstraint(['resolution_id'], ['resolutions.id'], name=op.f('fk_action_items_resolution_id_resolutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items'))
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_items_owner_member_id'), ['owner_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_owner_organisation_id'), ['owner_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_owner_user_id'), ['owner_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_resolution_id'), ['resolution_id'], unique=False)
        batch_op.create_index('ix_action_items_status_due_on', ['status', 'due_on'], unique=False)

    op.create_table('action_item_events',
    sa.Column('action_item_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint("to_state IS NULL OR to_state IN ('open', 'in_progress', 'done', 'cancelled')", name=op.f('ck_action_item_events_known_state')),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_items.id'], name=op.f('fk_action_item_events_action_item_id_action_items')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_action_item_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_item_events'))
    )
    with op.batch_alter_table('action_item_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_item_events_action_item_id'), ['action_item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('action_item_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_item_events_action_item_id'))

    op.drop_table('action_item_events')
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index('ix_action_items_status_due_on')
        batch_op.drop_index(batch_op.f('ix_action_items_resolution_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_owner_user_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_owner_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_owner_member_id'))

    op.drop_table('action_items')
