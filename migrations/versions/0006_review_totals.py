"""Each submitted review stores its weighted total Σ(score × weight), so ranking a national
round reads 21,000 numbers instead of adding up 168,000 ratings.

Existing submitted reviews get theirs from their ratings and their programme's rubric (locked
since the first submission); drafts stay empty. A check keeps the two together from now on.

Revision ID: 0006_review_totals
Revises: 0005_outbox_privacy
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_review_totals"
down_revision = "0005_outbox_privacy"
branch_labels = None
depends_on = None

CHECK = (
    "(state = 'draft' AND weighted_total IS NULL)"
    " OR (state = 'submitted' AND weighted_total IS NOT NULL)"
)


def upgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weighted_total", sa.Integer(), nullable=True))
    op.execute(
        """
        UPDATE reviews SET weighted_total = (
            SELECT coalesce(sum(ratings.score * rubric_criteria.weight), 0)
            FROM ratings
            JOIN rubric_criteria ON rubric_criteria.id = ratings.criterion_id
            JOIN review_assignments ON review_assignments.id = reviews.assignment_id
            JOIN committee_members ON committee_members.id = review_assignments.member_id
            WHERE ratings.review_id = reviews.id
              AND rubric_criteria.programme_id = committee_members.programme_id
        )
        WHERE state = 'submitted'
        """
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_reviews_submitted_has_total"), CHECK)


def downgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reviews_submitted_has_total"), type_="check")
        batch_op.drop_column("weighted_total")
