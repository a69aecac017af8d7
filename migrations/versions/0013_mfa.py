"""Second factors: authenticator apps (TOTP), passkeys, recovery codes; each person's grace
period for adding one; the access record learns "second factors reset".

Existing people's grace period starts now (the deploy), so nobody is locked out by it.

Revision ID: 0013_mfa
Revises: 0012_edonation_records
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types

revision = "0013_mfa"
down_revision = "0012_edonation_records"
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('account_deactivated', 'account_reactivated', 'membership_ended')"
KINDS_AFTER = (
    "kind IN ('account_deactivated', 'account_reactivated', 'membership_ended', 'mfa_reset')"
)


def upgrade():
    op.create_table(
        "mfa_totp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mfa_totp_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mfa_totp")),
        sa.UniqueConstraint("user_id", name=op.f("uq_mfa_totp_user_id")),
    )
    op.create_table(
        "mfa_passkeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("credential_id", sa.String(length=1400), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("transports", sa.String(length=200), nullable=False),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mfa_passkeys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mfa_passkeys")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_mfa_passkeys_credential_id")),
    )
    op.create_index(op.f("ix_mfa_passkeys_user_id"), "mfa_passkeys", ["user_id"], unique=False)
    op.create_table(
        "mfa_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mfa_recovery_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mfa_recovery_codes")),
    )
    op.create_index(
        op.f("ix_mfa_recovery_codes_user_id"), "mfa_recovery_codes", ["user_id"], unique=False
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "mfa_required_from",
                partnership.db_types.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column(
            "mfa_required_from",
            server_default=None,
            existing_type=partnership.db_types.UTCDateTime(timezone=True),
            existing_nullable=False,
        )
    with op.batch_alter_table("access_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_access_events_access_event_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_access_events_access_event_kind"), KINDS_AFTER)


def downgrade():
    op.execute("DELETE FROM access_events WHERE kind = 'mfa_reset'")
    with op.batch_alter_table("access_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_access_events_access_event_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_access_events_access_event_kind"), KINDS_BEFORE)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("mfa_required_from")
    op.drop_index(op.f("ix_mfa_recovery_codes_user_id"), table_name="mfa_recovery_codes")
    op.drop_table("mfa_recovery_codes")
    op.drop_index(op.f("ix_mfa_passkeys_user_id"), table_name="mfa_passkeys")
    op.drop_table("mfa_passkeys")
    op.drop_table("mfa_totp")
