"""Delivery milestones: each programme's milestone template (steps), the milestones of funded
campaigns with their history and photos, and photos of campaign updates (with the PDPA consent
flag). Only new tables: every existing row is kept as it is. Campaigns funded before this run
get their milestones from ``flask milestones create-missing`` once their programme has a
template.

Revision ID: 0023_milestones
Revises: 0022_money_out
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types

revision = "0023_milestones"
down_revision = "0022_money_out"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "milestone_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "due_days >= 0 AND due_days <= 3650", name=op.f("ck_milestone_steps_due_days_range")
        ),
        sa.CheckConstraint("length(name_th) > 0", name=op.f("ck_milestone_steps_has_name")),
        sa.CheckConstraint("position >= 0", name=op.f("ck_milestone_steps_position_non_negative")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_milestone_steps_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_steps")),
    )
    with op.batch_alter_table("milestone_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestone_steps_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "done",
                "reopened",
                name="milestone_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "reminded_soon_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "reminded_overdue_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(state = 'done') = (done_at IS NOT NULL)", name=op.f("ck_milestones_done_has_time")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_milestones_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["users.id"], name=op.f("fk_milestones_done_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["step_id"], ["milestone_steps.id"], name=op.f("fk_milestones_step_id_milestone_steps")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
        sa.UniqueConstraint(
            "campaign_id", "step_id", name=op.f("uq_milestones_campaign_id_step_id")
        ),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestones_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index("ix_milestones_state_due_on", ["state", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestones_step_id"), ["step_id"], unique=False)

    op.create_table(
        "campaign_update_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["campaign_updates.id"],
            name=op.f("fk_campaign_update_photos_update_id_campaign_updates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_update_photos")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_campaign_update_photos_storage_key")),
    )
    with op.batch_alter_table("campaign_update_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_update_photos_update_id"), ["update_id"], unique=False
        )

    op.create_table(
        "milestone_events",
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "to_state IS NULL OR to_state IN ('pending', 'done', 'reopened')",
            name=op.f("ck_milestone_events_known_state"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_milestone_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestones.id"],
            name=op.f("fk_milestone_events_milestone_id_milestones"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_events")),
    )
    with op.batch_alter_table("milestone_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestone_events_milestone_id"), ["milestone_id"], unique=False
        )

    op.create_table(
        "milestone_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("storage_key", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["milestone_events.id"],
            name=op.f("fk_milestone_photos_event_id_milestone_events"),
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestones.id"],
            name=op.f("fk_milestone_photos_milestone_id_milestones"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_milestone_photos_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_photos")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_milestone_photos_storage_key")),
    )
    with op.batch_alter_table("milestone_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestone_photos_milestone_id"), ["milestone_id"], unique=False
        )


def downgrade():
    """Drops the new tables (their rows: the milestones, their history and the photos' rows;
    the stored photo files stay in the store)."""
    with op.batch_alter_table("milestone_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_photos_milestone_id"))

    op.drop_table("milestone_photos")
    with op.batch_alter_table("milestone_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_events_milestone_id"))

    op.drop_table("milestone_events")
    with op.batch_alter_table("campaign_update_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_update_photos_update_id"))

    op.drop_table("campaign_update_photos")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestones_step_id"))
        batch_op.drop_index("ix_milestones_state_due_on")
        batch_op.drop_index(batch_op.f("ix_milestones_campaign_id"))

    op.drop_table("milestones")
    with op.batch_alter_table("milestone_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_steps_programme_id"))

    op.drop_table("milestone_steps")
