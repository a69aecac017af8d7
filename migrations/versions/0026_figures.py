"""Figures: each campaign's money raised split by where it came from (online, matched, offline)
and its devices counted (recorded, confirmed by the school), kept beside ``raised_satang`` by the
statements that move the money, so the dashboards sum 10,000 campaign rows rather than a million
ledger rows. New columns only, filled from the rows they count: every existing row is kept.

Money matched or given offline is taken from the ledger; the rest of ``raised_satang`` is
online, so a counter that had drifted from its rows keeps the CHECK true and ``flask ledger
verify`` still names it. ``campaign_match_totals`` (each campaign's matched money, kept beside
the ledger by the matching service) is dropped: ``campaigns.matched_satang`` now holds the same
sum, moved by the same statement as ``raised_satang``, filled here from the same ledger rows.
``figure_totals`` sums the campaigns by province, programme, fiscal and academic year (Buddhist
Era, of the day each opened), filled from their counters. The downgrade drops it and the five
columns and rebuilds ``campaign_match_totals`` from the ledger.

Revision ID: 0026_figures
Revises: 0025_outcomes
"""

from collections import defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026_figures"
down_revision = "0025_outcomes"
branch_labels = None
depends_on = None

BANGKOK = ZoneInfo("Asia/Bangkok")
FIGURES = (
    "raised_satang", "online_satang", "matched_satang", "offline_satang", "spent_satang",
    "donations", "campaigns", "funded", "devices_recorded", "devices_confirmed",
)  # fmt: skip
KEY = ("province_code", "programme_id", "fiscal_year", "academic_year")
MATCHED = "('match', 'match_returned')"


def _type(name: str):
    return sa.Integer() if name in ("campaigns", "funded") else sa.BigInteger()


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
    op.execute(
        "UPDATE campaigns SET online_satang = raised_satang - matched_satang - offline_satang"
    )
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
    op.create_table(
        "figure_totals",
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        *(sa.Column(name, _type(name), nullable=False) for name in FIGURES),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_figure_totals_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint(
            *KEY,
            name=op.f("pk_figure_totals"),
        ),
    )
    _fill_figure_totals()


def _years(moment) -> tuple[int, int]:
    """(fiscal year, academic year) in the Buddhist Era of a stored UTC time."""
    if isinstance(moment, str):  # SQLite hands back text
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    day = moment.astimezone(BANGKOK).date()
    fiscal = day.year + 1 if day.month >= 10 else day.year
    academic = day.year if day.month >= 5 else day.year - 1
    return fiscal + 543, academic + 543


def _fill_figure_totals() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT s.province_code, c.programme_id, c.starts_at, c.state, c.funded_at,"
            " c.raised_satang, c.online_satang, c.matched_satang, c.offline_satang,"
            " c.spent_satang, c.donor_count, c.devices_recorded, c.devices_confirmed"
            " FROM campaigns c JOIN schools s ON s.id = c.school_id"
        )
    )
    totals = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for row in rows:
        (province, programme, starts_at, state, funded_at, raised, online, matched, offline,
         spent, donors, recorded, confirmed) = row  # fmt: skip
        sums = totals[(province, programme, *_years(starts_at))]
        for name, value in zip(
            FIGURES,
            (raised, online, matched, offline, spent, donors, int(state != "draft"),
             int(funded_at is not None), recorded, confirmed),
            strict=True,
        ):  # fmt: skip
            sums[name] += value
    table = sa.table(
        "figure_totals",
        *(sa.column(name) for name in (*KEY, *FIGURES)),
    )
    values = [
        dict(zip(KEY, key, strict=True)) | sums
        for key, sums in totals.items()
        if any(sums.values())
    ]
    if values:
        op.bulk_insert(table, values)


def downgrade():
    op.drop_table("figure_totals")
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
