"""Governance: bodies (working groups, committees, assemblies), their members over time,
meetings numbered per body and Buddhist-era year, attendance, agenda items, resolutions and
the links from a resolution to what it decided; queued mail may carry a calendar event
(outgoing_mail.calendar, empty for every existing row). No existing row changes otherwise.

Revision ID: 0028_governance
Revises: 0027_school_data
Create Date: 2026-12-07 07:07:35.899746

"""
from alembic import op
import sqlalchemy as sa

import partnership.db_types


# revision identifiers, used by Alembic.
revision = '0028_governance'
down_revision = '0027_school_data'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('working_group', 'committee', 'provincial_assembly', 'national_assembly', name='body_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('name_th', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('purpose_th', sa.Text(), nullable=False),
    sa.Column('purpose_en', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=True),
    sa.Column('quorum_percent', sa.Integer(), nullable=False),
    sa.Column('created_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('dissolved_on', sa.Date(), nullable=True),
    sa.CheckConstraint("(kind = 'provincial_assembly') = (province_code IS NOT NULL)", name=op.f('ck_bodies_province_iff_provincial')),
    sa.CheckConstraint('length(name_th) > 0', name=op.f('ck_bodies_has_name')),
    sa.CheckConstraint('quorum_percent BETWEEN 1 AND 100', name=op.f('ck_bodies_quorum_range')),
    sa.ForeignKeyConstraint(['parent_id'], ['bodies.id'], name=op.f('fk_bodies_parent_id_bodies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bodies'))
    )
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bodies_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_bodies_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bodies_province_code'), ['province_code'], unique=False)

    op.create_table('body_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=300), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('sector', sa.Enum('public', 'private', 'civil_society', 'academic', name='member_sector', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('role', sa.Enum('chair', 'vice_chair', 'secretary', 'member', name='member_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=False),
    sa.Column('appointed_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_body_members_term_order')),
    sa.CheckConstraint('length(person_name) > 0', name=op.f('ck_body_members_has_person')),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_body_members_body_id_bodies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_body_members_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_body_members_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_body_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_body_members'))
    )
    with op.batch_alter_table('body_members', schema=None) as batch_op:
        batch_op.create_index('ix_body_members_body_current', ['body_id', 'ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_body_members_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_body_members_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_body_members_user_id'), ['user_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('year_be', sa.Integer(), nullable=False),
    sa.Column('title_th', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('starts_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('online_platform', sa.String(length=100), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('visibility', sa.Enum('public', 'members', name='meeting_visibility', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('state', sa.Enum('scheduled', 'held', 'cancelled', name='meeting_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_at IS NULL OR ends_at > starts_at', name=op.f('ck_meetings_time_order')),
    sa.CheckConstraint('length(place) > 0 OR length(online_url) > 0', name=op.f('ck_meetings_has_venue')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_meetings_number_positive')),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_meetings_body_id_bodies')),
    sa.ForeignKeyConstraint(['chair_id'], ['body_members.id'], name=op.f('fk_meetings_chair_id_body_members')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('body_id', 'year_be', 'number', name=op.f('uq_meetings_body_id_year_be_number'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_body_id'), ['body_id'], unique=False)
        batch_op.create_index('ix_meetings_starts_at', ['starts_at'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('information', 'consideration', 'follow_up', name='agenda_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title_th', sa.String(length=500), nullable=False),
    sa.Column('title_en', sa.String(length=500), nullable=False),
    sa.Column('details_th', sa.Text(), nullable=False),
    sa.Column('details_en', sa.Text(), nullable=False),
    sa.Column('proposed_by_sector', sa.Enum('public', 'private', 'civil_society', 'academic', name='proposer_sector', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('proposed_by_organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(title_th) > 0', name=op.f('ck_agenda_items_has_title')),
    sa.CheckConstraint('position >= 1', name=op.f('ck_agenda_items_position_positive')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['proposed_by_organisation_id'], ['organisations.id'], name=op.f('fk_agenda_items_proposed_by_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sa.UniqueConstraint('meeting_id', 'position', name=op.f('uq_agenda_items_meeting_id_position'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('resolutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('approved', 'approved_with_changes', 'not_approved', 'deferred', name='resolution_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('text_th', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('recorded_at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(text_th) > 0', name=op.f('ck_resolutions_has_text')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_resolutions_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_resolutions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolutions')),
    sa.UniqueConstraint('agenda_item_id', name=op.f('uq_resolutions_agenda_item_id'))
    )

    op.create_table('meeting_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('organisation_name', sa.String(length=300), nullable=False),
    sa.Column('status', sa.Enum('invited', 'present', 'absent', 'excused', 'observer', name='attendance_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('invited_at', partnership.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(member_id IS NULL) = (status = 'observer')", name=op.f('ck_meeting_attendance_observer_iff_not_member')),
    sa.CheckConstraint('member_id IS NOT NULL OR length(person_name) > 0', name=op.f('ck_meeting_attendance_has_person')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendance_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['body_members.id'], name=op.f('fk_meeting_attendance_member_id_body_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendance')),
    sa.UniqueConstraint('meeting_id', 'member_id', name=op.f('uq_meeting_attendance_meeting_id_member_id'))
    )
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendance_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('resolution_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resolution_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('school_admitted', 'programme_opened', 'committee_named', 'member_appointed', 'member_removed', 'minutes_approved', name='resolution_link_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('at', partnership.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_resolution_links_actor_id_users')),
    sa.ForeignKeyConstraint(['resolution_id'], ['resolutions.id'], name=op.f('fk_resolution_links_resolution_id_resolutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution_links')),
    sa.UniqueConstraint('resolution_id', 'kind', 'subject_id', name=op.f('uq_resolution_links_resolution_id_kind_subject_id'))
    )
    with op.batch_alter_table('resolution_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_links_resolution_id'), ['resolution_id'], unique=False)
        batch_op.create_index('ix_resolution_links_subject', ['kind', 'subject_id'], unique=False)

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar', sa.Text(), server_default='', nullable=False))

    # body_members and resolutions point at each other (who appointed whom): the member's
    # foreign keys come once both tables exist.
    with op.batch_alter_table('body_members', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_body_members_appointed_by_id_resolutions'), 'resolutions', ['appointed_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_body_members_ended_by_id_resolutions'), 'resolutions', ['ended_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('calendar')
    with op.batch_alter_table('body_members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_body_members_ended_by_id_resolutions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_body_members_appointed_by_id_resolutions'), type_='foreignkey')
    op.drop_table('resolution_links')
    op.drop_table('meeting_attendance')
    op.drop_table('resolutions')
    op.drop_table('agenda_items')
    op.drop_table('meetings')
    op.drop_table('body_members')
    op.drop_table('bodies')
