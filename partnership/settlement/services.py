"""Refunding a failed all-or-nothing campaign: safe to run twice, safe to interrupt.

For each paid online donation of an ended all-or-nothing campaign (one that missed its goal:
reaching it would have made it *funded*), one refund request is stored under the key
``aon-refund-<donation id>`` (unique) and committed **before** Stripe is called; Stripe's
answer and the donor's e-mail are committed with it afterwards, one donation at a time. A run
that stops anywhere leaves either no row (the next run makes it), or an unanswered row (the
next run asks again with the same key, and Stripe answers with the refund it already made), or
an answered one (nothing left to do). Then the campaign's matches go back to their pools.
Offline gifts are returned by hand (``offline_to_return``).

A refund Stripe refused, or that failed or was canceled later (a PromptPay donor who never gave
their bank details; the webhook then returns the donation to paid), is asked again by the next
run under a new key (``aon-refund-<id>-<attempt>``), at most ``MAX_ATTEMPTS`` times. Two runs at
once take turns: each request is claimed (``claim_request``, committed) before Stripe is called,
and a run that finds it claimed or answered leaves it to the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..campaigns.models import Campaign, CampaignState, FundingRule
from ..core.unit_of_work import commit_now
from ..core.urls import external_url
from ..extensions import db
from ..gifts.models import GiftState, OfflineGift
from ..matching.draws import release_campaign
from ..money import format_satang
from ..notifications.services import queue_mail
from ..payments.donations import lock_donation
from ..payments.models import UNANSWERED, Donation, DonationState, RefundCause, RefundRequest
from ..payments.refund_requests import (
    DEAD_STATUSES,
    REFUSED,
    claim_request,
    refundable_satang,
    request_refund,
    send_refund,
    unreported_satang,
)

#: Requests per donation before the settlement stops asking (staff see each refusal).
MAX_ATTEMPTS = 5


@dataclass
class Settlement:
    campaign_id: int
    requested: int = 0
    answered: int = 0
    waiting: list[int] = field(default_factory=list)
    released_satang: int = 0


def failed_campaigns() -> list[int]:
    """Ended all-or-nothing campaigns (an ended campaign never reached its goal)."""
    return list(
        db.session.scalars(
            sa.select(Campaign.id)
            .where(
                Campaign.state == CampaignState.ENDED,
                Campaign.funding_rule == FundingRule.ALL_OR_NOTHING,
            )
            .order_by(Campaign.id)
        )
    )


def refund_key(donation_id: int, attempt: int = 1) -> str:
    """The first request's key, then one per retry of a refund that was refused or failed."""
    return f"aon-refund-{donation_id}" + (f"-{attempt}" if attempt > 1 else "")


def _unrequested(campaign_id: int) -> list[tuple[int, int]]:
    """(donation id, attempt) of gifts still paid with no live all-or-nothing request: never
    asked, or every request ended without giving the money back."""
    requests = (
        sa.select(
            RefundRequest.donation_id,
            sa.func.count().label("made"),
            sa.func.count().filter(RefundRequest.status.not_in(DEAD_STATUSES)).label("live"),
        )
        .where(RefundRequest.cause == RefundCause.ALL_OR_NOTHING)
        .group_by(RefundRequest.donation_id)
        .subquery()
    )
    made = sa.func.coalesce(requests.c.made, 0)
    rows = db.session.execute(
        sa.select(Donation.id, made)
        .outerjoin(requests, requests.c.donation_id == Donation.id)
        .where(
            Donation.campaign_id == campaign_id,
            Donation.state.in_([DonationState.PAID, DonationState.PARTIALLY_REFUNDED]),
            sa.func.coalesce(requests.c.live, 0) == 0,
            made < MAX_ATTEMPTS,
        )
        .order_by(Donation.id)
    )
    return [(donation_id, made + 1) for donation_id, made in rows]


def _unanswered(campaign_id: int) -> list[RefundRequest]:
    return list(
        db.session.scalars(
            sa.select(RefundRequest)
            .join(Donation, Donation.id == RefundRequest.donation_id)
            .where(
                Donation.campaign_id == campaign_id,
                RefundRequest.cause == RefundCause.ALL_OR_NOTHING,
                RefundRequest.status == UNANSWERED,
            )
            .order_by(RefundRequest.id)
        )
    )


def _tell_donor(row: RefundRequest) -> None:
    donation = row.donation
    with force_locale(donation.locale or "th"):
        subject = _("Your gift to %(title)s is being refunded", title=donation.campaign.title)
        if row.amount_satang >= donation.amount_satang:
            what = _("we are refunding your gift of %(amount)s in full",
                     amount=format_satang(row.amount_satang))  # fmt: skip
        else:  # part of it went back earlier (a staff refund, a dispute)
            what = _(
                "we are refunding the %(amount)s of your gift of %(total)s that had not been "
                "returned yet",
                amount=format_satang(row.amount_satang),
                total=format_satang(donation.amount_satang),
            )
        body = _(
            "Dear %(name)s,\n\n%(title)s did not reach its goal by its last day. It was an "
            "all-or-nothing campaign, so %(what)s to the card or account you paid with. If you "
            "paid by PromptPay, Stripe will e-mail you to ask for your bank account details."
            "\n\nThank you for your support.\n%(url)s",
            name=donation.donor_name or _("donor"),
            title=donation.campaign.title,
            what=what,
            url=external_url("campaigns.campaign", campaign_id=donation.campaign_id),
        )
    queue_mail(donation.email, subject, body, topic="donation-refund")


def _answer(row: RefundRequest, report: Settlement) -> None:
    """Send one claimed request; when Stripe answered, queue the donor's e-mail; commit."""
    if send_refund(row):
        if row.status != REFUSED:
            _tell_donor(row)
        report.answered += 1
    else:
        report.waiting.append(row.donation_id)
    commit_now(reason="settlement: each answered refund stays answered if a later one fails")


def settle_campaign(
    campaign_id: int, *, after_each: Callable[[int], None] | None = None
) -> Settlement:
    """Refund every online gift of a failed campaign once, then release its matches.

    Commits per donation (``after_each(donation_id)`` runs after each commit: tests stop a run
    there). Returns what it did.
    """
    report = Settlement(campaign_id)
    for row in _unanswered(campaign_id):  # an earlier run stopped between the two commits
        if not claim_request(row):  # another run is sending it, or it was answered
            db.session.rollback()
            continue
        commit_now(reason="the claim is seen by every other run before Stripe is asked")
        _answer(row, report)
        if after_each:
            after_each(row.donation_id)
    for donation_id, attempt in _unrequested(campaign_id):
        donation = lock_donation(donation_id)  # one run at a time decides for one gift
        # Less what staff asked for that no webhook has reported yet (it will leave too).
        amount = refundable_satang(donation) - unreported_satang(donation)
        row = None
        if amount > 0 and donation.state in (DonationState.PAID, DonationState.PARTIALLY_REFUNDED):
            row = request_refund(
                donation,
                amount,
                cause=RefundCause.ALL_OR_NOTHING,
                key=refund_key(donation_id, attempt),
            )
        commit_now(reason="the refund request exists, claimed, before Stripe is asked")
        if row is None:
            continue
        report.requested += 1
        _answer(row, report)
        if after_each:
            after_each(donation_id)
    report.released_satang = release_campaign(campaign_id)
    commit_now(reason="settlement runs outside a request (CLI, worker, staff)")
    return report


def settle_failed(after_each: Callable[[int], None] | None = None) -> list[Settlement]:
    return [settle_campaign(cid, after_each=after_each) for cid in failed_campaigns()]


#: A campaign whose offline gifts go back by hand: all-or-nothing, ended without its goal.
_MISSED_ITS_GOAL = sa.and_(
    Campaign.state == CampaignState.ENDED,
    Campaign.funding_rule == FundingRule.ALL_OR_NOTHING,
)


def may_be_returned(gift: OfflineGift) -> bool:
    """Whether "mark returned" applies: a gift of an all-or-nothing campaign that missed its
    goal (any other gift that was a mistake is voided, with its reason)."""
    return bool(
        db.session.scalar(
            sa.select(sa.literal(True)).where(Campaign.id == gift.campaign_id, _MISSED_ITS_GOAL)
        )
    )


def offline_to_return(campaign_id: int | None = None) -> list[OfflineGift]:
    """Offline gifts of failed all-or-nothing campaigns still to give back by hand."""
    query = (
        sa.select(OfflineGift)
        .join(Campaign, Campaign.id == OfflineGift.campaign_id)
        .where(OfflineGift.state == GiftState.RECORDED, _MISSED_ITS_GOAL)
        .order_by(OfflineGift.campaign_id, OfflineGift.id)
    )
    if campaign_id is not None:
        query = query.where(OfflineGift.campaign_id == campaign_id)
    return list(db.session.scalars(query))
