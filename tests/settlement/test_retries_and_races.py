"""All-or-nothing settlement (issue 15, A9): a refund Stripe refused, or that failed or was
canceled later, is asked again (a new key per attempt); two ``close-due`` runs at once, each in
its own thread and app context against the database of the run, never crash and refund once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign, FundingRule
from partnership.campaigns.services import close_due as end_due
from partnership.core.database import writing_transactions
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.ledger.services import verify
from partnership.notifications.models import OutgoingMail
from partnership.payments.models import Donation, DonationState, RefundRequest
from partnership.settlement.services import settle_failed
from tests.crowd import reload
from tests.factories import english  # noqa: F401

REFUNDS = ("POST", "/v1/refunds")


@pytest.fixture()
def ended_campaign(app, make_campaign, give, hooked):
    """An all-or-nothing campaign that missed its goal: one gift by card, one by PromptPay."""
    campaign = make_campaign(goal_satang=10_000_000)
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(funding_rule=FundingRule.ALL_OR_NOTHING)
    )
    db.session.commit()
    card, card_session = give(campaign, custom_amount="500")
    hooked.pay(card_session)
    promptpay, pp_session = give(campaign, custom_amount="300")
    hooked.pay(pp_session, method="promptpay")
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(ends_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    assert end_due() == [campaign.id]
    db.session.commit()
    return reload(campaign), reload(card), reload(promptpay)


def refund_mails() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(OutgoingMail.id)).where(OutgoingMail.topic == "donation-refund")
    )


def test_a_canceled_promptpay_refund_is_asked_again(ended_campaign, hooked):
    campaign, card, promptpay = ended_campaign
    (report,) = settle_failed()
    assert report.requested == 2
    hooked.deliver_outbox()
    assert reload(promptpay).state == DonationState.REFUNDED  # waiting for bank details
    first = next(r for r in hooked.refunds.values() if r["amount"] == 30_000)
    hooked.cancel_refund(first["id"])  # the donor never answered
    assert reload(promptpay).state == DonationState.PAID
    assert reload(campaign).raised_satang == 30_000

    (report,) = settle_failed()
    assert (report.requested, report.answered) == (1, 1)
    assert hooked.requests_to(*REFUNDS)[-1].idempotency_key == f"aon-refund-{promptpay.id}-2"
    hooked.deliver_outbox()
    (second,) = [r for r in hooked.refunds.values() if r["amount"] == 30_000 and r != first]
    hooked.complete_refund(second["id"])
    assert reload(promptpay).state == DonationState.REFUNDED
    assert reload(campaign).raised_satang == 0
    (report,) = settle_failed()  # nothing left
    assert report.requested == 0
    assert refund_mails() == 3  # the second attempt tells the donor again
    assert verify() == []


def test_a_refused_refund_is_asked_again_by_the_next_run(ended_campaign, hooked):
    campaign, card, promptpay = ended_campaign
    hooked.fail_next(400)  # Stripe refuses the first request
    (report,) = settle_failed()
    assert report.answered == 2
    query = sa.select(RefundRequest.donation_id, RefundRequest.status)
    statuses = dict(db.session.execute(query).all())
    assert statuses[card.id] == "refused"
    (report,) = settle_failed()
    assert report.requested == 1
    assert hooked.requests_to(*REFUNDS)[-1].idempotency_key == f"aon-refund-{card.id}-2"
    hooked.deliver_outbox()
    assert reload(card).state == DonationState.REFUNDED
    assert verify() == []


def test_a_card_refund_failing_at_the_bank_is_asked_again(ended_campaign, hooked):
    campaign, card, promptpay = ended_campaign
    settle_failed()
    hooked.deliver_outbox()
    made = next(r for r in hooked.refunds.values() if r["amount"] == 50_000)
    hooked.fail_refund(made["id"], "expired_or_canceled_card")
    assert reload(card).state == DonationState.PAID
    (report,) = settle_failed()
    assert report.requested == 1
    hooked.deliver_outbox()
    assert reload(card).state == DonationState.REFUNDED and verify() == []


def run_at_once(app, count: int) -> list[BaseException]:
    """``settle_failed`` in ``count`` threads released together, each with its own app context
    (and so its own database session), as ``flask campaigns close-due`` runs it."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context(), writing_transactions():
            barrier.wait()
            try:
                settle_failed()
            except BaseException as error:  # noqa: BLE001 - reported to the test
                errors.append(error)
                db.session.rollback()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


@pytest.mark.parametrize("stripe_was_down", [False, True])
def test_two_close_due_runs_at_once_refund_once_and_never_crash(
    stripe_app, ended_campaign, hooked, stripe_was_down
):
    campaign, card, promptpay = ended_campaign
    if stripe_was_down:  # both runs then find the same unanswered requests
        hooked.fail_next(500, times=6)
        (report,) = settle_failed()
        assert sorted(report.waiting) == sorted([card.id, promptpay.id])
    db.session.commit()
    hooked.timeout_next(times=4, seconds=0.3)  # a slow Stripe: the runs overlap
    errors = run_at_once(stripe_app, 3)
    assert errors == []
    db.session.expire_all()
    assert len(hooked.refunds) == 2
    assert sorted(r["amount"] for r in hooked.refunds.values()) == [30_000, 50_000]
    assert db.session.scalar(sa.select(sa.func.count(RefundRequest.id))) == 2
    assert refund_mails() == 2
    hooked.deliver_outbox()
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Donation.state))) == {DonationState.REFUNDED}
    assert verify() == []
