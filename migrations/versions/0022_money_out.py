"""Money out: disbursements (with their lines and history), the campaign's spent counter, the
ledger's ``disbursement`` and ``disbursement_reversed`` kinds, and vendors (organisations of kind
"vendor", with a tax id). Every existing row is kept: campaigns start with nothing spent.

Revision ID: 0022_money_out
Revises: 0021_receipt_claims
"""

import sqlalchemy as sa
from alembic import op

import partnership.db_types

revision = "0022_money_out"
down_revision = "0021_receipt_claims"
branch_labels = None
depends_on = None


OLD_KINDS = (
    "donation_paid",
    "refund",
    "refund_reversed",
    "dispute",
    "dispute_reversed",
    "match",
    "match_returned",
    "offline_gift",
    "offline_gift_reversed",
)
NEW_KINDS = (*OLD_KINDS, "disbursement", "disbursement_reversed")
OLD_SIGN = (
    "(kind IN ('donation_paid', 'refund_reversed', 'dispute_reversed', 'match', 'offline_gift')"
    " AND amount_satang > 0)"
    " OR (kind IN ('refund', 'dispute', 'match_returned', 'offline_gift_reversed')"
    " AND amount_satang < 0)"
)
NEW_SIGN = (
    "(kind IN ('donation_paid', 'refund_reversed', 'dispute_reversed', 'match', 'offline_gift',"
    " 'disbursement_reversed') AND amount_satang > 0)"
    " OR (kind IN ('refund', 'dispute', 'match_returned', 'offline_gift_reversed',"
    " 'disbursement') AND amount_satang < 0)"
)
OLD_ORG_KINDS = ("company", "foundation", "government", "university", "ngo")
NEW_ORG_KINDS = (*OLD_ORG_KINDS, "vendor")


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _ledger_kinds(kinds, sign) -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ledger_entries_ledger_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_ledger_entries_sign_matches_kind"), type_="check")
        batch_op.alter_column(
            "kind",
            type_=sa.String(max(len(k) for k in kinds)),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(
            op.f("ck_ledger_entries_ledger_kind"), f"kind IN ({_in(kinds)})"
        )
        batch_op.create_check_constraint(op.f("ck_ledger_entries_sign_matches_kind"), sign)


def _org_kinds(kinds) -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisations_org_kind"), type_="check")
        batch_op.alter_column(
            "kind", type_=sa.String(max(len(k) for k in kinds)), existing_nullable=False
        )
        batch_op.create_check_constraint(
            op.f("ck_organisations_org_kind"), f"kind IN ({_in(kinds)})"
        )


def upgrade():
    op.create_table(
        "disbursements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "paid",
                "reversed",
                "cancelled",
                name="disbursement_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("payee_organisation_id", sa.Integer(), nullable=True),
        sa.Column("payee_name", sa.String(length=200), nullable=False),
        sa.Column("payee_tax_id", sa.String(length=13), nullable=False),
        sa.Column("amount_satang", sa.BigInteger(), nullable=False),
        sa.Column("over_budget_reason", sa.Text(), nullable=False),
        sa.Column("invoice_key", sa.String(length=80), nullable=True),
        sa.Column("invoice_name", sa.String(length=200), nullable=False),
        sa.Column("invoice_content_type", sa.String(length=80), nullable=False),
        sa.Column("public_invoice_key", sa.String(length=80), nullable=True),
        sa.Column("public_invoice_content_type", sa.String(length=80), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("reversal_reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paid_by_id", sa.Integer(), nullable=True),
        sa.Column("paid_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reversed_by_id", sa.Integer(), nullable=True),
        sa.Column("reversed_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "payee_organisation_id IS NOT NULL OR payee_name <> ''",
            name=op.f("ck_disbursements_payee_named"),
        ),
        sa.CheckConstraint(
            "state NOT IN ('approved', 'paid', 'reversed')"
            " OR (approved_by_id IS NOT NULL AND submitted_by_id IS NOT NULL)",
            name=op.f("ck_disbursements_approved_has_approver"),
        ),
        sa.CheckConstraint(
            "state NOT IN ('paid', 'reversed') OR paid_at IS NOT NULL",
            name=op.f("ck_disbursements_paid_has_time"),
        ),
        sa.CheckConstraint("amount_satang > 0", name=op.f("ck_disbursements_amount_positive")),
        sa.CheckConstraint(
            "approved_by_id IS NULL OR submitted_by_id IS NULL"
            " OR approved_by_id <> submitted_by_id",
            name=op.f("ck_disbursements_four_eyes"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_disbursements_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_disbursements_campaign_id_campaigns"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_disbursements_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["paid_by_id"], ["users.id"], name=op.f("fk_disbursements_paid_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["payee_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_disbursements_payee_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["disbursements.id"],
            name=op.f("fk_disbursements_replaces_id_disbursements"),
        ),
        sa.ForeignKeyConstraint(
            ["reversed_by_id"], ["users.id"], name=op.f("fk_disbursements_reversed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_disbursements_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursements")),
    )
    with op.batch_alter_table("disbursements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_disbursements_campaign_id_id", ["campaign_id", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_disbursements_state"), ["state"], unique=False)

    op.create_table(
        "disbursement_events",
        sa.Column("disbursement_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", partnership.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_disbursement_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["disbursement_id"],
            ["disbursements.id"],
            name=op.f("fk_disbursement_events_disbursement_id_disbursements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursement_events")),
    )
    with op.batch_alter_table("disbursement_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disbursement_events_disbursement_id"), ["disbursement_id"], unique=False
        )

    op.create_table(
        "disbursement_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disbursement_id", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_satang", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_disbursement_lines_quantity_positive")),
        sa.CheckConstraint(
            "unit_price_satang > 0", name=op.f("ck_disbursement_lines_price_positive")
        ),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["campaign_budget_lines.id"],
            name=op.f("fk_disbursement_lines_budget_line_id_campaign_budget_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["disbursement_id"],
            ["disbursements.id"],
            name=op.f("fk_disbursement_lines_disbursement_id_disbursements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursement_lines")),
    )
    with op.batch_alter_table("disbursement_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disbursement_lines_budget_line_id"), ["budget_line_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disbursement_lines_disbursement_id"), ["disbursement_id"], unique=False
        )

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("spent_satang", sa.BigInteger(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tax_id", sa.String(length=13), server_default="", nullable=False)
        )

    _ledger_kinds(NEW_KINDS, NEW_SIGN)
    _org_kinds(NEW_ORG_KINDS)
    # When each campaign was funded: the time of its move to funded (closed campaigns that had
    # been funded keep theirs too).
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("funded_at", partnership.db_types.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE campaigns SET funded_at = (SELECT max(e.at) FROM campaign_events e"
        " WHERE e.campaign_id = campaigns.id AND e.to_state = 'funded')"
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_campaigns_funded_has_time"), "state <> 'funded' OR funded_at IS NOT NULL"
        )


def downgrade():
    bind = op.get_bind()
    if bind.execute(
        sa.text("SELECT count(*) FROM ledger_entries WHERE kind LIKE 'disbursement%'")
    ).scalar():
        raise RuntimeError("the ledger holds money out: its rows cannot be kept downgraded")
    if bind.execute(sa.text("SELECT count(*) FROM organisations WHERE kind = 'vendor'")).scalar():
        raise RuntimeError("vendors are registered: their rows cannot be kept downgraded")
    _org_kinds(OLD_ORG_KINDS)
    _ledger_kinds(OLD_KINDS, OLD_SIGN)
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_campaigns_funded_has_time"), type_="check")
        batch_op.drop_column("funded_at")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("tax_id")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("spent_satang")

    with op.batch_alter_table("disbursement_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disbursement_lines_disbursement_id"))
        batch_op.drop_index(batch_op.f("ix_disbursement_lines_budget_line_id"))

    op.drop_table("disbursement_lines")
    with op.batch_alter_table("disbursement_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disbursement_events_disbursement_id"))

    op.drop_table("disbursement_events")
    with op.batch_alter_table("disbursements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disbursements_state"))
        batch_op.drop_index("ix_disbursements_campaign_id_id")

    op.drop_table("disbursements")
