"""Figures: each campaign's money raised split by where it came from (online, matched, offline)
and its devices counted (recorded, confirmed by the school), kept beside ``raised_satang`` by the
statements that move the money, so the dashboards sum 10,000 campaign rows rather than a million
ledger rows. New columns only, filled from the rows they count: every existing row is kept.

Money matched or given offline is taken from the ledger; the rest of ``raised_satang`` is
online, so a counter that had drifted from its rows keeps the CHECK true and ``flask ledger
verify`` still names it. ``campaign_match_totals`` (each campaign's matched money, kept beside
the ledger by the matching service) is dropped: ``campaigns.matched_satang`` now holds the same
sum, moved by the same statement as ``raised_satang``, filled here from the same ledger rows.
The downgrade drops the five columns and rebuilds that table from the ledger.

Revision ID: 0026_figures
Revises: 0025_outcomes
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026_figures"
down_revision = "0025_outcomes"
branch_labels = None
depends_on = None

MATCHED = "('match', 'match_returned')"
OFFLINE = "('offline_gift', 'offline_gift_reversed')"


def _sum_of(kinds: str) -> str:
    return (
        "(SELECT coalesce(sum(l.amount_satang), 0) FROM ledger_entries l"
        f" WHERE l.campaign_id = campaigns.id AND l.kind IN {kinds})"
    )


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        for name in ("online_satang", "matched_satang", "offline_satang"):
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), server_default="0", nullable=False)
            )
        for name in ("devices_recorded", "devices_confirmed"):
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    op.execute(
        f"UPDATE campaigns SET matched_satang = {_sum_of(MATCHED)},"
        f" offline_satang = {_sum_of(OFFLINE)}"
    )
    op.execute("UPDATE campaigns SET online_satang = raised_satang - matched_satang - offline_satang")
    op.execute(
        "UPDATE campaigns SET"
        " devices_recorded = (SELECT count(*) FROM devices d WHERE d.campaign_id = campaigns.id),"
        " devices_confirmed = (SELECT count(*) FROM devices d"
        " WHERE d.campaign_id = campaigns.id AND d.state <> 'recorded')"
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_campaigns_raised_is_its_parts"),
            "raised_satang = online_satang + matched_satang + offline_satang",
        )
        batch_op.create_check_constraint(
            op.f("ck_campaigns_devices_confirmed_of_recorded"),
            "devices_confirmed >= 0 AND devices_confirmed <= devices_recorded",
        )
    op.drop_table("campaign_match_totals")


def downgrade():
    op.create_table(
        "campaign_match_totals",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("matched_satang", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "matched_satang >= 0", name=op.f("ck_campaign_match_totals_matched_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_match_totals_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_campaign_match_totals")),
    )
    op.execute(
        "INSERT INTO campaign_match_totals (campaign_id, matched_satang)"
        f" SELECT campaign_id, sum(amount_satang) FROM ledger_entries WHERE kind IN {MATCHED}"
        " GROUP BY campaign_id"
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_campaigns_devices_confirmed_of_recorded"), type_="check")
        batch_op.drop_constraint(op.f("ck_campaigns_raised_is_its_parts"), type_="check")
        for name in (
            "devices_confirmed",
            "devices_recorded",
            "offline_satang",
            "matched_satang",
            "online_satang",
        ):
            batch_op.drop_column(name)
