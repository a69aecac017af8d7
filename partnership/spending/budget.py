"""The budget rule: the approved and paid lines on a budget line never pass its approved total
unless the disbursement records an over-budget reason."""

from __future__ import annotations

import sqlalchemy as sa

from ..campaigns.models import CampaignBudgetLine
from ..extensions import db
from ..money import line_total_satang
from .models import Disbursement, DisbursementLine, DisbursementState

#: States whose lines count against a budget line's approved total.
COUNTED_STATES = (DisbursementState.APPROVED, DisbursementState.PAID)


def budget_lines(campaign_id: int) -> dict[int, CampaignBudgetLine]:
    """The campaign's budget lines by id."""
    return {
        line.id: line
        for line in db.session.scalars(
            sa.select(CampaignBudgetLine).where(CampaignBudgetLine.campaign_id == campaign_id)
        )
    }


def over_budget_items(d: Disbursement) -> list[str]:
    """The budget lines that this disbursement, with the approved and paid ones, would pass."""
    budget = budget_lines(d.campaign_id)
    ids = {line.budget_line_id for line in d.lines}
    counted = dict(
        db.session.execute(
            sa.select(
                DisbursementLine.budget_line_id,
                sa.func.sum(
                    line_total_satang(DisbursementLine.unit_price_satang, DisbursementLine.quantity)
                ),
            )
            .join(Disbursement, Disbursement.id == DisbursementLine.disbursement_id)
            .where(
                DisbursementLine.budget_line_id.in_(ids),
                Disbursement.state.in_(COUNTED_STATES),
                Disbursement.id != d.id,
            )
            .group_by(DisbursementLine.budget_line_id)
        ).all()
    )
    mine: dict[int, int] = {}
    for line in d.lines:
        mine[line.budget_line_id] = mine.get(line.budget_line_id, 0) + line.total_satang
    return [
        budget[i].item
        for i in sorted(ids, key=lambda i: budget[i].position)
        if int(counted.get(i) or 0) + mine[i] > budget[i].total_satang
    ]


def budget_use(campaign_id: int) -> dict[int, int]:
    """Per budget line, the satang of approved and paid lines."""
    rows = db.session.execute(
        sa.select(
            DisbursementLine.budget_line_id,
            sa.func.sum(
                line_total_satang(DisbursementLine.unit_price_satang, DisbursementLine.quantity)
            ),
        )
        .join(Disbursement, Disbursement.id == DisbursementLine.disbursement_id)
        .where(Disbursement.campaign_id == campaign_id, Disbursement.state.in_(COUNTED_STATES))
        .group_by(DisbursementLine.budget_line_id)
    )
    return {budget_line_id: int(total or 0) for budget_line_id, total in rows}
