"""Gifts that land after an all-or-nothing campaign that missed its goal was closed.

A payment can still arrive after the end: a PromptPay bank that answers late, a Checkout
Session made before sessions ended with their campaign. While the campaign is *ended*, every
``flask campaigns close-due`` run settles it (``services.settle_campaign``), so such a gift is
refunded by the next run. Once staff close a campaign that missed its goal it is no longer
*ended*; this finds the closed ones that still hold an online gift to give back (or a refund
request Stripe has not answered) and settles them the same way: one request keyed
``aon-refund-<donation id>``, committed before Stripe is asked, and the donor's e-mail with
Stripe's answer. Its matches go back to their pools too.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..campaigns.models import Campaign, CampaignEvent, CampaignState, FundingRule
from ..extensions import db
from ..payments.models import UNANSWERED, Donation, DonationState, RefundCause, RefundRequest
from .services import settle_campaign


def late_payment_campaigns() -> list[int]:
    """Closed all-or-nothing campaigns that missed their goal and hold money to give back."""
    missed_goal = sa.exists().where(
        CampaignEvent.campaign_id == Campaign.id,
        CampaignEvent.from_state == CampaignState.ENDED.value,
        CampaignEvent.to_state == CampaignState.CLOSED.value,
    )
    requested = sa.select(RefundRequest.donation_id).where(
        RefundRequest.cause == RefundCause.ALL_OR_NOTHING
    )
    unrefunded = sa.exists().where(
        Donation.campaign_id == Campaign.id,
        Donation.state.in_([DonationState.PAID, DonationState.PARTIALLY_REFUNDED]),
        Donation.amount_satang > Donation.refunded_satang + Donation.disputed_satang,
        Donation.id.not_in(requested),
    )
    unanswered = (
        sa.exists()
        .where(
            Donation.campaign_id == Campaign.id,
            RefundRequest.cause == RefundCause.ALL_OR_NOTHING,
            RefundRequest.status == UNANSWERED,
        )
        .select_from(sa.join(RefundRequest, Donation, Donation.id == RefundRequest.donation_id))
    )
    return list(
        db.session.scalars(
            sa.select(Campaign.id)
            .where(
                Campaign.state == CampaignState.CLOSED,
                Campaign.funding_rule == FundingRule.ALL_OR_NOTHING,
                missed_goal,
                sa.or_(unrefunded, unanswered),
            )
            .order_by(Campaign.id)
        )
    )


def refund_late_payments(sender=None, **extra) -> str:
    lines = []
    for campaign_id in late_payment_campaigns():
        report = settle_campaign(campaign_id)
        line = (
            f"Closed all-or-nothing campaign {campaign_id}: {report.requested} late gift(s) "
            f"to refund, {report.answered} answered by Stripe"
        )
        if report.waiting:
            line += f"; Stripe did not answer for donations {report.waiting} (run again)"
        lines.append(line)
    return "\n".join(lines)
