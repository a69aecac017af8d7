"""A failed all-or-nothing campaign: every online gift refunded once through the fake Stripe,
matches released, offline gifts listed for staff, donors e-mailed; safe twice, safe interrupted."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign, CampaignState, FundingRule
from partnership.campaigns.services import close_due as end_due
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.gifts.models import GiftMethod, OfflineGift
from partnership.gifts.services import record_gift
from partnership.ledger.services import verify
from partnership.notifications.models import OutgoingMail
from partnership.payments.models import Donation, DonationState, RefundCause, RefundRequest
from partnership.settlement.services import settle_failed
from tests.crowd import reload
from tests.factories import english  # noqa: F401

REFUNDS = ("POST", "/v1/refunds")
GIFTS = (50_000, 30_000, 20_000, 70_000)


@pytest.fixture()
def failed_campaign(app, make_campaign, make_pledge, give, hooked):
    """An all-or-nothing campaign with four paid gifts (matched 1:1), an offline one, ended."""
    campaign = make_campaign(goal_satang=10_000_000)
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(funding_rule=FundingRule.ALL_OR_NOTHING)
    )
    now = utcnow()
    pledge = make_pledge(campaign, cap_satang=1_000_000, days=5, counts_offline=True)
    for amount in GIFTS:
        _, session_id = give(campaign, custom_amount=str(amount // 100))
        hooked.pay(session_id)
    record_gift(
        reload(campaign),
        method=GiftMethod.CHEQUE,
        amount_satang=10_000,
        received_on=now.date(),
        reference="CHQ-0042",
        donor_name="คุณครูสมศรี",
    )
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(ends_at=now - timedelta(minutes=1))
    )
    db.session.commit()
    assert reload(campaign).raised_satang == 2 * (sum(GIFTS) + 10_000)
    return reload(campaign), pledge


def close_due(app):
    result = app.test_cli_runner().invoke(args=["campaigns", "close-due"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def refund_requests_sent(fake):
    return fake.asked(*REFUNDS)


def test_close_due_refunds_everything_once(
    stripe_app, fake_stripe, failed_campaign, client, login_as
):
    campaign, pledge = failed_campaign
    output = close_due(stripe_app)
    assert "Ended 1 campaign(s)" in output
    assert "4 refund(s) requested" in output
    assert reload(campaign).state == CampaignState.ENDED
    assert len(refund_requests_sent(fake_stripe)) == 4
    assert sorted(r["amount"] for r in fake_stripe.refunds.values()) == sorted(GIFTS)
    assert {r.idempotency_key for r in refund_requests_sent(fake_stripe)} == {
        f"aon-refund-{d}" for d in db.session.scalars(sa.select(Donation.id))
    }
    # Matches go back at once; the money of the gifts leaves when Stripe's webhooks say so.
    assert reload(pledge).remaining_satang == 1_000_000
    assert reload(campaign).raised_satang == sum(GIFTS) + 10_000
    mails = db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.topic == "donation-refund")
    )
    assert len(mails.all()) == 4
    assert verify() == []

    fake_stripe.deliver_outbox()
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Donation.state))) == {DonationState.REFUNDED}
    assert reload(campaign).raised_satang == 10_000  # the cheque, returned by hand
    assert reload(campaign).donor_count == 0  # every gift refunded in full
    assert verify() == []
    # The donors were told when the refunds were sent; Stripe's confirmation adds no mail.
    assert not db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.topic == "donation-refunded")
    ).all()

    # A second run refunds nothing and mails nobody.
    output = close_due(stripe_app)
    assert "0 refund(s) requested" in output
    assert len(refund_requests_sent(fake_stripe)) == 4
    assert db.session.scalar(refund_mails()) == 4  # the thank-yous of the gifts are the others

    # Staff see the offline gift to return, and mark it returned: a reversing row.
    gift = db.session.scalar(sa.select(OfflineGift))
    login_as("staff")
    login_staff = client
    page = login_staff.get("/staff/settlement/").get_data(as_text=True)
    assert "CHQ-0042" in page
    response = login_staff.post(f"/staff/settlement/gifts/{gift.id}/returned")
    assert response.status_code == 303
    assert reload(campaign).raised_satang == 0
    assert "CHQ-0042" not in login_staff.get("/staff/settlement/").get_data(as_text=True)
    assert verify() == []


def test_an_interrupted_run_finishes_without_refunding_twice(
    stripe_app, fake_stripe, failed_campaign
):
    campaign, pledge = failed_campaign
    assert end_due() == [campaign.id]
    db.session.commit()

    class Crash(Exception):
        pass

    def crash_after_two(donation_id, seen=[]):  # noqa: B006 - a counter for this run
        seen.append(donation_id)
        if len(seen) == 2:
            raise Crash

    with pytest.raises(Crash):
        settle_failed(after_each=crash_after_two)
    db.session.rollback()
    assert len(refund_requests_sent(fake_stripe)) == 2

    # Stripe fails the next call (after the SDK's retries): that donation waits for a run.
    fake_stripe.fail_next(500, times=3)
    (report,) = settle_failed()
    assert report.waiting and report.answered == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count(RefundRequest.id)).where(RefundRequest.status == "requested")
        )
        == 1
    )

    (report,) = settle_failed()
    assert report.waiting == []
    (report,) = settle_failed()
    assert (report.requested, report.answered, report.waiting) == (0, 0, [])

    created = [r for r in fake_stripe.requests_to(*REFUNDS) if r.status == 200 and not r.replayed]
    assert len(created) == 4
    assert len(fake_stripe.refunds) == 4  # one refund per donation at Stripe
    assert sorted(r["amount"] for r in fake_stripe.refunds.values()) == sorted(GIFTS)
    assert db.session.scalar(refund_mails()) == 4  # the thank-yous of the gifts are the others
    fake_stripe.deliver_outbox()
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Donation.state))) == {DonationState.REFUNDED}
    assert reload(pledge).remaining_satang == 1_000_000
    assert verify() == []


def test_a_lost_answer_is_asked_again_with_the_same_key(stripe_app, fake_stripe, failed_campaign):
    """Stripe refunds, but its answer is lost: the SDK's retry gets the stored answer."""
    campaign, _ = failed_campaign
    assert end_due() == [campaign.id]
    db.session.commit()
    fake_stripe.timeout_next(seconds=1.0)  # beyond the client's 0.5 s
    (report,) = settle_failed()
    assert report.waiting == [] and report.answered == len(GIFTS)
    assert len(fake_stripe.refunds) == len(GIFTS)
    keys = [r.idempotency_key for r in fake_stripe.requests_to(*REFUNDS)]
    assert len(keys) > len(GIFTS) and len(set(keys)) == len(GIFTS)  # sent again, same key


def test_a_staff_refund_not_yet_reported_is_not_refunded_again(
    stripe_app, fake_stripe, failed_campaign
):
    from partnership.payments.refund_requests import request_refund, send_refund

    campaign, _ = failed_campaign
    first = db.session.scalars(sa.select(Donation).order_by(Donation.id)).first()
    row = request_refund(first, 10_000, cause=RefundCause.STAFF, key="staff-refund-x")
    db.session.commit()
    assert send_refund(row)
    db.session.commit()  # Stripe made it; its webhook has not arrived yet
    close_due(stripe_app)
    amounts = sorted(r["amount"] for r in fake_stripe.refunds.values())
    assert amounts == sorted([10_000, GIFTS[0] - 10_000, *GIFTS[1:]])
    assert all(r["status"] == "succeeded" for r in fake_stripe.refunds.values())
    fake_stripe.deliver_outbox()
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Donation.state))) == {DonationState.REFUNDED}
    assert reload(campaign).raised_satang == 10_000  # the cheque
    assert verify() == []
    # Its donor is told what this refund returns, not "in full"; the others are refunded in full.
    bodies = db.session.scalars(
        sa.select(OutgoingMail.body).where(OutgoingMail.topic == "donation-refund")
    ).all()
    rest = [b for b in bodies if "that had not been returned yet" in b]
    assert len(rest) == 1 and "the ฿400.00 of your gift of ฿500.00" in rest[0]
    assert "in full" not in rest[0]
    assert sum("in full" in body for body in bodies) == len(GIFTS) - 1


def test_a_gift_paid_after_the_end_is_refunded_by_the_next_run(
    stripe_app, fake_stripe, failed_campaign, give, hooked
):
    campaign, pledge = failed_campaign
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(ends_at=utcnow() + timedelta(days=1))
    )
    db.session.commit()
    _, late_session = give(campaign, custom_amount="250")  # started before the end
    # Paid by PromptPay before the end; the bank answers after it (close-due expires the
    # sessions still open, not this completed one).
    hooked.pay(late_session, method="promptpay", outcome="pending")
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(ends_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    close_due(stripe_app)
    assert len(fake_stripe.refunds) == len(GIFTS)
    hooked.settle(late_session)  # paid after the campaign failed
    db.session.expire_all()
    assert reload(pledge).remaining_satang == 1_000_000  # an ended campaign draws no match
    output = close_due(stripe_app)
    assert "1 refund(s) requested" in output
    assert sorted(r["amount"] for r in fake_stripe.refunds.values()) == sorted([*GIFTS, 25_000])


def refund_mails():
    """How many "your gift is refunded" mails were queued."""
    return sa.select(sa.func.count(OutgoingMail.id)).where(OutgoingMail.topic == "donation-refund")
