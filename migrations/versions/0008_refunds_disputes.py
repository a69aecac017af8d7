"""Refunds and disputes as Stripe sends them.

A refund keeps Stripe's ``failure_reason``; a donation keeps its dispute's status (an inquiry
flags it, the money moves only with the funds); a refund request keeps when it was last claimed
for sending (two runs never send it at once); the ledger gets ``dispute_reversed`` (a won
dispute's funds coming back).

Revision ID: 0008_refunds_disputes
Revises: 0007_stripe_api_version
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types
from partnership.extensions import NAMING_CONVENTION

revision = "0008_refunds_disputes"
down_revision = "0007_stripe_api_version"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "donation_paid",
    "refund",
    "refund_reversed",
    "dispute",
    "match",
    "match_returned",
    "offline_gift",
    "offline_gift_reversed",
)
NEW_KINDS = OLD_KINDS[:4] + ("dispute_reversed",) + OLD_KINDS[4:]
OLD_SIGN = (
    "(kind IN ('donation_paid', 'refund_reversed', 'match', 'offline_gift')"
    " AND amount_satang > 0)"
    " OR (kind IN ('refund', 'dispute', 'match_returned', 'offline_gift_reversed')"
    " AND amount_satang < 0)"
)
NEW_SIGN = (
    "(kind IN ('donation_paid', 'refund_reversed', 'dispute_reversed', 'match', 'offline_gift')"
    " AND amount_satang > 0)"
    " OR (kind IN ('refund', 'dispute', 'match_returned', 'offline_gift_reversed')"
    " AND amount_satang < 0)"
)


def _ledger_table(kinds, sign):
    """``ledger_entries`` as it must be, for SQLite's copy-and-rename (it cannot alter a CHECK)."""
    meta = sa.MetaData(naming_convention=NAMING_CONVENTION)
    sa.Table("campaigns", meta, sa.Column("id", sa.Integer(), primary_key=True))
    return sa.Table(
        "ledger_entries",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("amount_satang", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*kinds, name="ledger_kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("public_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(sign, name="sign_matches_kind"),
        sa.CheckConstraint("amount_satang <> 0", name="amount_not_zero"),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "kind"),
        sa.Index("ix_ledger_entries_campaign_id_id", "campaign_id", "id"),
    )


def _ledger_kinds(kinds, sign):
    """New CHECK constraints (PostgreSQL alters them in place; SQLite copies the table)."""
    if op.get_bind().dialect.name != "postgresql":
        with op.batch_alter_table(
            "ledger_entries", copy_from=_ledger_table(kinds, sign), recreate="always"
        ):
            pass
        return
    quoted = ", ".join(f"'{k}'" for k in kinds)
    op.drop_constraint(op.f("ck_ledger_entries_ledger_kind"), "ledger_entries", type_="check")
    op.drop_constraint(op.f("ck_ledger_entries_sign_matches_kind"), "ledger_entries", type_="check")
    op.create_check_constraint(
        op.f("ck_ledger_entries_ledger_kind"), "ledger_entries", f"kind IN ({quoted})"
    )
    op.create_check_constraint(op.f("ck_ledger_entries_sign_matches_kind"), "ledger_entries", sign)


def upgrade():
    with op.batch_alter_table("donations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dispute_status", sa.String(length=40), nullable=False, server_default="")
        )
    with op.batch_alter_table("donations", schema=None) as batch_op:
        batch_op.alter_column(
            "dispute_status",
            server_default=None,
            existing_type=sa.String(length=40),
            existing_nullable=False,
        )
    # A dispute recorded before this revision withdrew its money at once: say so.
    op.execute("UPDATE donations SET dispute_status = 'needs_response' WHERE disputed")
    with op.batch_alter_table("donation_refunds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failure_reason", sa.String(length=60), nullable=False, server_default="")
        )
    with op.batch_alter_table("donation_refunds", schema=None) as batch_op:
        batch_op.alter_column(
            "failure_reason",
            server_default=None,
            existing_type=sa.String(length=60),
            existing_nullable=False,
        )
    with op.batch_alter_table("refund_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sent_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True)
        )
    _ledger_kinds(NEW_KINDS, NEW_SIGN)


def downgrade():
    won = op.get_bind().execute(
        sa.text("SELECT count(*) FROM ledger_entries WHERE kind = 'dispute_reversed'")
    )
    if won.scalar():
        raise RuntimeError("the ledger has won disputes: their rows cannot be kept downgraded")
    _ledger_kinds(OLD_KINDS, OLD_SIGN)
    with op.batch_alter_table("refund_requests", schema=None) as batch_op:
        batch_op.drop_column("sent_at")
    with op.batch_alter_table("donation_refunds", schema=None) as batch_op:
        batch_op.drop_column("failure_reason")
    with op.batch_alter_table("donations", schema=None) as batch_op:
        batch_op.drop_column("dispute_status")
