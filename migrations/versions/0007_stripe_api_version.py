"""Stripe events of another API version, not matching their donation, or malformed, are kept
for staff with the reason they were not applied.

The outcome column grows to the longest new value (``wrong_version``) and its CHECK allows
the three new outcomes; every existing event keeps its outcome and gets an empty reason.

Revision ID: 0007_stripe_api_version
Revises: 0006_review_totals
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_stripe_api_version"
down_revision = "0006_review_totals"
branch_labels = None
depends_on = None

OLD = ("applied", "ignored", "unmatched")
NEW = (*OLD, "wrong_version", "mismatch", "malformed")


def _allowed(values) -> str:
    return "outcome IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table("stripe_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stripe_events_event_outcome"), type_="check")
        batch_op.alter_column(
            "outcome",
            existing_type=sa.String(length=9),
            type_=sa.String(length=13),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(op.f("ck_stripe_events_event_outcome"), _allowed(NEW))
        batch_op.add_column(
            sa.Column("reason", sa.String(length=300), nullable=False, server_default="")
        )


def downgrade():
    op.execute(
        "UPDATE stripe_events SET outcome = 'unmatched' "
        "WHERE outcome IN ('wrong_version', 'mismatch', 'malformed')"
    )
    with op.batch_alter_table("stripe_events", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_constraint(op.f("ck_stripe_events_event_outcome"), type_="check")
        batch_op.alter_column(
            "outcome",
            existing_type=sa.String(length=13),
            type_=sa.String(length=9),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(op.f("ck_stripe_events_event_outcome"), _allowed(OLD))
