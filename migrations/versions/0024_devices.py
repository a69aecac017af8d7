"""Devices: each device bought by a paid disbursement line (kind, model, serial unique per kind),
the school's handovers with the signed form, the 6- and 12-month check-ins due (with their
reminder claims), the answers of each check-in, and each device's history. Only new tables:
every existing row is kept.

Revision ID: 0024_devices
Revises: 0023_milestones
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types

revision = "0024_devices"
down_revision = "0023_milestones"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('device_handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('received_by_name', sa.String(length=120), nullable=False),
    sa.Column('form_key', sa.String(length=80), nullable=False),
    sa.Column('form_name', sa.String(length=200), nullable=False),
    sa.Column('form_content_type', sa.String(length=80), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_device_handovers_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_device_handovers_confirmed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_handovers'))
    )
    with op.batch_alter_table('device_handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_handovers_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('device_check_ins_due',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.SmallInteger(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('soon_mailed_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('overdue_mailed_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(done_at IS NULL) = (done_by_id IS NULL)', name=op.f('ck_device_check_ins_due_done_has_actor')),
    sa.CheckConstraint('months IN (6, 12)', name=op.f('ck_device_check_ins_due_months_known')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_device_check_ins_due_done_by_id_users')),
    sa.ForeignKeyConstraint(['handover_id'], ['device_handovers.id'], name=op.f('fk_device_check_ins_due_handover_id_device_handovers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_check_ins_due')),
    sa.UniqueConstraint('handover_id', 'months', name='uq_device_check_ins_due_round')
    )
    with op.batch_alter_table('device_check_ins_due', schema=None) as batch_op:
        batch_op.create_index('ix_device_check_ins_due_open', ['done_at', 'due_on'], unique=False)

    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('disbursement_line_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('laptop', 'tablet', 'desktop', 'projector', 'accessory', 'other', name='device_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('model', sa.String(length=120), nullable=False),
    sa.Column('serial', sa.String(length=80), nullable=False),
    sa.Column('state', sa.Enum('recorded', 'received', 'in_use', 'broken', 'lost', 'stolen', name='device_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=True),
    sa.Column('asset_number', sa.String(length=80), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("serial <> ''", name=op.f('ck_devices_serial_present')),
    sa.CheckConstraint("state = 'recorded' OR handover_id IS NOT NULL", name=op.f('ck_devices_received_has_handover')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_devices_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['disbursement_line_id'], ['disbursement_lines.id'], name=op.f('fk_devices_disbursement_line_id_disbursement_lines')),
    sa.ForeignKeyConstraint(['handover_id'], ['device_handovers.id'], name=op.f('fk_devices_handover_id_device_handovers')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_devices_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('kind', 'serial', name='uq_devices_kind_serial')
    )
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.create_index('ix_devices_campaign_id_state', ['campaign_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_devices_disbursement_line_id'), ['disbursement_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_devices_handover_id'), ['handover_id'], unique=False)

    op.create_table('device_check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('due_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('in_use', 'broken', 'lost', 'stolen')", name=op.f('ck_device_check_ins_status_checked')),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_device_check_ins_by_id_users')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_device_check_ins_device_id_devices')),
    sa.ForeignKeyConstraint(['due_id'], ['device_check_ins_due.id'], name=op.f('fk_device_check_ins_due_id_device_check_ins_due')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_check_ins')),
    sa.UniqueConstraint('device_id', 'due_id', name='uq_device_check_ins_device_due')
    )
    with op.batch_alter_table('device_check_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_check_ins_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_check_ins_due_id'), ['due_id'], unique=False)

    op.create_table('device_events',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_device_events_actor_id_users')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_device_events_device_id_devices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_events'))
    )
    with op.batch_alter_table('device_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_events_device_id'), ['device_id'], unique=False)



def downgrade():
    with op.batch_alter_table('device_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_events_device_id'))

    op.drop_table('device_events')
    with op.batch_alter_table('device_check_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_check_ins_due_id'))
        batch_op.drop_index(batch_op.f('ix_device_check_ins_device_id'))

    op.drop_table('device_check_ins')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_devices_handover_id'))
        batch_op.drop_index(batch_op.f('ix_devices_disbursement_line_id'))
        batch_op.drop_index('ix_devices_campaign_id_state')

    op.drop_table('devices')
    with op.batch_alter_table('device_check_ins_due', schema=None) as batch_op:
        batch_op.drop_index('ix_device_check_ins_due_open')

    op.drop_table('device_check_ins_due')
    with op.batch_alter_table('device_handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_handovers_campaign_id'))

    op.drop_table('device_handovers')
